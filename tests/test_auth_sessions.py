"""Sessions end server-side: the session version (password, role, disable/enable, logout) and a max age."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie

from tests.conftest import TEST_PASSWORD, AuthActions
from webmap.auth.accounts import find_user
from webmap.extensions import db

OTHER_PASSWORD = "another-password-456"


def _copy(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding copies of ``client``'s session and remember cookies."""
    other = app.test_client()
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        if cookie is not None:
            other.set_cookie(name, cookie.value)
    return other


def _remember_only(app: Flask, client: FlaskClient) -> FlaskClient:
    """A browser that was closed: only the remember cookie is left."""
    other = _copy(app, client)
    other.delete_cookie("session")
    return other


def _logged_in(client: FlaskClient) -> bool:
    return client.get("/auth/account").status_code == 200


def test_a_new_password_ends_every_session_and_remember_cookie(
    app: Flask, auth: AuthActions, client: FlaskClient, runner
) -> None:
    auth.login("crew", remember=True)
    closed = _remember_only(app, client)
    assert _logged_in(client) and _logged_in(closed)
    result = runner.invoke(args=["users", "set-password", "test-crew", "--password-stdin"], input=OTHER_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert not _logged_in(client)
    assert not _logged_in(closed)
    assert auth.post_login("test-crew", TEST_PASSWORD).status_code == 200  # the old password is refused
    assert auth.post_login("test-crew", OTHER_PASSWORD).status_code == 302
    assert _logged_in(client)


def test_disable_then_enable_does_not_revive_old_sessions(
    app: Flask, auth: AuthActions, client: FlaskClient, runner
) -> None:
    auth.login("operator", remember=True)
    closed = _remember_only(app, client)
    assert runner.invoke(args=["users", "disable", "test-operator"]).exit_code == 0
    assert not _logged_in(client) and not _logged_in(closed)
    assert runner.invoke(args=["users", "enable", "test-operator"]).exit_code == 0
    assert not _logged_in(client)
    assert not _logged_in(closed)
    assert auth.post_login("test-operator").status_code == 302  # a new login works
    assert _logged_in(client)


def test_role_change_ends_the_sessions_of_the_old_role(
    app: Flask, auth: AuthActions, client: FlaskClient, runner
) -> None:
    auth.login("operator", remember=True)
    closed = _remember_only(app, client)
    assert client.get("/operator/").status_code == 200
    assert runner.invoke(args=["users", "set-role", "test-operator", "crew"]).exit_code == 0
    assert client.get("/operator/").status_code == 302  # to the login page, not a session of the old role
    assert not _logged_in(closed)


def test_logout_ends_a_captured_session_and_remember_cookie(app: Flask, auth: AuthActions, client: FlaskClient) -> None:
    auth.login("crew", remember=True)
    copied, closed = _copy(app, client), _remember_only(app, client)
    assert _logged_in(copied) and _logged_in(closed)
    auth.logout()
    assert not _logged_in(client)
    assert not _logged_in(copied)
    assert not _logged_in(closed)


def test_logout_ends_sessions_on_other_devices_too(app: Flask, auth: AuthActions, client: FlaskClient) -> None:
    """ "Log out" means everywhere: a phone's session ends when the office PC logs out."""
    auth.user("crew")
    phone = app.test_client()
    AuthActions(app, phone).post_login("test-crew")
    auth.post_login("test-crew")
    assert _logged_in(phone) and _logged_in(client)
    auth.logout()
    assert not _logged_in(phone)


def test_an_ended_remember_cookie_is_deleted(app: Flask, auth: AuthActions, client: FlaskClient, runner) -> None:
    auth.login("crew", remember=True)
    closed = _remember_only(app, client)
    runner.invoke(args=["users", "disable", "test-crew"])
    response = closed.get("/auth/account")
    assert response.status_code == 302
    assert any(h.startswith("remember_token=;") for h in response.headers.getlist("Set-Cookie"))


def _forged_remember(app: Flask, token: str) -> FlaskClient:
    """A browser with a remember cookie for ``token``, signed with the app's key (as if issued then)."""
    other = app.test_client()
    with app.test_request_context():
        other.set_cookie("remember_token", encode_cookie(token))
    return other


def test_remember_cookie_has_a_server_side_maximum_age(app: Flask, auth: AuthActions) -> None:
    user = auth.user("crew")
    max_age = float(app.config["WEBMAP_LOGIN_MAX_AGE_DAYS"]) * 86400
    with app.app_context():
        user = find_user("test-crew")
        fresh = user.session_token(int(time.time()) - 3600)
        old = user.session_token(int(time.time() - max_age) - 3600)
    assert _logged_in(_forged_remember(app, fresh))
    assert not _logged_in(_forged_remember(app, old))  # the browser kept it; the server refuses it


@pytest.mark.parametrize("token", ["{id}", "{id}:1", "{id}:x:1", "{id}:1:1:1", "", "０:1:1"])
def test_tokens_of_another_form_are_refused(app: Flask, auth: AuthActions, token: str) -> None:
    user = auth.user("crew")
    assert not _logged_in(_forged_remember(app, token.format(id=user.id)))


def test_a_future_login_time_is_refused(app: Flask, auth: AuthActions) -> None:
    user = auth.user("crew")
    with app.app_context():
        token = find_user("test-crew").session_token(int(time.time()) + 86400)
    assert user.id and not _logged_in(_forged_remember(app, token))


def test_a_session_survives_a_change_of_network(auth: AuthActions, client: FlaskClient) -> None:
    """A crew's phone moves from mobile data to Wi-Fi: a new address, the same session."""
    auth.login("crew")
    for address in ("10.0.0.5", "100.64.12.7", "192.168.1.20"):
        response = client.get("/crew", environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 200, address


def test_the_session_version_rises_only_when_credentials_change(app: Flask, auth: AuthActions) -> None:
    auth.user("crew", full_name="Бригада 1")
    with app.app_context():
        user = find_user("test-crew")
        before = user.session_version
        user.full_name = "Бригада №1"
        user.role = "crew"
        db.session.commit()
        assert find_user("test-crew").session_version == before
        user.active = False
        db.session.commit()
        assert find_user("test-crew").session_version == before + 1


def test_log_out_and_in_again_on_the_same_browser(auth: AuthActions, client: FlaskClient) -> None:
    for _ in range(3):
        auth.login("operator", remember=True)
        assert _logged_in(client)
        auth.logout()
        assert not _logged_in(client)
