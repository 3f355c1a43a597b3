"""The OpenAPI document and its reading page (Swagger UI from static/vendor, no CDN)."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from webmap.api import bp
from webmap.api.errors import json_body
from webmap.api.openapi import document


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 document of /api and /open311/v2."""
    return json_body(document(request.host_url), max_age=300)


@bp.get("/docs")
def docs() -> ResponseReturnValue:
    """Swagger UI over the document; its script is ours (static/js/api-docs.js), no inline code."""
    return render_template("api/docs.html")
