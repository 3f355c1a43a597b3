"""Operator endpoints (operator and admin): every case by bbox, unplaced cases, heat, placing."""

from __future__ import annotations

import math
from typing import Any

from flask import Response, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from webmap.api import bp
from webmap.api.body import json_object
from webmap.api.errors import json_body, json_text
from webmap.api.public import features_response, map_settings
from webmap.auth.roles import role_required
from webmap.errors import NotFound
from webmap.extensions import db
from webmap.maps.audience import OPERATOR
from webmap.maps.features import case_feature, heat_cells
from webmap.maps.params import BadParameter, check_known, parse_int, parse_list, single
from webmap.maps.query import feature_query, known_categories
from webmap.models import Appeal, Category, SourceMessage
from webmap.models.constants import OPEN_STATUSES
from webmap.services.cases import place_case

OPERATOR_ROLES = ("operator",)  # admins pass every role check


@bp.get("/operator/features")
@role_required(*OPERATOR_ROLES)
def operator_features() -> Response:
    """Every case (and, with layers=works, every work) in ``bbox``, with the operator's fields."""
    return features_response(OPERATOR)


@bp.get("/operator/heat")
@role_required(*OPERATOR_ROLES)
def operator_heat() -> Response:
    """Open cases in ``bbox`` counted on a fine grid: ``{"points": [[lat, lon, count], ...], "max": n}``."""
    args = request.args.to_dict(flat=False)
    for name in ("layers", "case_status", "work_status", "type"):
        if name in args:
            raise BadParameter(name, _("Тепловая карта строится только по открытым обращениям."))
    query = feature_query(request.args, OPERATOR)
    return json_body(heat_cells(query, map_settings()))


@bp.get("/operator/unplaced")
@role_required(*OPERATOR_ROLES)
def operator_unplaced() -> Response:
    """Open cases with no point yet, oldest first: the list beside the operator's map."""
    check_known(request.args, ("category", "limit", "offset"))
    raw = single(request.args, "category")
    categories = parse_list("category", raw, known_categories()) if raw else ()
    limit = parse_int("limit", single(request.args, "limit"), 1, 200, default=50)
    offset = parse_int("offset", single(request.args, "offset"), 0, 1_000_000, default=0)
    where = [Appeal.point.is_(None), Appeal.status.in_(OPEN_STATUSES)]
    if categories:
        where.append(Appeal.category_code.in_(categories))
    total = db.session.scalar(select(func.count()).select_from(Appeal).where(*where))
    name = Category.name_en if str(get_locale()) == "en" else Category.name_ru
    first_text = (
        select(func.left(SourceMessage.text, 200))
        .where(SourceMessage.appeal_id == Appeal.id)
        .order_by(SourceMessage.posted_at)
        .limit(1)
        .scalar_subquery()
    )
    first_channel = (
        select(SourceMessage.channel)
        .where(SourceMessage.appeal_id == Appeal.id)
        .order_by(SourceMessage.posted_at)
        .limit(1)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Appeal.id,
            Appeal.category_code,
            name,
            Appeal.status,
            Appeal.created_at,
            Appeal.deadline,
            Appeal.version,
            Appeal.address,
            first_text,
            first_channel,
        )
        .join(Category, Category.code == Appeal.category_code)
        .where(*where)
        .order_by(Appeal.created_at, Appeal.id)
        .limit(limit)
        .offset(offset)
    )
    items = [
        {
            "id": r[0],
            "category": r[1],
            "title": r[2],
            "status": r[3],
            "created": r[4].isoformat() if r[4] else None,
            "deadline": r[5].isoformat() if r[5] else None,
            "version": r[6],
            "address": r[7],
            "text": r[8],
            "channel": r[9],
        }
        for r in rows
    ]
    return json_body({"total": total, "limit": limit, "offset": offset, "items": items})


def _number(body: dict[str, Any], name: str, low: float, high: float) -> float:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadParameter(name, _("%(name)s: ожидалось число.", name=name))
    if not low <= value <= high:
        raise BadParameter(name, _("%(name)s: число вне диапазона %(low)s…%(high)s.", name=name, low=low, high=high))
    return float(value)


@bp.post("/cases/<int:case_id>/place")
@role_required(*OPERATOR_ROLES)
def place(case_id: int) -> Response:
    """Put a case where the operator clicked: JSON ``{"lon", "lat", "version"}``; 409 if the case changed."""
    body = json_object()
    lon = _number(body, "lon", -180, 180)
    lat = _number(body, "lat", -90, 90)
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise BadParameter("version", _("version: нужна версия обращения, которую видел оператор."))
    address = body.get("address")
    if address is not None and (not isinstance(address, str) or len(address) > 300):
        raise BadParameter("address", _("address: строка не длиннее 300 символов."))
    appeal = db.session.get(Appeal, case_id)
    if appeal is None:
        raise NotFound("no_case")
    place_case(appeal, lon, lat, current_user, address=address or None, expected_version=version)
    db.session.commit()  # a concurrent save: StaleDataError, a 409 (webmap.api.errors)
    return json_text('{"ok":true,"case":' + case_feature(case_id, OPERATOR, map_settings()) + "}")
