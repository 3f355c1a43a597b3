"""Exports: any dashboard table as CSV or XLSX, the filtered cases and works as GeoJSON.

The dashboard's roles get every column. ``public=1`` (and ``/export/public.geojson``)
needs no login and gives what the privacy gate (webmap.privacy) allows: exactly the
items the public map shows (``old=1`` for fixed ones older than its age), each case at
its public point, only the gate's fields and links, never a reception table, and no
filter by a non-public channel.
"""

from __future__ import annotations

import json
from typing import Any

from flask import abort, current_app, jsonify, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webmap import privacy
from webmap.auth.roles import has_role, role_required
from webmap.dashboard import VIEWERS, bp
from webmap.dashboard.filters import parse
from webmap.dashboard.tables import BUILDERS, build, case_group, hotspot_or_404
from webmap.services import analytics as an
from webmap.services import exports

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}
GEOJSON_LAYERS = ("cases", "works", "all")


def _download(body: bytes, filename: str, fmt: str) -> Response:
    response = Response(body, mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _bad(errors: list[str]) -> Response:
    response = jsonify(error="bad_request", message=" ".join(errors), errors=errors)
    response.status_code = 400
    return response


def _geojson(layer: str, *, personal: bool) -> Response:
    parsed = parse(request.args, public=not personal)
    if not parsed.ok:
        return _bad(parsed.errors)
    tz = current_app.config["WEBMAP_TIMEZONE"]
    case_rows: list[dict[str, Any]] = []
    work_rows: list[dict[str, Any]] = []
    if layer in ("cases", "all"):
        rank = request.args.get("hotspot", "")
        if rank:
            if not rank.isdigit() or len(rank) > 6:
                abort(400)
            ids = hotspot_or_404(parsed, int(rank)).ids
            case_rows = an.cases(parsed.filters, "received", ids=ids, geometry=True)
        else:
            case_rows = an.cases(parsed.filters, case_group(request.args.get("group")), geometry=True)
    if layer in ("works", "all"):
        work_rows = an.works(parsed.filters, geometry=True)
    collection = exports.feature_collection(case_rows, work_rows, personal=personal, tz=tz)
    body = json.dumps(collection, ensure_ascii=False, default=str).encode("utf-8")
    prefix = "public-" if not personal else ""
    return _download(body, f"{prefix}{layer}-{parsed.filters.date_from}-{parsed.filters.date_to}.geojson", "geojson")


def _table(name: str, fmt: str, *, personal: bool) -> Response:
    if not personal and name in privacy.PRIVATE_TABLES:
        abort(404)
    parsed = parse(request.args, public=not personal)
    if not parsed.ok:
        return _bad(parsed.errors)
    table = build(name, parsed)
    if not personal and not table.public:
        abort(404)
    tz = current_app.config["WEBMAP_TIMEZONE"]
    body = (exports.to_csv if fmt == "csv" else exports.to_xlsx)(table, personal=personal, tz=tz)
    prefix = "public-" if not personal else ""
    return _download(body, f"{prefix}{name}-{parsed.filters.date_from}-{parsed.filters.date_to}.{fmt}", fmt)


@role_required(*VIEWERS)
def _internal(name: str, fmt: str) -> Response:
    personal = has_role(*VIEWERS)
    if fmt == "geojson":
        return _geojson(name, personal=personal)
    return _table(name, fmt, personal=personal)


@bp.get("/export/<name>.<fmt>")
def export(name: str, fmt: str) -> Response:
    """``/dashboard/export/categories.csv?from=...``; ``public=1`` for the public variant."""
    if fmt not in MIMETYPES or name not in (GEOJSON_LAYERS if fmt == "geojson" else BUILDERS):
        abort(404)
    if request.args.get("public") == "1":
        if fmt == "geojson":
            return _geojson(name, personal=False)
        return _table(name, fmt, personal=False)
    return _internal(name, fmt)


@bp.get("/export/public.geojson")
def public_geojson() -> Response:
    """The filtered cases and works for anyone: no names, contacts, addresses or texts of messages."""
    return _geojson("all", personal=False)


@bp.errorhandler(404)
def not_found(error: Any) -> Any:
    if request.path.startswith("/dashboard/export/"):
        return jsonify(error="not_found", message=_("Такой выгрузки нет.")), 404
    return error
