"""Operator pages: the queue, the case page and every correction made from it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests import factories
from webmap.extensions import db
from webmap.models import Appeal, StatusChange, User

PASSWORD = "operator-password-1"


@pytest.fixture
def no_csrf(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the operator's work; CSRF has tests of its own."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)


@pytest.fixture
def operator(app_ctx: None, client: FlaskClient, no_csrf: None) -> Iterator[User]:
    user = User(username="olga", full_name="Ольга Операторова", role="operator")
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    response = client.post("/auth/login", data={"username": "olga", "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    yield user


def _post(client: FlaskClient, appeal: Appeal, action: str, **data) -> tuple[int, str]:
    data.setdefault("version", appeal.version)
    response = client.post(f"/operator/cases/{appeal.id}/{action}", data=data, follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def _trail(appeal: Appeal) -> list[tuple[str, str | None, str | None]]:
    return [
        (c.field, c.old_value, c.new_value)
        for c in db.session.scalars(
            select(StatusChange).where(StatusChange.appeal_id == appeal.id).order_by(StatusChange.id)
        )
    ]


def test_queue_puts_new_unplaced_overdue_first(operator: User, client: FlaskClient) -> None:
    placed = factories.appeal(messages=[factories.message("Яма на Мира 5")], status="accepted")
    unplaced = factories.appeal(None, None, messages=[factories.message("Где-то темно")])
    db.session.commit()
    page = client.get("/operator/").get_data(as_text=True)
    assert page.index(f">{unplaced.id}</a>") < page.index(f">{placed.id}</a>")
    assert "не определено" in page
    only_unplaced = client.get("/operator/?unplaced=1").get_data(as_text=True)
    assert f">{unplaced.id}</a>" in only_unplaced and f">{placed.id}</a>" not in only_unplaced


def test_case_page_shows_every_message_in_full(operator: User, client: FlaskClient) -> None:
    first = factories.message(
        "Открыт люк у дома Мира 5, " + "очень опасно " * 30, author="Иван Петров", url="https://vk.com/wall-1_2"
    )
    second = factories.message("Люк на Мира 5 так и открыт", channel="pos", author="Заявитель 7")
    case = factories.appeal(messages=[first, second], category="manhole")
    db.session.commit()
    page = client.get(f"/operator/cases/{case.id}").get_data(as_text=True)
    assert first.text in page and second.text in page
    assert "Иван Петров" in page and "https://vk.com/wall-1_2" in page  # operators see who wrote
    assert "ПОС (Госуслуги)" in page and "ВКонтакте" in page


def test_fix_place_by_click_and_by_address(operator: User, client: FlaskClient) -> None:
    case = factories.appeal(None, None, messages=[factories.message("Где-то темно")], category="streetlight")
    db.session.commit()
    status, _ = _post(client, case, "place", lon="75.5726", lat="61.7467")
    assert status == 200 and case.placed_by == "operator" and case.district is not None
    status, _ = _post(client, case, "place", address="Мира 5")
    assert status == 200 and case.address == "улица Мира, 5"
    assert [t[0] for t in _trail(case)] == ["point", "point"]
    status, page = _post(client, case, "place", address="Несуществующая 99")
    assert status == 400 and "не найден" in page


def test_change_category_and_status(operator: User, client: FlaskClient) -> None:
    case = factories.appeal(messages=[factories.message()])
    db.session.commit()
    assert _post(client, case, "category", category="snow")[0] == 200
    assert _post(client, case, "status", status="accepted", comment="берём")[0] == 200
    assert (case.category_code, case.status) == ("snow", "accepted")
    assert _trail(case) == [("category", "road", "snow"), ("status", "new", "accepted")]
    assert db.session.scalar(select(StatusChange.user_id).where(StatusChange.appeal_id == case.id)) == operator.id


def test_stale_form_is_a_conflict(operator: User, client: FlaskClient) -> None:
    case = factories.appeal(messages=[factories.message()])
    db.session.commit()
    seen = case.version
    _post(client, case, "category", category="snow")
    status, page = _post(client, case, "status", status="rejected", version=seen)
    assert status == 409 and "другим пользователем" in page
    assert case.status == "new"


def test_merge_and_split(operator: User, client: FlaskClient) -> None:
    a = factories.appeal(messages=[factories.message("Яма на Мира 5")])
    b = factories.appeal(messages=[factories.message("На Мира 5 яма!")])
    db.session.commit()
    assert _post(client, a, "merge", others=f"{b.id}")[0] == 200
    assert len(a.messages) == 2 and b.status == "duplicate" and b.duplicate_of_id == a.id
    moved = a.messages[1].id
    response = client.post(f"/operator/cases/{a.id}/split", data={"version": a.version, "messages": [moved]})
    assert response.status_code == 302
    new_id = int(re.search(r"/cases/(\d+)", response.headers["Location"]).group(1))
    assert [m.id for m in db.session.get(Appeal, new_id).messages] == [moved]
    assert _post(client, a, "merge", others="abc")[0] == 400
    assert _post(client, a, "merge", others="999999")[0] == 400


def test_open_work_from_cases(operator: User, client: FlaskClient) -> None:
    a = factories.appeal(category="speed_bump", messages=[factories.message("Нужен лежачий полицейский")])
    b = factories.appeal(category="speed_bump", messages=[factories.message("Гоняют у школы")])
    crew = User(username="brigada", role="crew", password_hash="x")
    db.session.add(crew)
    db.session.commit()
    status, page = _post(
        client,
        a,
        "work",
        type_code="speed_bump",
        crew_id=crew.id,
        also=str(b.id),
        public_note="Установим до конца месяца",
    )
    assert status == 200, page
    assert a.works and a.works[0].crew_id == crew.id and {x.id for x in a.works[0].appeals} == {a.id, b.id}
    assert a.status == b.status == "in_work"


@pytest.mark.parametrize(
    "value",
    [
        "<script>alert(1)</script>",
        "'; DROP TABLE appeals; --",
        "x" * 1_000_000,
        "\x00\x01",
        "１２３",
    ],
)
def test_hostile_input_never_breaks_a_form(operator: User, client: FlaskClient, value: str) -> None:
    case = factories.appeal(messages=[factories.message("<b>жирный</b> текст <script>alert(2)</script>")])
    db.session.commit()
    for action, field in (
        ("status", "comment"),
        ("category", "category"),
        ("place", "address"),
        ("merge", "others"),
        ("work", "also"),
        ("status", "version"),
        ("place", "lon"),
    ):
        data = {"status": "accepted", "category": "road", "type_code": "road", field: value}
        status, page = _post(client, case, action, **data)
        assert status in (200, 400, 409, 413), (action, field, status)
        assert "<script>alert" not in page
    page = client.get(f"/operator/cases/{case.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page and "<script>alert(2)" not in page


def test_anonymous_and_crew_are_kept_out(app_ctx: None, client: FlaskClient, no_csrf: None) -> None:
    assert client.get("/operator/").status_code == 302
    crew = User(username="crewman", role="crew")
    crew.set_password(PASSWORD)
    db.session.add(crew)
    db.session.commit()
    client.post("/auth/login", data={"username": "crewman", "password": PASSWORD})
    assert client.get("/operator/").status_code == 403


def test_reception_form_opens_a_case(operator: User, client: FlaskClient) -> None:
    response = client.post(
        "/operator/new",
        data={
            "channel": "reception",
            "posted_at": "2026-11-20T10:30",
            "author": "Пётр Сидоров",
            "phone": "+7 912 000-00-00",
            "address": "Мира 5",
            "text": "Во дворе не горит фонарь",
            "received_by": "Глава города",
        },
    )
    assert response.status_code == 302
    case = db.session.get(Appeal, int(response.headers["Location"].rsplit("/", 1)[1]))
    message = case.messages[0]
    assert (message.channel, message.author, message.raw["received_by"]) == (
        "reception",
        "Пётр Сидоров",
        "Глава города",
    )
    assert message.received_by == "Глава города"  # the column the reception figures read
    assert case.category_code == "streetlight" and case.address == "улица Мира, 5"
    assert message.raw["phone"] == "+7 912 000-00-00" and message.raw["entered_by"] == "olga"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", ""),
        ("text", "x" * 20_001),
        ("posted_at", "вчера"),
        ("posted_at", "2999-01-01T10:00"),
        ("channel", "vk"),
        ("author", "<script>alert(1)</script>" * 20),
    ],
)
def test_reception_form_refuses_bad_input(operator: User, client: FlaskClient, field: str, value: str) -> None:
    data = {"channel": "phone", "posted_at": "2026-11-20T10:30", "text": "Яма на Мира 5", field: value}
    response = client.post("/operator/new", data=data)
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Appeal)) == 0
