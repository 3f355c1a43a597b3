"""Logging in and out: the form, safe ``next``, disabled users, sessions and cookies."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import TEST_PASSWORD, AuthActions
from webmap import create_app
from webmap.auth import accounts
from webmap.auth.redirects import safe_next
from webmap.extensions import db

WRONG = "Неверное имя пользователя или пароль."


def _cookies(response) -> dict[str, str]:
    """Set-Cookie headers of a response, by cookie name (the raw header line)."""
    found = {}
    for line in response.headers.getlist("Set-Cookie"):
        name = SimpleCookie(line)
        found[next(iter(name.keys()))] = line
    return found


def test_login_page_is_russian(client: FlaskClient) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Вход для сотрудников" in page and "Имя пользователя" in page and "Пароль" in page
    assert 'name="csrf_token"' in page and '<meta name="csrf-token"' in page


def test_login_page_in_english(client: FlaskClient) -> None:
    # a test's requests share one app context, where flask-babel keeps the locale: one language per test
    english = client.get("/auth/login?lang=en").get_data(as_text=True)
    assert "Staff login" in english and "Username" in english and "Password" in english


def test_login_account_logout(auth: AuthActions, client: FlaskClient) -> None:
    auth.user("operator", full_name="Ольга Операторова")
    response = auth.post_login("test-operator")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/auth/account").get_data(as_text=True)
    assert "test-operator" in page and "оператор" in page
    assert "Выйти" in client.get("/auth/account").get_data(as_text=True)  # the nav's logout button
    response = client.post("/auth/logout", data={"csrf_token": auth.csrf_token()})
    assert response.status_code == 302
    response = client.get("/auth/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")


def test_username_is_not_case_sensitive(auth: AuthActions) -> None:
    auth.user("crew", "brigada-1")
    assert auth.post_login("  Brigada-1 ").status_code == 302


def test_logout_is_post_only(client: FlaskClient) -> None:
    assert client.get("/auth/logout").status_code == 405


def test_logged_in_user_is_sent_away_from_the_login_page(auth: AuthActions, client: FlaskClient) -> None:
    auth.login("analyst")
    response = client.get("/auth/login?next=/auth/account")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/account"


def test_wrong_password_and_unknown_user_look_the_same(auth: AuthActions) -> None:
    auth.user("operator")
    wrong_password = auth.post_login("test-operator", "not-the-password")
    unknown_user = auth.post_login("nobody-here", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 200
    for response in (wrong_password, unknown_user):
        body = response.get_data(as_text=True)
        assert WRONG in body and "отключ" not in body


def test_unknown_user_costs_a_password_hash_check(auth: AuthActions, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    real = accounts.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        checked.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    auth.post_login("nobody-here", "some-password")
    assert len(checked) == 1  # the dummy hash, made by the same method as real ones
    assert checked[0].split(":")[0] in {"scrypt", "pbkdf2"}


def test_passwords_are_stored_hashed(auth: AuthActions) -> None:
    user = auth.user("crew")
    assert TEST_PASSWORD not in user.password_hash
    assert user.password_hash.split(":")[0] in {"scrypt", "pbkdf2"}


def test_disabled_user_cannot_log_in(auth: AuthActions, client: FlaskClient) -> None:
    auth.user("operator", active=False)
    response = auth.post_login("test-operator")
    assert response.status_code == 200
    assert "Учётная запись отключена" in response.get_data(as_text=True)
    assert client.get("/auth/account").status_code == 302
    # a wrong password for a disabled account gets the ordinary answer
    assert WRONG in auth.post_login("test-operator", "wrong-password-0").get_data(as_text=True)


def test_disabling_a_user_ends_their_open_session(auth: AuthActions, client: FlaskClient, runner) -> None:
    auth.login("operator")
    assert client.get("/auth/account").status_code == 200
    result = runner.invoke(args=["users", "disable", "test-operator"])
    assert result.exit_code == 0, result.output
    response = client.get("/auth/account")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_anonymous_is_sent_to_login_with_next_and_back(auth: AuthActions, client: FlaskClient) -> None:
    response = client.get("/auth/account?tab=1")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/auth/login?next=")
    page = client.get(location).get_data(as_text=True)
    assert "Войдите, чтобы открыть эту страницу." in page
    assert 'name="next" type="hidden" value="/auth/account?tab=1"' in page
    auth.user("crew")
    response = auth.post_login("test-crew", next="/auth/account?tab=1")
    assert response.headers["Location"] == "/auth/account?tab=1"


@pytest.mark.parametrize(
    "target",
    ["/", "/auth/account", "/operator/?unplaced=1", "/auth/account#top", "/%D0%BA%D0%B0%D1%80%D1%82%D0%B0", "/a:b"],
)
def test_safe_next_keeps_local_paths(target: str) -> None:
    assert safe_next(target) == target


HOSTILE_NEXT = [
    "//evil.com",
    "///evil.com",
    "https://evil.com/",
    "http://127.0.0.1.evil.com/",
    "HTTPS://evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "\\/evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    " //evil.com",
    "javascript:alert(1)",
    "data:text/html,x",
    "http:evil.com",
    "evil.com",
    "",
    None,
    42,
    ["/"],
    "/\x00",
    "//evil.com/%2F..",
    "/" + "a" * 5000,
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_safe_next_refuses_other_hosts_and_tricks(target: object) -> None:
    assert safe_next(target) is None


@pytest.mark.parametrize("target", [t for t in HOSTILE_NEXT if isinstance(t, str) and t])
def test_login_never_redirects_off_site(auth: AuthActions, client: FlaskClient, target: str) -> None:
    auth.user("crew")
    response = auth.post_login("test-crew", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    client.post("/auth/logout", data={"csrf_token": auth.csrf_token()})


def test_hostile_next_on_the_login_page_is_dropped(client: FlaskClient) -> None:
    page = client.get("/auth/login", query_string={"next": '//evil.com/"><script>alert(1)</script>'})
    body = page.get_data(as_text=True)
    assert "evil.com" not in body and "<script>alert(1)" not in body


def test_login_starts_a_fresh_session(auth: AuthActions, client: FlaskClient) -> None:
    auth.user("crew")
    with client.session_transaction() as sess:
        sess["planted"] = "by someone else"
    auth.post_login("test-crew")
    with client.session_transaction() as sess:
        assert "planted" not in sess and sess["_user_id"]


def test_session_survives_a_new_address_and_a_copied_one_ends_at_logout(
    app: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    """session_protection = "basic": a crew's phone moving from mobile data to Wi-Fi stays logged in;
    a session cookie someone copied ends when its owner logs out (the session version)."""
    auth.login("crew", remember=True)
    assert client.get("/auth/account").status_code == 200
    moved = client.get(
        "/auth/account", headers={"User-Agent": "same-phone/1.0"}, environ_base={"REMOTE_ADDR": "10.9.8.7"}
    )
    assert moved.status_code == 200
    thief = app.test_client()
    for name in ("session", "remember_token"):
        thief.set_cookie(name, client.get_cookie(name).value)
    assert thief.get("/auth/account").status_code == 200  # a copied cookie works ... until
    auth.logout()
    assert thief.get("/auth/account").status_code == 302  # the owner logs out: it ends, remember cookie too
    thief.delete_cookie("session")
    assert thief.get("/auth/account").status_code == 302


def test_remember_me_survives_the_end_of_the_browser_session(auth: AuthActions, client: FlaskClient) -> None:
    auth.login("crew", remember=True)
    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("session")  # the browser was closed: its session cookie is gone
    assert client.get("/auth/account").status_code == 200
    assert client.get("/auth/account").status_code == 200  # still, on the following request


def test_remember_cookie_of_a_disabled_user_stops_working(auth: AuthActions, client: FlaskClient, runner) -> None:
    auth.login("crew", remember=True)
    runner.invoke(args=["users", "disable", "test-crew"])
    client.delete_cookie("session")
    assert client.get("/auth/account").status_code == 302


def test_cookie_flags_in_development(auth: AuthActions) -> None:
    auth.user("crew")
    response = auth.post_login("test-crew", remember="y")
    cookies = _cookies(response)
    assert {"session", "remember_token"} <= set(cookies)
    for line in cookies.values():
        assert "HttpOnly" in line and "SameSite=Lax" in line
        assert "Secure" not in line  # plain http while developing
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookies["remember_token"])[1])
    assert expires <= datetime.now(UTC) + timedelta(days=14, minutes=1)


def test_cookies_are_secure_in_production(app: Flask) -> None:
    prod = create_app(
        {
            "TESTING": True,
            "WEBMAP_ENV": "production",
            "SECRET_KEY": "prod-test-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    assert prod.config["SESSION_COOKIE_SECURE"] and prod.config["REMEMBER_COOKIE_SECURE"]
    client = prod.test_client()
    prod_auth = AuthActions(prod, client)
    prod_auth.user("crew")
    page = client.get("/auth/login", base_url="https://webmap.example")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True))[1]
    response = client.post(
        "/auth/login",
        base_url="https://webmap.example",
        headers={"Referer": "https://webmap.example/auth/login"},
        data={"username": "test-crew", "password": TEST_PASSWORD, "remember": "y", "csrf_token": token},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    cookies = _cookies(response)
    assert {"session", "remember_token"} <= set(cookies)
    for line in cookies.values():
        assert "Secure" in line and "HttpOnly" in line and "SameSite=Lax" in line
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_secure_cookies_can_be_asked_for_outside_production() -> None:
    app = create_app({"WEBMAP_SECURE_COOKIES": True})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_role_change_applies_at_the_next_request(auth: AuthActions, client: FlaskClient, runner) -> None:
    """The old role's session ends at once; the next login has the new role."""
    auth.login("crew")
    assert "бригада" in client.get("/auth/account").get_data(as_text=True)
    runner.invoke(args=["users", "set-role", "test-crew", "analyst"])
    assert client.get("/auth/account").status_code == 302
    assert auth.post_login("test-crew").status_code == 302
    assert "аналитик" in client.get("/auth/account").get_data(as_text=True)


def test_users_are_rolled_back_between_tests(app_ctx: None) -> None:
    from sqlalchemy import func, select

    from webmap.models import User

    assert db.session.scalar(select(func.count()).select_from(User)) == 0
