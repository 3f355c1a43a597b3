"""The demo: a first make run shows cases and recently completed works."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from webmap.extensions import db
from webmap.models import Appeal, SourceMessage, Work


def test_demo_load_imports_messages_and_completes_works(app_ctx: None, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "the gazetteer already holds a town" in result.output
    assert db.session.scalar(select(func.count()).select_from(SourceMessage)) == 220
    works = db.session.scalars(select(Work)).all()
    assert len(works) >= 8 and all(w.status == "done" and w.appeals for w in works)
    assert {w.type_code for w in works} >= {"speed_bump", "fence", "streetlight", "manhole"}
    fence = next(w for w in works if w.type_code == "fence")
    assert db.session.scalar(select(func.ST_GeometryType(Work.geom)).where(Work.id == fence.id)) == "ST_LineString"
    now = datetime.now(UTC)
    newest = db.session.scalar(select(func.max(SourceMessage.posted_at)))
    assert now - timedelta(days=14) < newest <= now  # re-dated to the present
    assert all(now - timedelta(days=180) < w.done_at <= now for w in works)  # shown on the public map
    message = db.session.scalar(select(SourceMessage).where(SourceMessage.channel == "pos").limit(1))
    assert message.raw["Дата поступления"].endswith("2022") or "2022" in message.raw["Дата поступления"]
    assert all(a.created_at <= a.closed_at for a in db.session.scalars(select(Appeal).where(Appeal.status == "done")))
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "messages already imported" in again.output


def test_first_demo_load_prints_demo_accounts_once(app_ctx: None, runner: FlaskCliRunner, client) -> None:
    from webmap.models import User

    db.session.execute(User.__table__.delete())
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "DEMO ACCOUNTS" in result.output
    lines = [line.split() for line in result.output.splitlines() if line.startswith("  demo-")]
    assert {(name, role) for name, role, _password in lines} == {
        ("demo-admin", "admin"),
        ("demo-operator", "operator"),
        ("demo-crew", "crew"),
        ("demo-analyst", "analyst"),
    }
    name, _role, password = next(line for line in lines if line[1] == "operator")
    user = db.session.scalar(select(User).where(User.username == name))
    assert user.password_hash != password and user.check_password(password)  # stored hashed, and it works
    assert len({line[2] for line in lines}) == 4  # each its own random password
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "DEMO ACCOUNTS" not in again.output and password not in again.output  # shown once


def test_production_never_makes_demo_accounts(app_ctx: None, runner: FlaskCliRunner) -> None:
    from flask import current_app

    from webmap.models import User

    db.session.execute(User.__table__.delete())
    current_app.config["WEBMAP_ENV"] = "production"
    try:
        result = runner.invoke(args=["demo", "load", "--if-empty"])
    finally:
        current_app.config["WEBMAP_ENV"] = "development"
    assert "DEMO ACCOUNTS" not in result.output and "webmap users create" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
