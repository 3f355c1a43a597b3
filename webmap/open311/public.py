"""What an Open311 GET may say of a case: the privacy gate's answer, in Open311's words.

Every Open311 GET reads cases here and only here, through :mod:`webmap.privacy`: the cases
the public map shows (accepted, in work, done), at the gate's public point, named by the
gazetteer (the house only when a public post or a public work already shows the place, else
the street), with the redacted public note. No message text, author, contact or id of a
resident is read. A system may also read back the requests it submitted itself with its
key while the centre has not published them yet, with the same public-safe fields.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.orm import aliased

from webmap import privacy
from webmap.extensions import db
from webmap.maps.detail import status_label
from webmap.models import Appeal, SourceMessage, Work, WorkPhoto, work_appeals
from webmap.models.constants import OPEN_STATUSES

CHANNEL = "open311"


@dataclass(frozen=True)
class Query:
    ids: Sequence[int] = ()  # when given, the other filters are not applied (the spec says so)
    codes: Sequence[str] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: Sequence[str] = ()  # open, closed
    limit: int = 1000
    key_id: int | None = None  # the caller's API key: its own unpublished requests are readable too


def open311_status(status: str) -> str:
    return "open" if status in OPEN_STATUSES else "closed"


def _submitted_with(a: Any, key_id: int | None) -> ColumnElement[bool]:
    if key_id is None:
        return false()
    m = aliased(SourceMessage, name="om")
    return (
        exists()
        .where(m.appeal_id == a.id, m.channel == CHANNEL, m.raw["api_key_id"].astext == str(key_id))
        .correlate(a)
    )


def _status_filter(statuses: Sequence[str]) -> ColumnElement[bool] | None:
    if not statuses or set(statuses) >= {"open", "closed"}:
        return None
    return Appeal.status.in_(OPEN_STATUSES) if "open" in statuses else Appeal.status.not_in(OPEN_STATUSES)


def _photo(a: Any) -> Any:
    """The first photo taken after a done work that answers the case."""
    return (
        select(WorkPhoto.id)
        .join(Work, Work.id == WorkPhoto.work_id)
        .join(work_appeals, work_appeals.c.work_id == Work.id)
        .where(work_appeals.c.appeal_id == a.id, Work.status == "done", WorkPhoto.stage == "after")
        .order_by(WorkPhoto.id)
        .limit(1)
        .correlate(a)
        .scalar_subquery()
    )


def find_requests(q: Query, now: datetime) -> list[dict[str, Any]]:
    """The service requests ``q`` asks for that the caller may see, newest first, public-safe."""
    max_age = int(current_app.config["WEBMAP_PUBLIC_FIXED_MAX_AGE_DAYS"])
    public = privacy.visible_case(Appeal, now=now, max_age_days=max_age, include_old=True)
    where: list[ColumnElement[bool]] = [or_(public, _submitted_with(Appeal, q.key_id))]
    if q.ids:
        where.append(Appeal.id.in_(q.ids))
    else:
        if q.codes:
            where.append(Appeal.category_code.in_(q.codes))
        if q.start is not None:
            where.append(Appeal.created_at >= q.start)
        if q.end is not None:
            where.append(Appeal.created_at <= q.end)
        status = _status_filter(q.statuses)
        if status is not None:
            where.append(status)
    point = privacy.public_point(Appeal)
    disclosed = privacy.reported_publicly(Appeal) | privacy.marking_work_point(Appeal).is_not(None)
    rows = db.session.execute(
        select(
            Appeal,
            func.ST_X(point),
            func.ST_Y(point),
            func.ST_X(Appeal.point),
            func.ST_Y(Appeal.point),
            disclosed,
            _photo(Appeal),
        )
        .where(and_(*where))
        .order_by(Appeal.created_at.desc(), Appeal.id.desc())
        .limit(q.limit)
    ).all()
    places: dict[tuple[float, float, bool], str | None] = {}  # cases share cells and houses: ask once

    def place(lon: float, lat: float, houses: bool) -> str | None:
        if (lon, lat, houses) not in places:
            places[(lon, lat, houses)] = privacy.public_place(lon, lat, houses=houses)
        return places[(lon, lat, houses)]

    return [_document(*row, place=place) for row in rows]


def _w3c(value: datetime | None) -> str | None:
    """W3C datetime in the town's zone, with its offset (``2026-12-01T14:05:00+05:00``)."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(current_app.config["WEBMAP_TIMEZONE"])).isoformat(timespec="seconds")


def agency() -> str:
    return current_app.config.get("WEBMAP_OPEN311_AGENCY") or _(
        "Администрация города %(town)s", town=current_app.config["WEBMAP_TOWN_NAME"]
    )


def service_notice(case: Appeal) -> str | None:
    if case.status in OPEN_STATUSES and case.deadline is not None:
        return _("Срок рассмотрения — до %(date)s", date=format_date(case.deadline, "long"))
    return None


def _document(
    case: Appeal,
    lon: float | None,
    lat: float | None,
    own_lon: float | None,
    own_lat: float | None,
    disclosed: bool,
    photo_id: int | None,
    *,
    place: Callable[[float, float, bool], str | None],
) -> dict[str, Any]:
    if lon is None or lat is None or own_lon is None or own_lat is None:
        address = None
    elif disclosed:  # a public post or a public work already shows the place: name its house
        address = place(lon, lat, True)
    else:  # known only from non-public channels: the street and district, never the house
        address = place(own_lon, own_lat, False)
    closed = open311_status(case.status) == "closed"
    title = case.category.name_en if str(get_locale() or "ru") == "en" else case.category.name_ru
    return {
        "service_request_id": case.id,
        "status": open311_status(case.status),
        "status_notes": privacy.public_text(case.public_note) or status_label("case", case.status),
        "service_name": title,
        "service_code": case.category_code,
        "description": None,  # residents' own words are never public
        "agency_responsible": agency(),
        "service_notice": service_notice(case),
        "requested_datetime": _w3c(case.created_at),
        "updated_datetime": _w3c((case.closed_at or case.updated_at) if closed else case.updated_at),
        "expected_datetime": _w3c(case.deadline),
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": round(lat, 6) if lat is not None else None,
        "long": round(lon, 6) if lon is not None else None,
        "media_url": url_for("api.photo", photo_id=photo_id, _external=True) if photo_id else None,
    }


def request_of_token(token: str) -> int | None:
    """The service request (case) a POST's token became, if any."""
    return db.session.scalar(
        select(SourceMessage.appeal_id).where(SourceMessage.channel == CHANNEL, SourceMessage.external_id == token)
    )
