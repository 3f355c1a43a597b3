"""Jinja globals shared by every blueprint's templates."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for

from webmap import labels


def url_with(**changes: Any) -> str:
    """The current page's URL with some query arguments replaced (pagers, filters)."""
    args: dict[str, Any] = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    assert request.endpoint is not None  # called while rendering a routed page
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def register(app: Flask) -> None:
    labels.register(app)
    app.jinja_env.globals["url_with"] = url_with
