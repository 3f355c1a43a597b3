"""Login throttling, counted in the database so that every process sees it.

A username is locked after ``WEBMAP_LOGIN_MAX_FAILURES`` failed logins within
``WEBMAP_LOGIN_WINDOW_MINUTES`` (failures before its last successful login do
not count); a client address likewise after ``WEBMAP_LOGIN_MAX_FAILURES_PER_IP``
failures for any usernames. A lock lasts ``WEBMAP_LOGIN_LOCKOUT_MINUTES`` from
the last failure; attempts during a lock are refused unchecked and do not
extend it. Users that do not exist are locked the same way, so a lock tells
nothing about who has an account.

Concurrent attempts for one username or address are serialised by PostgreSQL
advisory locks held until the attempt is committed, so parallel guesses cannot
slip past the count.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, or_, select, text

from webmap.auth.models import LoginAttempt
from webmap.extensions import db

ADVISORY_CLASS = 0x10C1  # first key of pg_advisory_xact_lock(int, int) for login attempts


def now() -> datetime:
    """The current time (a function, so that tests can move the clock)."""
    return datetime.now(UTC)


def _minutes(key: str) -> timedelta:
    return timedelta(minutes=float(current_app.config[key]))


def serialize(username: str, ip: str) -> None:
    """Hold the advisory locks of this username and address until the transaction ends."""
    for key in (f"u:{username}", f"i:{ip}"):  # always in this order: no deadlocks
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:cls, hashtext(:key))"), {"cls": ADVISORY_CLASS, "key": key}
        )


def _lock_end(
    condition: ColumnElement[bool], limit: int, at: datetime, *, reset_by_success_of: str | None = None
) -> datetime | None:
    window = _minutes("WEBMAP_LOGIN_WINDOW_MINUTES")
    lockout = _minutes("WEBMAP_LOGIN_LOCKOUT_MINUTES")
    query = select(LoginAttempt.at).where(
        condition, LoginAttempt.outcome == "failure", LoginAttempt.at > at - window - lockout, LoginAttempt.at <= at
    )
    if reset_by_success_of is not None:
        last_success = (
            select(func.max(LoginAttempt.at))
            .where(LoginAttempt.username == reset_by_success_of, LoginAttempt.outcome == "success")
            .scalar_subquery()
        )
        query = query.where(or_(last_success.is_(None), LoginAttempt.at > last_success))
    times = db.session.scalars(query.order_by(LoginAttempt.at.desc()).limit(limit)).all()
    if limit <= 0 or len(times) < limit or times[0] - times[-1] > window:
        return None
    end = times[0] + lockout
    return end if end > at else None


def locked_until(username: str, ip: str, at: datetime | None = None) -> datetime | None:
    """When the lock on this username or address ends, or None if neither is locked."""
    at = at or now()
    config = current_app.config
    ends = [
        _lock_end(
            LoginAttempt.username == username,
            int(config["WEBMAP_LOGIN_MAX_FAILURES"]),
            at,
            reset_by_success_of=username,
        ),
        _lock_end(LoginAttempt.ip == ip, int(config["WEBMAP_LOGIN_MAX_FAILURES_PER_IP"]), at),
    ]
    found = [end for end in ends if end is not None]
    return max(found) if found else None


def record(username: str, ip: str, outcome: str, at: datetime | None = None) -> LoginAttempt:
    attempt = LoginAttempt(username=username[:100], ip=ip[:45], outcome=outcome, at=at or now())
    db.session.add(attempt)
    return attempt


def prune(at: datetime | None = None) -> None:
    """Forget attempts older than ``WEBMAP_LOGIN_ATTEMPTS_KEEP_DAYS`` (they are personal data)."""
    keep = timedelta(days=float(current_app.config["WEBMAP_LOGIN_ATTEMPTS_KEEP_DAYS"]))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < (at or now()) - keep))
