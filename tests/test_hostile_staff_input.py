"""Hostile input on staff surfaces: imported non-web links, bad JSON bodies, places outside the town."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from webmap.extensions import db
from webmap.models import Appeal
from webmap.security import web_url

HOSTILE_URLS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example/x",
    "/relative/path",
    "https:evil",
    "http://\\evil.example",
    "ftp://files.example/x",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_only_http_links_are_links(url: str) -> None:
    assert web_url(url) is None


@pytest.mark.parametrize("url", ["https://vk.com/wall-1_2", "http://t.me/town/5", "HTTPS://ok.ru/group/1/topic/2"])
def test_web_links_stay_links(url: str) -> None:
    assert web_url(url) == url


@pytest.fixture
def operator(app: Flask, app_ctx: None, auth: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    return auth.login(role="operator")


@pytest.mark.parametrize("url", HOSTILE_URLS[:6])
def test_an_imported_script_url_is_plain_text_on_the_case_page(operator: Any, client: FlaskClient, url: str) -> None:
    case = factories.appeal(messages=[factories.message(url=url)])
    db.session.commit()
    page = client.get(f"/operator/cases/{case.id}").get_data(as_text=True)
    assert 'class="message-url"' in page  # shown, so the operator sees what came in ...
    assert 'href="javascript' not in page.lower() and 'href="vbscript' not in page.lower()
    assert 'href="data:' not in page and 'href="java\tscript' not in page  # ... but never a link


def test_a_post_url_is_a_link_on_the_case_page(operator: Any, client: FlaskClient) -> None:
    case = factories.appeal(messages=[factories.message(url="https://vk.com/wall-1_2")])
    db.session.commit()
    page = client.get(f"/operator/cases/{case.id}").get_data(as_text=True)
    assert 'href="https://vk.com/wall-1_2"' in page


# --- POST /api/cases/<id>/place: bodies that used to give a 500 ---------------------------------


def _raw_place(client: FlaskClient, auth: Any, case_id: int, data: bytes | str) -> Any:
    return client.post(
        f"/api/cases/{case_id}/place",
        data=data,
        content_type="application/json",
        headers={"X-CSRFToken": auth.csrf_token()},
    )


@pytest.fixture
def unplaced(app_ctx: None, auth: Any) -> Appeal:
    case = factories.appeal(None, None)
    db.session.commit()
    auth.login("operator")
    return case


def _untouched(case_id: int) -> bool:
    db.session.expire_all()
    return db.session.get(Appeal, case_id).point is None


@pytest.mark.parametrize(
    "address",
    [
        '"Мира 5\\u0000"',  # NUL: PostgreSQL text cannot hold it
        '"\\ud800"',  # a lone surrogate: not encodable as UTF-8
        '"Мира \\udfff 5"',
    ],
)
def test_nul_and_lone_surrogates_are_400(client: FlaskClient, auth: Any, unplaced: Appeal, address: str) -> None:
    body = f'{{"lon": 75.595, "lat": 61.742, "version": {unplaced.version}, "address": {address}}}'
    response = _raw_place(client, auth, unplaced.id, body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"] == "bad_request" and response.get_json()["message"]
    assert _untouched(unplaced.id)


def test_nul_in_a_key_is_400(client: FlaskClient, auth: Any, unplaced: Appeal) -> None:
    body = f'{{"lon": 75.595, "lat": 61.742, "version": {unplaced.version}, "x\\u0000": 1}}'
    assert _raw_place(client, auth, unplaced.id, body).status_code == 400


@pytest.mark.parametrize("depth", [20, 5000, 30000])
def test_deeply_nested_json_is_400(client: FlaskClient, auth: Any, unplaced: Appeal, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    body = f'{{"lon": 75.595, "lat": 61.742, "version": {unplaced.version}, "address": {nested}}}'
    response = _raw_place(client, auth, unplaced.id, body)
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"
    assert _untouched(unplaced.id)


@pytest.mark.parametrize("data", [b"\xff\xfe{}", b"{", b"null", b"[1, 2]", b'"text"', b""])
def test_malformed_bodies_are_400(client: FlaskClient, auth: Any, unplaced: Appeal, data: bytes) -> None:
    response = _raw_place(client, auth, unplaced.id, data)
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"


def test_an_oversized_json_body_is_413(app: Flask, client: FlaskClient, auth: Any, unplaced: Appeal) -> None:
    limit = int(app.config["WEBMAP_JSON_MAX_BYTES"])
    body = {"lon": 75.595, "lat": 61.742, "version": unplaced.version, "address": "x" * (limit + 10)}
    response = _raw_place(client, auth, unplaced.id, json.dumps(body))
    assert response.status_code == 413
    assert response.get_json()["error"] == "request_entity_too_large"
    assert _untouched(unplaced.id)


def test_the_json_limit_is_set_in_the_config(
    app: Flask, client: FlaskClient, auth: Any, unplaced: Appeal, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps({"lon": 75.595, "lat": 61.742, "version": unplaced.version})
    monkeypatch.setitem(app.config, "WEBMAP_JSON_MAX_BYTES", 20)
    assert _raw_place(client, auth, unplaced.id, body).status_code == 413
    monkeypatch.setitem(app.config, "WEBMAP_JSON_MAX_BYTES", 1000)
    assert _raw_place(client, auth, unplaced.id, body).status_code == 200


@pytest.mark.parametrize(
    "lon, lat",
    [
        (0, 0),  # Null Island
        (37.6176, 55.7558),  # Moscow
        (75.595, 62.5),  # due north of the town, 80 km
        (-75.595, 61.742),
    ],
)
def test_a_place_outside_the_town_is_400(
    client: FlaskClient, auth: Any, unplaced: Appeal, lon: float, lat: float
) -> None:
    response = _raw_place(client, auth, unplaced.id, json.dumps({"lon": lon, "lat": lat, "version": unplaced.version}))
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert body["reason"] == "outside_town" and "вне территории города" in body["message"]
    assert _untouched(unplaced.id)


def test_the_page_form_refuses_a_place_outside_the_town_too(operator: Any, client: FlaskClient) -> None:
    case = factories.appeal(None, None, messages=[factories.message()])
    db.session.commit()
    response = client.post(f"/operator/cases/{case.id}/place", data={"lon": 0, "lat": 0, "version": case.version})
    assert response.status_code == 400 and "вне территории города" in response.get_data(as_text=True)
    assert _untouched(case.id)


def test_a_place_at_the_edge_of_the_town_is_taken(client: FlaskClient, auth: Any, unplaced: Appeal) -> None:
    from webmap.services.gazetteer import town_extent

    west, south, east, north = town_extent(margin_m=0)
    body = {"lon": east + 0.01, "lat": (south + north) / 2, "version": unplaced.version}  # ~500 m past the last street
    assert _raw_place(client, auth, unplaced.id, json.dumps(body)).status_code == 200


def test_dashboard_tables_show_a_script_url_as_text(app: Flask) -> None:
    """The analysts' case tables list each case's post links: only web links are links."""
    from types import SimpleNamespace

    column = SimpleNamespace(key="urls", kind="text", title="Публикации")
    table = SimpleNamespace(
        name="cases",
        title="Обращения",
        rows=[{"urls": ["javascript:alert(1)", "https://vk.com/wall-1_2", "data:text/html,x"]}],
        visible_columns=lambda personal: [column],
    )
    with app.test_request_context("/"):
        macros = app.jinja_env.get_template("dashboard/_macros.html").module
        html = str(macros.data_table(table))
    assert 'href="https://vk.com/wall-1_2"' in html
    assert 'href="javascript' not in html and 'href="data:' not in html
    assert "javascript:alert(1)" in html  # shown as text
