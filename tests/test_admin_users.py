"""/admin/users: admins manage accounts; the last active admin stays; every change is audited."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from webmap.extensions import db
from webmap.models import User, UserChange


def _user(name: str) -> User:
    user = db.session.scalar(select(User).where(User.username == name))
    assert user is not None
    return user


def _post(client: FlaskClient, auth: Any, path: str, data: dict[str, str] | None = None) -> Any:
    return client.post(path, data={**(data or {}), "csrf_token": auth.csrf_token()})


def _changes(name: str) -> list[tuple[str, str | None, str | None, str | None]]:
    user = _user(name)
    rows = db.session.scalars(select(UserChange).where(UserChange.user_id == user.id).order_by(UserChange.id))
    return [(c.action, c.old_value, c.new_value, c.actor.username if c.actor else None) for c in rows]


def test_admin_lists_and_creates_users(app_ctx: None, auth: Any, client: FlaskClient) -> None:
    auth.user("operator", "olga")
    auth.login("admin")
    page = client.get("/admin/users").get_data(as_text=True)
    assert 'data-user="olga"' in page and 'data-user="test-admin"' in page
    response = _post(
        client,
        auth,
        "/admin/users",
        {"username": "Crew.One", "full_name": "Бригада 1", "role": "crew", "password": "long-enough-pass"},
    )
    assert response.status_code == 302
    user = _user("crew.one")
    assert user.role == "crew" and user.active and user.check_password("long-enough-pass")
    assert _changes("crew.one") == [("create", None, "crew", "test-admin")]
    assert "Журнал изменений" in client.get("/admin/users").get_data(as_text=True)


def test_role_disable_enable_and_password_reset_are_audited(app_ctx: None, auth: Any, client: FlaskClient) -> None:
    olga = auth.user("operator", "olga")
    auth.login("admin")
    assert _post(client, auth, f"/admin/users/{olga.id}/role", {"role": "analyst"}).status_code == 302
    assert _post(client, auth, f"/admin/users/{olga.id}/active", {"active": "0"}).status_code == 302
    assert not _user("olga").active
    assert _post(client, auth, f"/admin/users/{olga.id}/active", {"active": "1"}).status_code == 302
    response = _post(client, auth, f"/admin/users/{olga.id}/password")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    shown = re.search(r"<code>([^<]+)</code>", response.get_data(as_text=True))
    assert shown and _user("olga").check_password(shown.group(1))
    assert shown.group(1) not in client.get("/admin/users").get_data(as_text=True)  # shown once
    assert [c[0] for c in _changes("olga")] == ["role", "disable", "enable", "password"]
    assert _changes("olga")[0] == ("role", "operator", "analyst", "test-admin")


def test_the_last_active_admin_stays(app_ctx: None, auth: Any, client: FlaskClient) -> None:
    db.session.execute(User.__table__.update().where(User.role == "admin").values(active=False))
    admin = auth.login("admin")
    for path, data in (
        (f"/admin/users/{admin.id}/role", {"role": "operator"}),
        (f"/admin/users/{admin.id}/active", {"active": "0"}),
    ):
        response = _post(client, auth, path, data)
        assert response.status_code == 400
        assert "последний действующий администратор" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == "admin" and admin.active


def test_bad_and_hostile_input_gets_a_form_error(app_ctx: None, auth: Any, client: FlaskClient) -> None:
    auth.user("operator", "olga")
    auth.login("admin")
    cases = [
        {"username": "olga", "role": "crew", "password": "long-enough-pass"},  # taken
        {"username": "<script>alert(1)</script>", "role": "crew", "password": "long-enough-pass"},
        {"username": "x'; DROP TABLE users; --", "role": "crew", "password": "long-enough-pass"},
        {"username": "newbie", "role": "superuser", "password": "long-enough-pass"},
        {"username": "newbie", "role": "crew", "password": "short"},
        {"username": "a" * 5000, "role": "crew", "password": "long-enough-pass"},
    ]
    for data in cases:
        response = _post(client, auth, "/admin/users", data)
        assert response.status_code == 400, data
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "newbie")) is None
    # NUL characters are dropped from form text (PostgreSQL refuses them), never a 500
    response = _post(
        client, auth, "/admin/users", {"username": "nul\x00user", "role": "crew", "password": "long-enough-pass"}
    )
    assert response.status_code == 302 and _user("nuluser")
    assert _post(client, auth, "/admin/users/999999/role", {"role": "crew"}).status_code == 404


def test_cli_changes_are_audited_too(app_ctx: None, auth: Any, runner: Any) -> None:
    auth.user("operator", "olga")
    auth.user("admin", "boss")
    result = runner.invoke(args=["users", "set-role", "olga", "crew"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "disable", "olga"])
    assert result.exit_code == 0, result.output
    assert _changes("olga") == [("role", "operator", "crew", None), ("disable", None, None, None)]
