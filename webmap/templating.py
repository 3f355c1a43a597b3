"""Jinja globals shared by every blueprint's templates: URL helpers and the vocabularies' labels."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for

from webmap.models.vocab import APPEAL_STATUS, CHANNEL, PRECISION, WORK_STATUS


def url_with(**changes: Any) -> str:
    """The current page's URL with some query arguments replaced (pagers, filters)."""
    args: dict[str, Any] = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    assert request.endpoint is not None  # called while rendering a routed page
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        url_with=url_with,
        status_label=APPEAL_STATUS.label,
        work_status_label=WORK_STATUS.label,
        precision_label=PRECISION.label,
        channel_label=CHANNEL.label,
    )
