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
from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, text
from sqlalchemy.orm import aliased, joinedload

from webmap import privacy
from webmap.extensions import db
from webmap.maps.answers import last_public_answers
from webmap.maps.detail import status_label
from webmap.models import Appeal, SourceMessage, Work, WorkPhoto, work_appeals
from webmap.models.constants import APPEAL_STATUSES, OPEN_STATUSES

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
    newest = (Appeal.created_at.desc(), Appeal.id.desc())
    # the gate's parts of each listed case's public point, computed once per case (not per use)
    listed = (
        select(
            Appeal.id,
            privacy.reported_publicly(Appeal).label("reported"),
            privacy.marking_work_point(Appeal).label("work_point"),
        )
        .where(and_(*where))
        .order_by(*newest)
        .limit(q.limit)
        .subquery()
    )
    point = privacy.public_point_of(Appeal.point, listed.c.reported, listed.c.work_point)
    disclosed = listed.c.reported | listed.c.work_point.is_not(None)
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
        .join(listed, listed.c.id == Appeal.id)
        .options(joinedload(Appeal.category))
        .order_by(*newest)
    ).all()
    wanted = [_place_point(*row[1:6]) for row in rows]
    places = public_places([w for w in wanted if w is not None])

    def place(lon: float, lat: float, houses: bool) -> str | None:
        return places[(lon, lat, houses)]

    words = {"agency": agency(), **{status: status_label("case", status) for status in APPEAL_STATUSES}}
    answers = last_public_answers(row[0].id for row in rows)
    return [_document(*row, place=place, words=words, answers=answers) for row in rows]


def _place_point(
    lon: float | None, lat: float | None, own_lon: float | None, own_lat: float | None, disclosed: bool
) -> tuple[float, float, bool] | None:
    """Where the gazetteer is asked for a case's public place, and whether it may name the house."""
    if lon is None or lat is None or own_lon is None or own_lat is None:
        return None
    # a public post or a public work already shows the place: its house; else only the street
    return (lon, lat, True) if disclosed else (own_lon, own_lat, False)


_PLACES_SQL = text(
    """
    WITH p AS (SELECT * FROM unnest(CAST(:lon AS float8[]), CAST(:lat AS float8[]), CAST(:houses AS bool[]))
               AS t(lon, lat, houses)),
         q AS (SELECT lon, lat, houses, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt FROM p)
    SELECT q.lon, q.lat, q.houses, h.full_name, h.d, s.full_name, s.d, dist.name
    FROM q
    LEFT JOIN LATERAL (SELECT full_name, ST_Distance(geom::geography, q.pt::geography) AS d FROM addresses
                       WHERE q.houses ORDER BY geom <-> q.pt LIMIT 1) h ON true
    LEFT JOIN LATERAL (SELECT full_name, ST_Distance(geom::geography, q.pt::geography) AS d FROM streets
                       ORDER BY geom <-> q.pt LIMIT 1) s ON true
    LEFT JOIN LATERAL (SELECT name FROM districts WHERE ST_Contains(geom, q.pt) LIMIT 1) dist ON true
    """
)


def public_places(points: Sequence[tuple[float, float, bool]]) -> dict[tuple[float, float, bool], str | None]:
    """:func:`webmap.privacy.public_place` for many points in one query (a GET lists up to 1000).

    The same rule, word for word: the nearest house within the gate's NEAR_HOUSE_M when the house
    may be named, else the nearest street within NEAR_STREET_M, and the district; a test holds
    the two equal.
    """
    unique = list(dict.fromkeys(points))
    out: dict[tuple[float, float, bool], str | None] = {}
    if not unique:
        return out
    rows = db.session.execute(
        _PLACES_SQL,
        {"lon": [p[0] for p in unique], "lat": [p[1] for p in unique], "houses": [p[2] for p in unique]},
    )
    for lon, lat, houses, house, house_d, street, street_d, district in rows:
        place = house if houses and house is not None and house_d <= privacy.NEAR_HOUSE_M else None
        if place is None and street is not None and street_d <= privacy.NEAR_STREET_M:
            place = street
        out[(lon, lat, houses)] = f"{place} ({district})" if place and district else place or district
    return out


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
    words: dict[str, str],
    answers: dict[int, str],
) -> dict[str, Any]:
    where = _place_point(lon, lat, own_lon, own_lat, disclosed)
    address = place(*where) if where is not None else None
    closed = open311_status(case.status) == "closed"
    title = case.category.name_en if str(get_locale() or "ru") == "en" else case.category.name_ru
    return {
        "service_request_id": case.id,
        "status": open311_status(case.status),
        # the centre's last answer to the resident, else the public note, else the status in words
        "status_notes": answers.get(case.id) or privacy.public_text(case.public_note) or words[case.status],
        "service_name": title,
        "service_code": case.category_code,
        "description": None,  # residents' own words are never public
        "agency_responsible": words["agency"],
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
