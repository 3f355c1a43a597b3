"""Cases as the operator's pages read them: the queue, its counts, one case, its trail."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from webmap.extensions import db
from webmap.models.cases import Appeal, SourceMessage
from webmap.models.users import StatusChange
from webmap.models.vocab import APPEAL_STATUS, OPEN

QUEUE_STATUSES = ("open", "all", *APPEAL_STATUS.codes)  # "open": every open status


def appeal_with_messages(appeal_id: int) -> Appeal | None:
    return db.session.get(Appeal, appeal_id, options=[selectinload(Appeal.messages)])


def queue(
    status: str = "open", category: str | None = None, *, unplaced: bool = False, now: datetime
) -> Select[Appeal]:
    """Cases to look at: new first, then unplaced, then overdue, oldest first (``status``: a code,
    ``open`` or ``all``)."""
    open_ = Appeal.status.in_(APPEAL_STATUS.group(OPEN))
    query = select(Appeal).options(selectinload(Appeal.messages), selectinload(Appeal.category))
    if status == "open":
        query = query.where(open_)
    elif status != "all":
        query = query.where(Appeal.status == status)
    if category:
        query = query.where(Appeal.category_code == category)
    if unplaced:
        query = query.where(Appeal.point.is_(None))
    overdue = (Appeal.deadline < now) & open_
    return query.order_by(
        case((Appeal.status == "new", 0), else_=1),
        case((Appeal.point.is_(None), 0), else_=1),
        case((overdue, 0), else_=1),
        Appeal.created_at,
        Appeal.id,
    )


def status_counts() -> dict[str, int]:
    """How many cases each status has."""
    return dict(db.session.execute(select(Appeal.status, func.count()).group_by(Appeal.status)).all())


def unplaced_open_count() -> int:
    """Open cases still without a point."""
    found = db.session.scalar(
        select(func.count()).where(Appeal.point.is_(None), Appeal.status.in_(APPEAL_STATUS.group(OPEN)))
    )
    return int(found or 0)


def trail(appeal_id: int) -> list[StatusChange]:
    """Every recorded change of a case, oldest first, with who made it."""
    return list(
        db.session.scalars(
            select(StatusChange)
            .where(StatusChange.appeal_id == appeal_id)
            .options(selectinload(StatusChange.user))
            .order_by(StatusChange.at, StatusChange.id)
        )
    )


def cases_by_ids(ids: Iterable[int]) -> list[Appeal]:
    """The cases with these numbers (those that exist)."""
    return list(db.session.scalars(select(Appeal).where(Appeal.id.in_(list(ids)))))


def case_of_message(channel: str, external_id: str) -> int | None:
    """The number of the case a stored message belongs to."""
    return db.session.scalar(
        select(SourceMessage.appeal_id).where(
            SourceMessage.channel == channel, SourceMessage.external_id == external_id
        )
    )
