"""The public popup shows the centre's last answer that reached the resident, redacted: personal data
seeded in an answer (a phone, an e-mail, the resident's name) never reaches the public API."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from tests import factories
from webmap.extensions import db
from webmap.maps.answers import last_public_answer
from webmap.models import Answer

SEEDED = "Иван Петров, здравствуйте! Яма у дома по улице Мира заделана. Вопросы: +7 912 345-67-89, ivan.petrov@mail.ru"
PERSONAL = ("Иван", "Петров", "Петрову", "912", "345-67-89", "ivan.petrov", "@mail.ru")


def _answer(case_id: int, text: str, state: str, minutes: int) -> None:
    at = datetime(2026, 10, 1, 9, tzinfo=UTC) + timedelta(minutes=minutes)
    db.session.add(Answer(appeal_id=case_id, text=text, channel="vk", state=state, created_at=at))


def _seed() -> tuple[int, int]:
    message = factories.message("Яма на Мира 5, Иван Петров", author="Иван Петров", url="https://vk.com/wall-1_2")
    case = factories.appeal(status="done", messages=[message])
    work = factories.work(type_code="road", status="done")
    work.appeals.append(case)
    db.session.flush()
    _answer(case.id, "Принято в работу, Петрову перезвоним", "sent", 0)
    _answer(case.id, SEEDED, "sent", 10)
    _answer(case.id, "Черновик, не отправлен", "to_send", 20)
    _answer(case.id, "Канал отказал", "failed", 30)
    db.session.commit()
    return case.id, work.id


def _popup(client: FlaskClient, kind: str, item_id: int) -> tuple[str, str]:
    response = client.get(f"/api/features/{kind}/{item_id}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    return json.loads(body)["properties"]["answer"], body


def test_the_popup_shows_the_last_sent_answer_without_personal_data(app_ctx: None, client: FlaskClient) -> None:
    case_id, work_id = _seed()
    for kind, item_id in (("work", work_id), ("case", case_id)):
        answer, body = _popup(client, kind, item_id)
        assert "Яма у дома по улице Мира заделана" in answer  # the last sent one, not the draft or the failure
        assert "Черновик" not in body and "Канал отказал" not in body
        for personal in PERSONAL:
            assert personal not in body, (kind, personal)
    assert last_public_answer(case_id) == answer


def test_an_official_answer_is_shown_and_no_answer_is_none(app_ctx: None, client: FlaskClient) -> None:
    case = factories.appeal(status="in_work", messages=[factories.message(channel="pos", author="Мария Сидорова")])
    db.session.flush()
    assert last_public_answer(case.id) is None
    db.session.add(
        Answer(appeal_id=case.id, text="Мария Сидорова, ремонт запланирован.", channel="pos", state="official")
    )
    db.session.commit()
    answer, body = _popup(client, "case", case.id)
    assert "ремонт запланирован" in answer
    assert "Мария" not in body and "Сидорова" not in body


def test_a_case_not_on_the_public_map_shows_nothing(app_ctx: None, client: FlaskClient) -> None:
    case = factories.appeal(status="new", messages=[factories.message()])
    db.session.flush()
    db.session.add(Answer(appeal_id=case.id, text="Ответ", channel="vk", state="sent"))
    db.session.commit()
    assert client.get(f"/api/features/case/{case.id}").status_code == 404


def test_open311_status_notes_carry_the_answer_without_personal_data(app_ctx: None, client: FlaskClient) -> None:
    case_id, _work_id = _seed()
    for fmt in ("json", "xml"):
        response = client.get(f"/open311/v2/requests/{case_id}.{fmt}")
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "Яма у дома по улице Мира заделана" in body and "Черновик" not in body
        for personal in PERSONAL:
            assert personal not in body, (fmt, personal)
