"""Login throttling: repeated failures lock a username (and a client address) for a while."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, AuthActions
from webmap import create_app
from webmap.auth import throttling
from webmap.auth.models import LoginAttempt
from webmap.extensions import db

LOCKED = "Слишком много неудачных попыток входа"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[..., datetime]:
    """Set the throttling clock: ``clock(minutes=16)`` is 16 minutes after START."""
    now = {"at": START}
    monkeypatch.setattr(throttling, "now", lambda: now["at"])

    def move(**delta: float) -> datetime:
        now["at"] = START + timedelta(**delta)
        return now["at"]

    return move


def _fail(auth: AuthActions, username: str = "test-operator", times: int = 1, **kw) -> list[int]:
    return [auth.post_login(username, "wrong-password-x", **kw).status_code for _ in range(times)]


def _count(outcome: str) -> int:
    return db.session.scalar(select(func.count()).select_from(LoginAttempt).where(LoginAttempt.outcome == outcome))


def test_five_failures_lock_the_username(auth: AuthActions, clock, app_ctx: None) -> None:
    auth.user("operator")
    assert _fail(auth, times=4) == [200] * 4
    fifth = auth.post_login("test-operator", "wrong-password-x")
    assert fifth.status_code == 429 and LOCKED in fifth.get_data(as_text=True)
    assert int(fifth.headers["Retry-After"]) == 15 * 60
    clock(minutes=5)
    refused = auth.post_login("test-operator")  # even the right password
    assert refused.status_code == 429
    body = refused.get_data(as_text=True)
    assert LOCKED in body and "10 мин" in body
    assert _count("failure") == 5 and _count("locked") == 1 and _count("success") == 0


def test_lock_ends_after_fifteen_minutes(auth: AuthActions, clock) -> None:
    auth.user("operator")
    _fail(auth, times=5)
    clock(minutes=14, seconds=59)
    assert auth.post_login("test-operator").status_code == 429
    clock(minutes=15, seconds=1)
    assert auth.post_login("test-operator").status_code == 302


def test_attempts_during_a_lock_do_not_extend_it(auth: AuthActions, clock) -> None:
    auth.user("operator")
    _fail(auth, times=5)
    for minute in (1, 5, 10, 14):
        clock(minutes=minute)
        assert auth.post_login("test-operator", "wrong-password-x").status_code == 429
    clock(minutes=15, seconds=1)
    assert auth.post_login("test-operator").status_code == 302


def test_failures_spread_over_more_than_the_window_do_not_lock(auth: AuthActions, clock) -> None:
    auth.user("operator")
    for minute in (0, 4, 8, 12, 16, 20):
        clock(minutes=minute)
        assert _fail(auth) == [200]
    assert auth.post_login("test-operator").status_code == 302


def test_success_clears_the_usernames_failures(auth: AuthActions, clock) -> None:
    auth.user("operator")
    _fail(auth, times=4)
    clock(minutes=1)
    assert auth.post_login("test-operator").status_code == 302
    auth.logout()
    clock(minutes=2)
    assert _fail(auth, times=4) == [200] * 4
    assert auth.post_login("test-operator").status_code == 302


def test_unknown_usernames_lock_the_same_way(auth: AuthActions, clock) -> None:
    auth.user("operator")
    known = _fail(auth, "test-operator", times=6)
    unknown = _fail(auth, "nobody-at-all", times=6)
    assert known == unknown == [200, 200, 200, 200, 429, 429]


def test_a_lock_on_one_username_leaves_others_alone(auth: AuthActions, clock) -> None:
    auth.user("operator")
    auth.user("crew")
    _fail(auth, "test-operator", times=5)
    assert auth.post_login("test-crew").status_code == 302


@pytest.fixture
def ip_limit(app: Flask, monkeypatch: pytest.MonkeyPatch) -> int:
    """The per-address limit, lowered from 20 to 7 to keep these tests quick."""
    assert app.config["WEBMAP_LOGIN_MAX_FAILURES_PER_IP"] == 20
    monkeypatch.setitem(app.config, "WEBMAP_LOGIN_MAX_FAILURES_PER_IP", 7)
    return 7


def test_many_failures_from_one_address_lock_it(auth: AuthActions, client: FlaskClient, clock, ip_limit: int) -> None:
    auth.user("crew")
    limit = ip_limit
    codes = [auth.post_login(f"guess-{n}", "wrong-password-x").status_code for n in range(limit)]
    assert codes[:-1] == [200] * (limit - 1) and codes[-1] == 429
    assert auth.post_login("test-crew").status_code == 429  # the address is locked for every name
    other = client.post(
        "/auth/login",
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
        data={"username": "test-crew", "password": TEST_PASSWORD, "csrf_token": auth.csrf_token()},
    )
    assert other.status_code == 302  # another address is not


def test_success_does_not_clear_the_address_count(auth: AuthActions, clock, ip_limit: int) -> None:
    """A sprayer who owns one account cannot reset the count of their address with it."""
    auth.user("crew")
    limit = ip_limit
    for n in range(limit - 1):
        auth.post_login(f"guess-{n}", "wrong-password-x")
    assert auth.post_login("test-crew").status_code == 302
    auth.logout()
    assert auth.post_login("guess-last", "wrong-password-x").status_code == 429


def test_the_lock_is_kept_in_the_database_for_every_process(auth: AuthActions, clock, app: Flask) -> None:
    """A second app (as another worker process would be) sees the lock the first one recorded."""
    auth.user("operator")
    _fail(auth, times=5)
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    other_auth = AuthActions(other, other.test_client())
    assert other_auth.post_login("test-operator").status_code == 429


def test_invalid_forms_are_not_counted(auth: AuthActions, client: FlaskClient, app_ctx: None, clock) -> None:
    token = auth.csrf_token()
    for _ in range(10):
        client.post("/auth/login", data={"username": "", "password": "", "csrf_token": token})
    assert _count("failure") == 0


def test_old_attempts_are_pruned(auth: AuthActions, clock, app_ctx: None) -> None:
    db.session.add(LoginAttempt(username="long-ago", ip="127.0.0.1", outcome="failure", at=START - timedelta(days=31)))
    db.session.add(LoginAttempt(username="recently", ip="127.0.0.1", outcome="failure", at=START - timedelta(days=29)))
    db.session.commit()
    _fail(auth, "someone")
    names = set(db.session.scalars(select(LoginAttempt.username)))
    assert names == {"recently", "someone"}


def test_locked_until_unit(app_ctx: None, clock) -> None:
    for minute in range(5):
        throttling.record("unit-user", "192.0.2.1", "failure", START + timedelta(minutes=minute))
    db.session.flush()
    at = START + timedelta(minutes=5)
    assert throttling.locked_until("unit-user", "192.0.2.9", at) == START + timedelta(minutes=4 + 15)
    assert throttling.locked_until("other-user", "192.0.2.9", at) is None
    assert throttling.locked_until("other-user", "192.0.2.1", at) is None  # 5 < the address limit
    assert throttling.locked_until("unit-user", "192.0.2.9", START + timedelta(minutes=19, seconds=1)) is None
