"""Structured request logs: one JSON line per request, and the app's errors in the same stream.

A line holds the method, the route (the URL rule, so a secret in a path such as a
webhook's never reaches the log; no query string, no body), the status, the time in
milliseconds and the user's id: never a personal field or a token.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, request
from flask_login import current_user

REQUEST_LOGGER = "webmap.request"


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object; a request line's fields come in ``record.fields``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "<unmatched>"


def _user_id() -> int | None:
    try:
        return int(current_user.id) if current_user.is_authenticated else None
    except (AttributeError, TypeError, ValueError):
        return None


def init_app(app: Flask) -> None:
    """Log every request and the app's errors as JSON lines on stderr (``WEBMAP_REQUEST_LOG=0`` turns
    request lines off)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in (REQUEST_LOGGER, app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    if not app.config.get("WEBMAP_REQUEST_LOG", True):
        return

    @app.before_request
    def _start_clock() -> None:
        g._request_started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        started = g.pop("_request_started", None)
        elapsed = (time.perf_counter() - started) * 1000 if started is not None else None
        logging.getLogger(REQUEST_LOGGER).info(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "path": _route(),
                    "status": response.status_code,
                    "ms": round(elapsed, 1) if elapsed is not None else None,
                    "user": _user_id(),
                }
            },
        )
        return response
