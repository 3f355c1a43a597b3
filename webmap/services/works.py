"""Works on the ground: opened from cases, moved planned → in work → done.

Completing a work closes the cases it answers with its public note, in the same
transaction, so the public map never shows a fixed work beside open cases for it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from geoalchemy2.shape import from_shape
from shapely.geometry.base import BaseGeometry

from webmap.errors import BadInput, Conflict, InvalidTransition
from webmap.extensions import db
from webmap.models import Appeal, StatusChange, User, Work
from webmap.services.workflow import CLOSED, change_status

WORK_TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"in_work", "done"}),
    "in_work": frozenset({"planned", "done"}),
    "done": frozenset({"in_work"}),  # reopened: the job was not finished
}
ALLOWED_GEOMETRIES = {"Point", "LineString", "MultiLineString"}


def _record(work: Work, old: str | None, new: str, user: User | None, comment: str | None) -> None:
    db.session.add(
        StatusChange(
            work_id=work.id,
            user_id=user.id if user else None,
            field="status",
            old_value=old,
            new_value=new,
            comment=comment,
        )
    )


def check_work_version(work: Work, expected: int | None) -> None:
    """Refuse a form made on an older version of the work than the stored one."""
    if expected is not None and work.version != expected:
        raise Conflict("work_changed", id=work.id, version=work.version)


def assign_crew(work: Work, crew: User | None, user: User | None, *, expected_version: int | None = None) -> None:
    """Give the work to ``crew`` (or to none), recorded like a status change."""
    check_work_version(work, expected_version)
    old = work.crew_id
    new = crew.id if crew is not None else None
    if old == new:
        return
    work.crew = crew
    db.session.flush()
    db.session.add(
        StatusChange(
            work_id=work.id,
            user_id=user.id if user else None,
            field="crew",
            old_value=None if old is None else str(old),
            new_value=None if new is None else str(new),
        )
    )


def open_work(
    type_code: str,
    geom: BaseGeometry,
    appeals: list[Appeal],
    user: User | None,
    *,
    crew: User | None = None,
    public_note: str | None = None,
) -> Work:
    """A planned work answering ``appeals``; their open cases move to in work."""
    if geom.geom_type not in ALLOWED_GEOMETRIES or geom.is_empty:
        raise BadInput("work_geometry")
    work = Work(
        type_code=type_code,
        geom=from_shape(geom, srid=4326),
        status="planned",
        crew=crew,
        public_note=public_note,
        appeals=list(appeals),
    )
    db.session.add(work)
    db.session.flush()
    _record(work, None, "planned", user, None)
    for appeal in appeals:
        if appeal.status in ("new", "accepted"):
            change_status(appeal, "in_work", user, comment=f"открыта работа №{work.id}")
    return work


def set_work_status(
    work: Work,
    to: str,
    user: User | None,
    *,
    comment: str | None = None,
    public_note: str | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> None:
    """Move a work; ``done`` closes its open cases with the work's public note."""
    check_work_version(work, expected_version)
    old = work.status
    if to not in WORK_TRANSITIONS.get(old, frozenset()):
        raise InvalidTransition("work_transition", old=old, to=to)
    if public_note is not None:
        work.public_note = public_note
    work.status = to
    work.done_at = (now or datetime.now(UTC)) if to == "done" else None
    db.session.flush()
    _record(work, old, to, user, comment)
    if to == "done":
        for appeal in work.appeals:
            if appeal.status not in CLOSED:
                change_status(
                    appeal,
                    "done",
                    user,
                    comment=f"выполнена работа №{work.id}",
                    public_note=work.public_note,
                    now=work.done_at,
                )
