"""Case workflow and works registry: allowed changes, audit trail, lost updates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from shapely.geometry import LineString, Point
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tests import factories
from webmap.config import sqlalchemy_url
from webmap.errors import BadInput, Conflict, InvalidTransition
from webmap.extensions import db
from webmap.models import Appeal, StatusChange, User
from webmap.models.deadlines import deadline_for
from webmap.services.workflow import change_status, is_overdue
from webmap.services.works import open_work, set_work_status

TZ = ZoneInfo("Asia/Yekaterinburg")


@pytest.fixture
def operator(app_ctx: None) -> User:
    user = User(username="operator1", role="operator", password_hash="x")
    db.session.add(user)
    db.session.flush()
    return user


def _trail(appeal: Appeal) -> list[tuple[str | None, str | None, str | None]]:
    rows = db.session.scalars(select(StatusChange).where(StatusChange.appeal_id == appeal.id).order_by(StatusChange.id))
    return [(r.old_value, r.new_value, r.user.username if r.user else None) for r in rows]


def test_status_changes_are_checked(operator: User) -> None:
    case = factories.appeal()
    db.session.flush()
    with pytest.raises(InvalidTransition):
        change_status(case, "new", operator)
    change_status(case, "done", operator)
    with pytest.raises(InvalidTransition):
        change_status(case, "rejected", operator)  # a done case is reopened first
    change_status(case, "accepted", operator, comment="житель пишет, что не сделано")
    assert case.status == "accepted" and case.closed_at is None


def test_duplicate_points_to_the_original(operator: User) -> None:
    original, copy, third = factories.appeal(), factories.appeal(), factories.appeal()
    db.session.flush()
    with pytest.raises(BadInput):
        change_status(copy, "duplicate", operator)
    change_status(copy, "duplicate", operator, duplicate_of=original)
    change_status(third, "duplicate", operator, duplicate_of=copy)
    assert copy.duplicate_of_id == original.id and third.duplicate_of_id == original.id


def test_scripted_day_leaves_a_complete_audit_trail(operator: User) -> None:
    crew = User(username="crew1", role="crew", password_hash="x")
    db.session.add(crew)
    a, b = factories.appeal(category="speed_bump"), factories.appeal(category="speed_bump")
    db.session.flush()
    change_status(a, "accepted", operator, comment="принято")
    change_status(b, "duplicate", operator, duplicate_of=a, comment="то же место")
    work = open_work("speed_bump", Point(75.595, 61.742), [a], operator, crew=crew)
    set_work_status(work, "in_work", crew)
    set_work_status(work, "done", crew, public_note="Установлена неровность")
    db.session.flush()
    assert _trail(a) == [
        ("new", "accepted", "operator1"),
        ("accepted", "in_work", "operator1"),
        ("in_work", "done", "crew1"),
    ]
    assert _trail(b) == [("new", "duplicate", "operator1")]
    assert a.status == "done" and a.public_note == "Установлена неровность" and a.closed_at == work.done_at
    work_trail = db.session.scalars(
        select(StatusChange.new_value).where(StatusChange.work_id == work.id).order_by(StatusChange.id)
    ).all()
    assert work_trail == ["planned", "in_work", "done"]


def test_fence_is_a_line(operator: User) -> None:
    case = factories.appeal(category="fence")
    db.session.flush()
    work = open_work("fence", LineString([(75.59, 61.742), (75.591, 61.742)]), [case], operator)
    assert work.status == "planned" and case.status == "in_work"
    with pytest.raises(BadInput):
        open_work("fence", Point(75.59, 61.742).buffer(0.001), [case], operator)


def test_stale_version_is_a_conflict(operator: User) -> None:
    case = factories.appeal()
    db.session.flush()
    seen = case.version
    change_status(case, "accepted", operator)
    db.session.flush()
    with pytest.raises(Conflict):
        change_status(case, "rejected", operator, expected_version=seen)


def test_concurrent_writers_never_overwrite_silently(app, database_url: str) -> None:
    """Two real connections edit one case: the second writer fails, the first's edit stays."""
    engine = create_engine(sqlalchemy_url(database_url))
    try:
        with Session(engine) as setup:
            case = Appeal(category_code="road", precision="none", confidence=0.0)
            setup.add(case)
            setup.commit()
            case_id = case.id
        with Session(engine) as first, Session(engine) as second:
            mine, theirs = first.get(Appeal, case_id), second.get(Appeal, case_id)
            theirs.category_code = "snow"
            second.commit()
            mine.category_code = "water"
            with pytest.raises(StaleDataError):
                first.commit()
        with Session(engine) as check:
            stored = check.get(Appeal, case_id)
            assert (stored.category_code, stored.version) == ("snow", 2)
            check.delete(stored)
            check.commit()
    finally:
        engine.dispose()


def test_deadlines_by_channel_and_category() -> None:
    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=TZ)
    assert deadline_for("vk", friday_evening).astimezone(TZ).date() == datetime(2026, 11, 30).date()  # Monday
    received = datetime(2026, 11, 2, 9, tzinfo=UTC)
    assert deadline_for("pos", received) == received + timedelta(days=30)
    assert deadline_for("reception", received, category_days=10) == received + timedelta(days=10)
    assert deadline_for("vk", received, rules={"vk": (3, "days")}) == received + timedelta(days=3)


def test_overdue_only_while_open(app_ctx: None) -> None:
    case = factories.appeal()
    case.deadline = datetime.now(UTC) - timedelta(hours=1)
    assert is_overdue(case)
    case.status = "done"
    assert not is_overdue(case)
