"""One work or case as the public popup shows it: what, where, when, and who asked.

Only items the public map shows have a public detail (a planned work or a
new, rejected or duplicate case answers None, so ids cannot be probed). The
"where" comes from the gazetteer (the nearest house or street), never from a
resident's words; notes are redacted; sources name their channel and link a
public post only.
"""

from __future__ import annotations

import json
from typing import Any

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select, text

from webmap.extensions import db
from webmap.maps.answers import last_public_answer, last_public_work_answer
from webmap.maps.audience import PUBLIC
from webmap.maps.public_text import public_post_url, public_text, source_label
from webmap.models import Appeal, SourceMessage, Work, WorkPhoto, work_appeals
from webmap.models.vocab import APPEAL_STATUS, WORK_STATUS

NEAR_HOUSE_M = 80
NEAR_STREET_M = 250


def status_label(kind: str, status: str) -> str:
    return (WORK_STATUS if kind == "work" else APPEAL_STATUS).label(status)


def where(lon: float, lat: float) -> str | None:
    """The nearest house (within 80 m) or street (within 250 m), and the district, from the gazetteer."""
    params = {"lon": lon, "lat": lat}
    point = "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"
    house = db.session.execute(
        text(
            f"SELECT full_name, ST_Distance(geom::geography, {point}::geography) FROM addresses "
            f"ORDER BY geom <-> {point} LIMIT 1"
        ),
        params,
    ).first()
    place = None
    if house and house[1] <= NEAR_HOUSE_M:
        place = house[0]
    else:
        street = db.session.execute(
            text(
                f"SELECT full_name, ST_Distance(geom::geography, {point}::geography) FROM streets "
                f"ORDER BY geom <-> {point} LIMIT 1"
            ),
            params,
        ).first()
        if street and street[1] <= NEAR_STREET_M:
            place = street[0]
    district = db.session.execute(
        text(f"SELECT name FROM districts WHERE ST_Contains(geom, {point}) LIMIT 1"), params
    ).scalar()
    if place and district:
        return f"{place} ({district})"
    return place or district


def _sources(messages: list[SourceMessage]) -> list[dict[str, Any]]:
    """Each public post with its link; non-public channels by name and count, without text."""
    out: list[dict[str, Any]] = []
    counted: dict[str, dict[str, Any]] = {}
    for message in messages:
        url = public_post_url(message.channel, message.url)
        if url:
            out.append({"channel": message.channel, "label": source_label(message.channel), "url": url})
            continue
        key = message.channel if message.channel in ("vk", "telegram", "ok", "pos", "reception", "phone") else "other"
        entry = counted.get(key)
        if entry is None:
            entry = counted[key] = {"channel": key, "label": source_label(key), "count": 0}
            out.append(entry)
        entry["count"] += 1
    return out


def _point(geom_json: str) -> tuple[float, float]:
    return tuple(json.loads(geom_json)["coordinates"])


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def public_work(work_id: int, locale: str = "ru") -> dict[str, Any] | None:
    row = db.session.execute(
        select(Work, func.ST_AsGeoJSON(Work.geom, 6), func.ST_AsGeoJSON(func.ST_PointOnSurface(Work.geom), 6)).where(
            Work.id == work_id, Work.status.in_(PUBLIC.work_statuses)
        )
    ).first()
    if row is None:
        return None
    work, geometry, anchor = row
    lon, lat = _point(anchor)
    messages = list(
        db.session.scalars(
            select(SourceMessage)
            .join(work_appeals, work_appeals.c.appeal_id == SourceMessage.appeal_id)
            .where(work_appeals.c.work_id == work.id)
            .order_by(SourceMessage.posted_at)
        )
    )
    photos = db.session.scalars(
        select(WorkPhoto.id).where(WorkPhoto.work_id == work.id, WorkPhoto.stage == "after").order_by(WorkPhoto.id)
    )
    title = work.type.name_en if locale == "en" else work.type.name_ru
    return {
        "type": "Feature",
        "id": f"work-{work.id}",
        "geometry": json.loads(geometry),
        "properties": {
            "kind": "work",
            "id": work.id,
            "type": work.type_code,
            "icon": work.type.icon,
            "title": title,
            "status": work.status,
            "status_label": status_label("work", work.status),
            "done_at": _iso(work.done_at),
            "created": _iso(work.created_at),
            "when": (
                _("выполнено %(date)s", date=format_date(work.done_at, "long"))
                if work.done_at
                else _("в работе с %(date)s", date=format_date(work.created_at, "long"))
            ),
            "where": where(lon, lat),
            "note": public_text(work.public_note),
            "answer": last_public_work_answer(work.id),
            "answer_label": _("Ответ центра"),
            "sources": _sources(messages),
            "cases": len(work.appeals),
            "photos": [url_for("api.photo", photo_id=p) for p in photos] if work.status == "done" else [],
        },
    }


def public_case(case_id: int, locale: str = "ru") -> dict[str, Any] | None:
    row = db.session.execute(
        select(Appeal, func.ST_AsGeoJSON(Appeal.point, 6)).where(
            Appeal.id == case_id, Appeal.status.in_(PUBLIC.case_statuses), Appeal.point.is_not(None)
        )
    ).first()
    if row is None:
        return None
    case, geometry = row
    lon, lat = _point(geometry)
    title = case.category.name_en if locale == "en" else case.category.name_ru
    return {
        "type": "Feature",
        "id": f"case-{case.id}",
        "geometry": json.loads(geometry),
        "properties": {
            "kind": "case",
            "id": case.id,
            "category": case.category_code,
            "title": title,
            "status": case.status,
            "status_label": status_label("case", case.status),
            "created": _iso(case.created_at),
            "closed_at": _iso(case.closed_at),
            "when": (
                _("выполнено %(date)s", date=format_date(case.closed_at, "long"))
                if case.status == "done" and case.closed_at
                else _("поступило %(date)s", date=format_date(case.created_at, "long"))
            ),
            "where": where(lon, lat),
            "note": public_text(case.public_note),
            "answer": last_public_answer(case.id),
            "answer_label": _("Ответ центра"),
            "sources": _sources(list(case.messages)),
        },
    }
