"""Reading a JSON request body safely: bounded in size and depth, text PostgreSQL can store.

The size is bounded before parsing (``WEBMAP_JSON_MAX_BYTES``, 413, see webmap.security);
here a body that is not a JSON object, nests deeper than :data:`MAX_DEPTH`, or holds a NUL or a lone
surrogate (which PostgreSQL text cannot hold) is refused with a 400 naming the problem.
"""

from __future__ import annotations

import json
from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

MAX_DEPTH = 8  # our bodies are flat objects; a deeper one is a probe


def _problem(value: Any, depth: int = 0) -> str | None:
    if depth > MAX_DEPTH:
        return _("JSON вложен слишком глубоко.")
    if isinstance(value, dict):
        for key, item in value.items():
            problem = _problem(key, depth + 1) or _problem(item, depth + 1)
            if problem:
                return problem
    elif isinstance(value, list):
        for item in value:
            problem = _problem(item, depth + 1)
            if problem:
                return problem
    elif isinstance(value, str):
        if "\x00" in value:
            return _("Текст содержит недопустимый символ NUL.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return _("Текст содержит недопустимые символы (одиночные суррогаты).")
    return None


def json_object() -> dict[str, Any]:
    """The request's JSON object; a 400 ``bad_request`` for anything else."""
    if not request.is_json:
        raise BadRequest(_("Ожидался JSON (Content-Type: application/json)."))
    raw = request.get_data(cache=True)  # over WEBMAP_JSON_MAX_BYTES: 413 before this returns
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest(_("Тело запроса — не JSON в UTF-8.")) from None
    if not isinstance(body, dict):
        raise BadRequest(_("Ожидался объект JSON."))
    problem = _problem(body)
    if problem:
        raise BadRequest(problem)
    return body
