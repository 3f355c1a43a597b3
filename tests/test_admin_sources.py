"""/admin/sources: admins see each source's state, cursor, last run and error, and add, pause, resume, run them."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from webmap.extensions import db
from webmap.models import Source


@pytest.fixture
def admin(app: Flask, app_ctx: None, auth):
    return auth.login(role="admin")


def _row(page: str, source_id: int) -> str:
    found = re.search(rf'<tr data-source="{source_id}".*?</tr>', page, re.S)
    assert found, page
    return found.group(0)


def test_sources_page_shows_state_cursor_and_error(admin, auth, client: FlaskClient) -> None:
    token = auth.csrf_token()
    added = client.post("/admin/sources", data={"kind": "vk-wall", "target": "-21835", "csrf_token": token})
    assert added.status_code == 302
    wall = db.session.scalars(select(Source).where(Source.kind == "vk-wall")).one()
    assert (wall.key, wall.name, wall.state, wall.params) == ("-21835", "VK -21835", "active", {"owner_id": -21835})
    wall.cursor = {"last_id": 130}
    wall.state, wall.last_error = "token_invalid", "VK wall.get: error 5: User authorization failed"
    db.session.commit()
    page = client.get("/admin/sources").get_data(as_text=True)
    row = _row(page, wall.id)
    assert "ключ доступа недействителен" in row and "error 5: User authorization failed" in row
    assert "130" in row and "Возобновить" in row and "Приостановить" not in row

    resumed = client.post("/admin/sources/action", data={"source_id": wall.id, "action": "resume", "csrf_token": token})
    assert resumed.status_code == 303
    db.session.expire_all()
    assert db.session.get(Source, wall.id).state == "active"
    client.post("/admin/sources/action", data={"source_id": wall.id, "action": "pause", "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Source, wall.id).state == "paused"
    assert "приостановлен" in _row(client.get("/admin/sources").get_data(as_text=True), wall.id)


def test_bad_input_and_missing_csrf_are_refused(admin, auth, client: FlaskClient) -> None:
    token = auth.csrf_token()
    for data, said in (
        ({"kind": "vk-wall", "target": "<script>x</script>"}, "owner id"),
        ({"kind": "vk-search", "target": "яма", "near": "91,200", "radius": "500"}, "out of range"),
        ({"kind": "ok-group", "target": "12; DROP TABLE sources"}, "numeric id"),
        ({"kind": "facebook", "target": "1"}, "field-error"),  # not a choice
    ):
        answer = client.post("/admin/sources", data={**data, "csrf_token": token})
        assert answer.status_code == 400 and said in answer.get_data(as_text=True), data
        assert "<script>x</script>" not in answer.get_data(as_text=True)
    client.post("/admin/sources", data={"kind": "ok-group", "target": "5001", "csrf_token": token})
    again = client.post("/admin/sources", data={"kind": "ok-group", "target": "5001", "csrf_token": token})
    assert again.status_code == 400 and "already watched" in again.get_data(as_text=True)
    assert client.post("/admin/sources", data={"kind": "ok-group", "target": "5002"}).status_code == 400  # no CSRF
    assert db.session.scalars(select(Source.key)).all() == ["5001"]
    search = client.post(
        "/admin/sources",
        data={
            "kind": "vk-search",
            "target": "Покачи яма",
            "near": "61.74,75.59",
            "radius": "5000",
            "csrf_token": token,
        },
    )
    assert search.status_code == 302
    found = db.session.scalars(select(Source).where(Source.kind == "vk-search")).one()
    assert found.params == {"query": "Покачи яма", "lat": 61.74, "lon": 75.59, "radius": 5000.0}


def test_run_now_makes_the_source_due(admin, auth, client: FlaskClient) -> None:
    token = auth.csrf_token()
    client.post("/admin/sources", data={"kind": "telegram-bot", "csrf_token": token})
    bot = db.session.scalars(select(Source)).one()
    bot.next_run_at = None
    db.session.commit()
    answer = client.post("/admin/sources/action", data={"source_id": bot.id, "action": "run", "csrf_token": token})
    assert answer.status_code == 303
    db.session.expire_all()
    assert db.session.get(Source, bot.id).next_run_at is not None
    page = client.get("/admin/sources").get_data(as_text=True)
    assert "Источник поставлен в очередь." in page or "Источник прочитается в ближайшую минуту." in page
