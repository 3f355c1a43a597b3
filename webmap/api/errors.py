"""JSON answers and JSON errors for the API: a client never gets an HTML page or a bare 500."""

from __future__ import annotations

import gzip
import json
from typing import Any

from flask import Response, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from webmap.api import bp
from webmap.errors import AppError, stale
from webmap.extensions import db
from webmap.maps.params import BadParameter

GZIP_MIN_BYTES = 2048


def json_text(body: str, status: int = 200, *, max_age: int = 0) -> Response:
    """A JSON response from ready JSON text; gzipped when the client takes it and it is worth it."""
    data = body.encode("utf-8")
    response = Response(status=status, mimetype="application/json")
    if len(data) >= GZIP_MIN_BYTES and "gzip" in request.headers.get("Accept-Encoding", ""):
        data = gzip.compress(data, compresslevel=5)
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding, Cookie"
    response.set_data(data)
    if max_age:
        response.headers["Cache-Control"] = f"public, max-age={max_age}"
    else:
        response.headers["Cache-Control"] = "no-store" if current_user.is_authenticated else "no-cache"
    return response


def json_body(obj: Any, status: int = 200, *, max_age: int = 0) -> Response:
    return json_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")), status, max_age=max_age)


def error(status: int, code: str, message: str, **extra: Any) -> Response:
    return json_body({"error": code, "message": message, **extra}, status)


@bp.errorhandler(BadParameter)
def _bad_parameter(exc: BadParameter) -> Response:
    return error(400, "bad_parameter", exc.message, parameter=exc.name)


@bp.errorhandler(AppError)
def _refused(exc: AppError) -> Response:
    """A service's refusal: nothing it wrote is kept; its code, reason, message and values."""
    db.session.rollback()
    return error(exc.status, exc.code, exc.message(), reason=exc.reason, **exc.params)


@bp.errorhandler(StaleDataError)
def _stale(exc: StaleDataError) -> Response:
    return _refused(stale(exc))


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return error(exc.code or 500, exc.name.lower().replace(" ", "_"), exc.description or exc.name)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Response:
    current_app.logger.exception("API error on %s", request.path)
    return error(500, "internal_error", _("Внутренняя ошибка сервера."))
