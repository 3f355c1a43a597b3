"""The life of a case: allowed status changes, each one recorded.

Nothing is deleted, only closed: a change of status (or of category or place)
writes a StatusChange with who, when, from, to and why. Concurrent edits are
caught by the version column: a writer who loaded version N of a case and saves
after someone else did gets :class:`webmap.errors.Conflict`, never a silent overwrite.
"""

from __future__ import annotations

from datetime import UTC, datetime

from webmap.errors import BadInput, Conflict, InvalidTransition
from webmap.extensions import db
from webmap.models import Appeal, StatusChange, User

# from -> statuses it may go to; "duplicate" needs the case it duplicates
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"accepted", "in_work", "done", "rejected", "duplicate"}),
    "accepted": frozenset({"in_work", "done", "rejected", "duplicate"}),
    "in_work": frozenset({"accepted", "done", "rejected", "duplicate"}),
    "done": frozenset({"accepted"}),  # reopened: the resident says it is not fixed
    "rejected": frozenset({"new", "accepted"}),
    "duplicate": frozenset({"new", "accepted"}),
}
CLOSED = frozenset({"done", "rejected", "duplicate"})


def check_version(appeal: Appeal, expected: int | None) -> None:
    """Refuse to write over a newer version than the one the writer saw."""
    if expected is not None and appeal.version != expected:
        raise Conflict("case_changed", id=appeal.id, version=appeal.version)


def record(
    appeal: Appeal, field: str, old: object, new: object, user: User | None, comment: str | None = None
) -> StatusChange:
    change = StatusChange(
        appeal_id=appeal.id,
        user_id=user.id if user else None,
        field=field,
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
        comment=comment,
    )
    db.session.add(change)
    return change


def change_status(
    appeal: Appeal,
    to: str,
    user: User | None,
    *,
    comment: str | None = None,
    duplicate_of: Appeal | None = None,
    public_note: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> StatusChange:
    """Move ``appeal`` to status ``to`` and record it; the caller commits."""
    check_version(appeal, expected_version)
    old = appeal.status
    if to == old:
        raise InvalidTransition("status_unchanged")
    if to not in TRANSITIONS.get(old, frozenset()):
        raise InvalidTransition("case_transition", old=old, to=to)
    if to == "duplicate":
        if duplicate_of is None or duplicate_of.id == appeal.id:
            raise BadInput("duplicate_needs_original")
        if duplicate_of.status == "duplicate":
            duplicate_of = duplicate_of.duplicate_of  # point at the original, not at a chain
        appeal.duplicate_of = duplicate_of
    else:
        appeal.duplicate_of = None
    appeal.status = to
    appeal.closed_at = (now or datetime.now(UTC)) if to in CLOSED else None
    if public_note is not None:
        appeal.public_note = public_note
    db.session.flush()
    return record(appeal, "status", old, to, user, comment)


def is_overdue(appeal: Appeal, now: datetime | None = None) -> bool:
    """An open case past its deadline."""
    now = now or datetime.now(UTC)
    return appeal.status not in CLOSED and appeal.deadline is not None and appeal.deadline < now
