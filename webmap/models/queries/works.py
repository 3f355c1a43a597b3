"""Works as the operator's registry and a crew's page read them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping, Select, select, text
from sqlalchemy.orm import selectinload

from webmap.extensions import db
from webmap.models.names import name_column
from webmap.models.vocab import OPEN, WORK_STATUS
from webmap.models.works import Work


def work_with_details(work_id: int) -> Work | None:
    """A work with its cases and photos loaded."""
    return db.session.get(Work, work_id, options=[selectinload(Work.appeals), selectinload(Work.photos)])


def registry(status: str | None = None) -> Select[Work]:
    """Works in work first, then planned, then done, newest first; only ``status`` if it is a work status."""
    query = select(Work).options(selectinload(Work.type), selectinload(Work.crew), selectinload(Work.appeals))
    if status in WORK_STATUS:
        query = query.where(Work.status == status)
    return query.order_by(Work.status != "in_work", Work.status != "planned", Work.created_at.desc(), Work.id)


def open_works_of_crew(crew_id: int, lat: float | None = None, lon: float | None = None) -> list[RowMapping]:
    """Open works of crew ``crew_id`` with their type's name and a point on each; by distance from
    (lat, lon) on the spheroid when given, else oldest first."""
    located = lat is not None and lon is not None
    distance = (
        "ST_Distance(w.geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography)" if located else "NULL"
    )
    return list(
        db.session.execute(
            text(
                f"SELECT w.id, w.type_code, {name_column('t')} AS title, t.icon, w.status, w.public_note, w.created_at, "
                "ST_X(ST_PointOnSurface(w.geom)) AS x, ST_Y(ST_PointOnSurface(w.geom)) AS y, "
                f"{distance} AS distance "
                "FROM works w JOIN work_types t ON t.code = w.type_code "
                f"WHERE w.crew_id = :crew AND {WORK_STATUS.sql_group('w.status', OPEN)} "
                f"ORDER BY {'distance' if located else 'w.created_at'}, w.id"
            ),
            {"crew": crew_id, "lat": lat, "lon": lon},
        ).mappings()
    )


def cases_of_works(work_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The cases each work answers (number, category name, address), by work."""
    cases: dict[int, list[dict[str, Any]]] = {i: [] for i in work_ids}
    if work_ids:
        for work_id, case_id, title, address in db.session.execute(
            text(
                f"SELECT wa.work_id, a.id, {name_column('c')}, a.address FROM work_appeals wa "
                "JOIN appeals a ON a.id = wa.appeal_id JOIN categories c ON c.code = a.category_code "
                "WHERE wa.work_id = ANY(:ids) ORDER BY a.id"
            ),
            {"ids": work_ids},
        ):
            cases[work_id].append({"id": case_id, "title": title, "address": address})
    return cases
