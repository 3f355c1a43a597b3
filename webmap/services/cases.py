"""Operator corrections to a case: place, category, merge and split.

Every correction is recorded as a StatusChange (field, from, to, who), and is
checked against the version the operator saw, so two operators never silently
overwrite each other.
"""

from __future__ import annotations

from typing import cast

from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import Point
from sqlalchemy import func, select

from webmap.errors import BadInput
from webmap.extensions import db
from webmap.models import Appeal, Category, District, User
from webmap.services.gazetteer import in_town
from webmap.services.workflow import change_status, check_version, record


def _point_text(appeal: Appeal) -> str | None:
    if appeal.point is None:
        return None
    p = cast(Point, to_shape(appeal.point))  # a Point column
    return f"{p.x:.6f} {p.y:.6f}"


def district_at(lon: float, lat: float) -> District | None:
    return db.session.scalar(
        select(District)
        .where(func.ST_Contains(District.geom, func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)))
        .limit(1)
    )


def place_case(
    appeal: Appeal,
    lon: float,
    lat: float,
    user: User | None,
    *,
    address: str | None = None,
    expected_version: int | None = None,
) -> None:
    """Put the case where the operator says (a click on the map or a typed address)."""
    check_version(appeal, expected_version)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadInput("coordinates_out_of_range")
    if not in_town(lon, lat):
        raise BadInput("outside_town")
    old = _point_text(appeal)
    appeal.point = from_shape(Point(lon, lat), srid=4326)
    appeal.precision = "house" if address else "street" if appeal.precision == "none" else appeal.precision
    appeal.confidence = 1.0
    appeal.placed_by = "operator"
    if address is not None:
        appeal.address = address
    district = district_at(lon, lat)
    appeal.district_id = district.id if district else None
    db.session.flush()
    record(appeal, "point", old, _point_text(appeal), user, address)


def set_category(appeal: Appeal, code: str, user: User | None, *, expected_version: int | None = None) -> None:
    check_version(appeal, expected_version)
    if db.session.get(Category, code) is None:
        raise BadInput("unknown_category")
    if code == appeal.category_code:
        return
    old = appeal.category_code
    appeal.category_code = code
    db.session.flush()
    record(appeal, "category", old, code, user)


def merge_cases(target: Appeal, others: list[Appeal], user: User | None) -> None:
    """Move the messages of ``others`` to ``target``; the others become its duplicates."""
    for other in others:
        if other.id == target.id:
            continue
        for message in list(other.messages):
            message.appeal = target
            record(target, "message", f"{other.id}", f"{target.id}", user, f"{message.channel}:{message.external_id}")
        change_status(other, "duplicate", user, duplicate_of=target, comment=f"объединено с №{target.id}")


def split_case(appeal: Appeal, message_ids: list[int], user: User | None) -> Appeal:
    """Move the given messages out of ``appeal`` into a new case of the same category and place."""
    moving = [m for m in appeal.messages if m.id in set(message_ids)]
    if not moving or len(moving) == len(appeal.messages):
        raise BadInput("split_selection")
    new = Appeal(
        category_code=appeal.category_code,
        status="new",
        point=appeal.point,
        precision=appeal.precision,
        confidence=appeal.confidence,
        placed_by=appeal.placed_by,
        address=appeal.address,
        district_id=appeal.district_id,
        deadline=appeal.deadline,
        created_at=min(m.posted_at for m in moving),
    )
    db.session.add(new)
    db.session.flush()
    for message in moving:
        message.appeal = new
        record(new, "message", f"{appeal.id}", f"{new.id}", user, f"{message.channel}:{message.external_id}")
    record(new, "status", None, "new", user, f"выделено из №{appeal.id}")
    db.session.flush()
    return new
