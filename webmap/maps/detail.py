"""One work or case as the public popup shows it: what, where, when, and who asked.

Only items the public map shows have a public detail (a planned work or a
new, rejected or duplicate case answers None, so ids cannot be probed). What
each carries is the privacy gate's (:mod:`webmap.privacy`): the "where" comes
from the gazetteer (the nearest house, or only the street for a case known from
non-public channels), never from a resident's words; notes are redacted;
sources name their channel and link a public post only.
"""

from __future__ import annotations

import json
from typing import Any

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from webmap import privacy
from webmap.extensions import db
from webmap.maps.answers import last_public_answer, last_public_work_answer
from webmap.models import Appeal, SourceMessage, Work, WorkPhoto, work_appeals
from webmap.models.vocab import APPEAL_STATUS, WORK_STATUS
from webmap.privacy import public_text

NEAR_HOUSE_M = 80
NEAR_STREET_M = 250


def status_label(kind: str, status: str) -> str:
    return (WORK_STATUS if kind == "work" else APPEAL_STATUS).label(status)


def where(lon: float, lat: float) -> str | None:
    """The nearest house (within 80 m) or street (within 250 m), and the district: for a place
    already public (a work) or for staff."""
    return privacy.public_place(lon, lat, houses=True)


def _sources(messages: list[SourceMessage]) -> list[dict[str, Any]]:
    return privacy.public_sources((m.channel, m.url) for m in messages)


def _point(geom_json: str) -> tuple[float, float]:
    return tuple(json.loads(geom_json)["coordinates"])


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def public_work(work_id: int, locale: str = "ru") -> dict[str, Any] | None:
    row = db.session.execute(
        select(Work, func.ST_AsGeoJSON(Work.geom, 6), func.ST_AsGeoJSON(func.ST_PointOnSurface(Work.geom), 6)).where(
            Work.id == work_id, Work.status.in_(privacy.WORK_STATUSES)
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
            "where": where(lon, lat),  # a work's place is public
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
        select(
            Appeal,
            func.ST_AsGeoJSON(privacy.public_point(Appeal), 6),
            func.ST_X(Appeal.point),
            func.ST_Y(Appeal.point),
            privacy.reported_publicly(Appeal) | privacy.marking_work_point(Appeal).is_not(None),
        ).where(Appeal.id == case_id, Appeal.status.in_(privacy.CASE_STATUSES), Appeal.point.is_not(None))
    ).first()
    if row is None:
        return None
    case, geometry, own_lon, own_lat, disclosed = row
    if disclosed:  # a public post or a work already shows the place: name its house
        where = privacy.public_place(*_point(geometry), houses=True)
    else:  # known only from non-public channels: its street and district, never the house
        where = privacy.public_place(own_lon, own_lat, houses=False)
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
            "where": where,
            "note": public_text(case.public_note),
            "answer": last_public_answer(case.id),
            "answer_label": _("Ответ центра"),
            "sources": _sources(list(case.messages)),
        },
    }
