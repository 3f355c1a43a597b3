"""Hostile input in the login form: a form error or a plain refusal, never a 500, nothing echoed raw.

CSRF is off here (these tests are about the form's fields; test_security.py covers CSRF).
"""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, AuthActions
from webmap.extensions import db
from webmap.models import User

REFUSALS = {200, 400, 413, 415, 429}  # a form error, or a plain refusal


@pytest.fixture
def no_csrf(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)


@pytest.fixture
def victim(auth: AuthActions, no_csrf: None) -> str:
    auth.user("admin", "admin")
    return "admin"


def _assert_refused(response, client: FlaskClient) -> str:
    assert response.status_code in REFUSALS, response.status_code
    assert response.status_code != 500
    assert client.get("/auth/account").status_code == 302  # not logged in
    return response.get_data(as_text=True)


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


HOSTILE_USERNAMES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "admin'--",
    "' OR '1'='1' --",
    "admin' OR 1=1; DROP TABLE users; --",
    'admin"; DROP TABLE users; --',
    "admin\x00",
    "\x00",
    "ad\u202emin",  # right-to-left override
    "admin\r\nSet-Cookie: x=1",
    "{{ 7*7 }}",
    "${7*7}",
    "%s%s%s%n",
    "../../etc/passwd",
    "😀" * 50,
    "a" * 101,
]


@pytest.mark.parametrize("username", HOSTILE_USERNAMES)
def test_hostile_usernames(victim: str, client: FlaskClient, app_ctx: None, username: str) -> None:
    response = client.post("/auth/login", data={"username": username, "password": TEST_PASSWORD})
    body = _assert_refused(response, client)
    assert "<script>alert(1)" not in body and "<img src=x" not in body and "49" not in body.split("</head>")[1]
    assert "Set-Cookie: x=1" not in str(response.headers)
    assert _users() == 1


@pytest.mark.parametrize(
    "password",
    ["' OR '1'='1", "<script>alert(1)</script>", "\x00" * 20, TEST_PASSWORD + "\x00", TEST_PASSWORD + "\x00\x00"],
)
def test_hostile_passwords(victim: str, client: FlaskClient, password: str) -> None:
    body = _assert_refused(client.post("/auth/login", data={"username": victim, "password": password}), client)
    assert "<script>alert(1)" not in body


@pytest.mark.parametrize("field", ["username", "password", "next", "remember", "csrf_token"])
def test_one_megabyte_fields(victim: str, client: FlaskClient, field: str) -> None:
    data = {"username": victim, "password": "wrong-password-x", field: "A" * 1_000_000}
    response = client.post("/auth/login", data=data)
    _assert_refused(response, client)
    assert len(response.get_data()) < 100_000  # the megabyte is not echoed back


def test_one_megabyte_multipart(victim: str, client: FlaskClient) -> None:
    response = client.post(
        "/auth/login", content_type="multipart/form-data", data={"username": "x" * 1_000_000, "password": "y"}
    )
    _assert_refused(response, client)


def test_password_just_over_the_limit_is_a_form_error(victim: str, client: FlaskClient) -> None:
    response = client.post("/auth/login", data={"username": victim, "password": "p" * 1025})
    body = _assert_refused(response, client)
    assert response.status_code == 200 and "Пароль не длиннее 1024 символов." in body


def test_surrounding_spaces_are_trimmed_from_the_username(victim: str, client: FlaskClient) -> None:
    response = client.post("/auth/login", data={"username": f"  {victim}" + " " * 200, "password": TEST_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data"])
def test_too_many_fields(victim: str, client: FlaskClient, content_type: str) -> None:
    data = {f"f{n}": "x" for n in range(5000)} | {"username": victim, "password": "wrong-password-x"}
    _assert_refused(client.post("/auth/login", data=data, content_type=content_type), client)


def test_json_body_with_wrong_types(victim: str, client: FlaskClient) -> None:
    for payload in (
        {"username": 123, "password": ["x", "y"]},
        {"username": {"$ne": None}, "password": {}},
        [1, 2, 3],
        "admin",
        None,
        {"username": victim, "password": TEST_PASSWORD},
    ):
        response = client.post("/auth/login", json=payload)
        body = _assert_refused(response, client)
        if response.status_code == 200:
            assert "Введите имя пользователя." in body  # a JSON body is not a login form


def test_repeated_fields_and_odd_values(victim: str, client: FlaskClient) -> None:
    response = client.post(
        "/auth/login",
        data={"username": ["nobody", victim], "password": ["x", TEST_PASSWORD], "remember": ["maybe", "{}"]},
    )
    _assert_refused(response, client)


def test_file_in_place_of_a_field(victim: str, client: FlaskClient) -> None:
    response = client.post(
        "/auth/login",
        content_type="multipart/form-data",
        data={"username": (io.BytesIO(b"admin"), "name.txt"), "password": TEST_PASSWORD},
    )
    _assert_refused(response, client)


@pytest.mark.parametrize(
    "raw",
    [
        b"username=%FF%FE%FD&password=%C3%28",
        b"username=\xff\xfe\xfd&password=\xc3\x28",
        b"username=admin%00&password=x",
        b"username=%E2%80%AE&password=%ED%A0%80",  # RTL override; an encoded surrogate
        b"\xff\xff\xff\xff",
        b"username&password",
        b"=&=&&&==",
    ],
)
def test_non_utf8_and_broken_bodies(victim: str, client: FlaskClient, raw: bytes) -> None:
    response = client.post("/auth/login", data=raw, content_type="application/x-www-form-urlencoded")
    _assert_refused(response, client)


def test_non_utf8_query_string(client: FlaskClient) -> None:
    response = client.get("/auth/login?next=%FF%FE&lang=%C3%28")
    assert response.status_code == 200


def test_wrong_charset_declared(victim: str, client: FlaskClient) -> None:
    response = client.post(
        "/auth/login",
        data="username=админ&password=x".encode("cp1251"),
        content_type="application/x-www-form-urlencoded; charset=windows-1251",
    )
    _assert_refused(response, client)


def test_hostile_next_in_the_form_is_not_echoed(victim: str, client: FlaskClient) -> None:
    response = client.post("/auth/login", data={"username": "", "password": "", "next": '"><script>alert(1)</script>'})
    body = _assert_refused(response, client)
    assert "<script>alert(1)" not in body and "alert(1)" not in body  # an unsafe next is dropped
