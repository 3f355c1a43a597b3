"""Answers to residents: posted back to VK and Telegram (local stand-ins), kept «к отправке» or for
the official reply, retried after a failure; the connectors' new methods against the stand-ins."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests import factories
from tests.monitor_helpers import OWNER, StandIns, stand_ins, vk_comment, vk_post
from tests.standins import TG_TOKEN, VK_TOKEN
from webmap.connectors.errors import ConnectorError, MalformedAnswer, SourceUnavailable, TokenInvalid
from webmap.extensions import db
from webmap.models import Answer, AnswerTemplate, SourceMessage
from webmap.monitor.clients import telegram_api, vk_api

__all__ = ["stand_ins"]  # the fixture
CHAT = -1001234


def _case(channel: str, external_id: str, *, text: str = "Яма у дома 5 по улице Мира", url: str | None = None) -> int:
    message = factories.message(text, channel=channel, url=url)
    message.external_id = external_id
    case = factories.appeal(messages=[message])
    db.session.commit()
    return case.id


def _token(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, "no csrf_token on the page"
    return found.group(1)


def _answer(client: FlaskClient, case_id: int, text: str) -> Any:
    path = f"/operator/cases/{case_id}"
    return client.post(f"{path}/answers", data={"csrf_token": _token(client, path), "text": text})


def _answers(app: Flask, case_id: int) -> list[Answer]:
    db.session.remove()
    rows = list(db.session.scalars(select(Answer).where(Answer.appeal_id == case_id).order_by(Answer.id)))
    for row in rows:
        db.session.expunge(row)
    return rows


@pytest.fixture
def operator(app_ctx: None, auth):
    return auth.login(role="operator")


# --- the connectors' posting methods -------------------------------------------------------------


def test_vk_create_comment_posts_under_the_post(app: Flask, stand_ins: StandIns) -> None:
    stand_ins.vk.posts[OWNER] = [vk_post(5)]
    stand_ins.vk.comments[(OWNER, 5)] = [vk_comment(7, 5)]
    api = vk_api(app.config)
    first = api.create_comment(OWNER, 5, "Принято в работу", from_group=True)
    reply = api.create_comment(OWNER, 5, "Выполнено", reply_to_comment=7)
    assert first != reply
    sent = stand_ins.vk.script.calls("wall.createComment")
    assert sent[0]["owner_id"] == str(OWNER) and sent[0]["post_id"] == "5" and sent[0]["from_group"] == "1"
    assert sent[0]["message"] == "Принято в работу" and "reply_to_comment" not in sent[0]
    assert sent[1]["reply_to_comment"] == "7" and "from_group" not in sent[1]


def test_vk_create_comment_errors_are_in_words_without_the_token(
    app: Flask, stand_ins: StandIns, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_ins.vk.posts[OWNER] = [vk_post(5)]
    api = vk_api(app.config)
    with pytest.raises(ConnectorError, match="post_id not found"):
        api.create_comment(OWNER, 6, "Ответ")
    stand_ins.vk.script.errors["wall.createComment"] = [15, "garbage", {"response": {"nothing": 1}}]
    with pytest.raises(SourceUnavailable, match="access denied"):
        api.create_comment(OWNER, 5, "Ответ")
    with pytest.raises(MalformedAnswer):
        api.create_comment(OWNER, 5, "Ответ")
    with pytest.raises(MalformedAnswer, match="no comment_id"):
        api.create_comment(OWNER, 5, "Ответ")
    monkeypatch.setitem(app.config, "WEBMAP_VK_TOKEN", "a-wrong-token-123")
    with pytest.raises(TokenInvalid) as caught:
        vk_api(app.config).create_comment(OWNER, 5, "Ответ")
    assert "a-wrong-token-123" not in str(caught.value) and VK_TOKEN not in str(caught.value)
    assert stand_ins.vk.created == []


def test_telegram_send_message_replies(app: Flask, stand_ins: StandIns, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_ins.tg.chats.add(CHAT)
    api = telegram_api(app.config)
    message_id = api.send_message(CHAT, "Принято", reply_to_message_id=42)
    assert stand_ins.tg.sent == [
        {
            "message_id": message_id,
            "chat_id": CHAT,
            "text": "Принято",
            "reply": {"message_id": 42, "allow_sending_without_reply": True},
        }
    ]
    with pytest.raises(ConnectorError, match="chat not found"):
        api.send_message(777, "Принято")
    stand_ins.tg.script.errors["sendMessage"] = [403]
    with pytest.raises(ConnectorError, match="error 403"):
        api.send_message(CHAT, "Принято")
    monkeypatch.setitem(app.config, "WEBMAP_TELEGRAM_TOKEN", "999:wrong-token-xyz")
    with pytest.raises(TokenInvalid) as caught:
        telegram_api(app.config).send_message(CHAT, "Принято")
    assert "wrong-token-xyz" not in str(caught.value) and TG_TOKEN not in str(caught.value)


# --- the case page ---------------------------------------------------------------------------------


def test_an_answer_to_a_vk_post_is_posted_and_shown(app: Flask, client: FlaskClient, auth, stand_ins: StandIns) -> None:
    stand_ins.vk.posts[OWNER] = [vk_post(5)]
    with app.app_context():
        auth.login(role="operator")
        case_id = _case("vk", f"{OWNER}_5", url=f"https://vk.com/wall{OWNER}_5")
        response = _answer(client, case_id, "Спасибо, обращение №1 принято в работу.")
        assert response.status_code == 302
        (answer,) = _answers(app, case_id)
    assert answer.state == "sent" and answer.channel == "vk" and answer.sent_at is not None
    (created,) = stand_ins.vk.created
    assert created["message"] == "Спасибо, обращение №1 принято в работу."
    assert (created["owner_id"], created["post_id"], created["from_group"]) == (str(OWNER), "5", "1")
    assert answer.external_id == f"{OWNER}_5_{created['id']}"
    page = client.get(f"/operator/cases/{case_id}").get_data(as_text=True)
    assert "Спасибо, обращение №1 принято в работу." in page and answer.external_id in page
    assert "отправлен" in page


def test_an_answer_to_a_vk_comment_replies_to_it(app: Flask, client: FlaskClient, auth, stand_ins: StandIns) -> None:
    stand_ins.vk.posts[OWNER] = [vk_post(5)]
    stand_ins.vk.comments[(OWNER, 5)] = [vk_comment(7, 5)]
    with app.app_context():
        auth.login(role="operator")
        case_id = _case("vk", f"{OWNER}_5_7")
        _answer(client, case_id, "Принято")
        _answer(client, case_id, "Выполнено")  # several answers: first reaction, then done
        answers = _answers(app, case_id)
    assert [a.state for a in answers] == ["sent", "sent"]
    assert [c["reply_to_comment"] for c in stand_ins.vk.created] == ["7", "7"]
    assert [c["message"] for c in stand_ins.vk.created] == ["Принято", "Выполнено"]


def test_an_answer_to_a_telegram_message_is_a_reply(app: Flask, client: FlaskClient, auth, stand_ins: StandIns) -> None:
    stand_ins.tg.chats.add(CHAT)
    with app.app_context():
        auth.login(role="operator")
        case_id = _case("telegram", f"{CHAT}_42")
        _answer(client, case_id, "Принято в работу")
        (answer,) = _answers(app, case_id)
    (sent,) = stand_ins.tg.sent
    assert sent["chat_id"] == CHAT and sent["reply"]["message_id"] == 42 and sent["text"] == "Принято в работу"
    assert answer.state == "sent" and answer.external_id == f"{CHAT}_{sent['message_id']}"


def test_a_failed_answer_keeps_the_error_in_words_and_is_retried(
    app: Flask, client: FlaskClient, auth, stand_ins: StandIns
) -> None:
    stand_ins.vk.posts[OWNER] = [vk_post(5)]
    stand_ins.vk.script.errors["wall.createComment"] = [15]  # comments closed
    with app.app_context():
        auth.login(role="operator")
        case_id = _case("vk", f"{OWNER}_5")
        _answer(client, case_id, "Принято")
        (failed,) = _answers(app, case_id)
        assert failed.state == "failed" and "access denied" in (failed.error or "")
        assert VK_TOKEN not in (failed.error or "")
        path = f"/operator/cases/{case_id}"
        page = client.get(path).get_data(as_text=True)
        assert "access denied" in page and "Отправить ещё раз" in page
        retry = client.post(f"{path}/answers/{failed.id}/retry", data={"csrf_token": _token(client, path)})
        assert retry.status_code == 302
        (answer,) = _answers(app, case_id)  # the same answer, now sent
    assert answer.id == failed.id and answer.state == "sent" and answer.error is None
    assert len(stand_ins.vk.created) == 1


def test_without_a_token_the_answer_waits_to_be_copied(
    app: Flask, client: FlaskClient, auth, stand_ins: StandIns, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_VK_TOKEN", "")
    with app.app_context():
        auth.login(role="operator")
        for channel, external in (("vk", f"{OWNER}_5"), ("ok", "55_66")):
            case_id = _case(channel, external)
            page = client.get(f"/operator/cases/{case_id}").get_data(as_text=True)
            assert "не настроен" in page
            _answer(client, case_id, "Скопируйте меня")
            (answer,) = _answers(app, case_id)
            assert answer.state == "to_send" and answer.channel == channel and answer.external_id is None
            page = client.get(f"/operator/cases/{case_id}").get_data(as_text=True)
            assert "к отправке" in page and "Скопировать текст" in page and "Скопируйте меня" in page
    assert stand_ins.vk.created == [] and stand_ins.vk.script.calls("wall.createComment") == []


@pytest.mark.parametrize("channel", ["pos", "reception", "phone"])
def test_official_channels_keep_the_answer_for_the_official_reply(operator, client: FlaskClient, channel: str) -> None:
    case = factories.appeal(messages=[factories.message(channel=channel)])
    db.session.commit()
    assert "официального ответа" in client.get(f"/operator/cases/{case.id}").get_data(as_text=True)
    assert _answer(client, case.id, "Ваше обращение рассмотрено.").status_code == 302
    (answer,) = db.session.scalars(select(Answer).where(Answer.appeal_id == case.id))
    assert (answer.state, answer.channel, answer.message_id) == ("official", channel, None)
    assert answer.author is not None and answer.author.username == "test-operator"


def test_the_answer_starts_from_the_best_template(operator, client: FlaskClient) -> None:
    case = factories.appeal(category="road", status="new", messages=[factories.message(channel="pos")])
    db.session.add(AnswerTemplate(category_code=None, status=None, text="Общий ответ"))
    db.session.add(AnswerTemplate(category_code="road", status="new", text="Обращение №{номер} о дороге принято"))
    db.session.commit()
    page = client.get(f"/operator/cases/{case.id}").get_data(as_text=True)
    assert f"Обращение №{case.id} о дороге принято</textarea>" in page


@pytest.mark.parametrize(
    ("text", "expect"),
    [("", "Напишите текст ответа"), ("   ", "Напишите текст ответа"), ("я" * 4001, "4000")],
)
def test_bad_answers_are_refused_and_nothing_is_stored(operator, client: FlaskClient, text: str, expect: str) -> None:
    case = factories.appeal(messages=[factories.message(channel="pos")])
    db.session.commit()
    response = _answer(client, case.id, text)
    assert response.status_code == 400 and expect in response.get_data(as_text=True)
    assert db.session.scalars(select(Answer).where(Answer.appeal_id == case.id)).all() == []


def test_hostile_answer_text_is_kept_as_written_and_shown_escaped(operator, client: FlaskClient) -> None:
    case = factories.appeal(messages=[factories.message(channel="phone")])
    db.session.commit()
    evil = "<img src=x onerror=alert(1)>'; DROP TABLE answers; --\x00"
    assert _answer(client, case.id, evil).status_code == 302
    (answer,) = db.session.scalars(select(Answer).where(Answer.appeal_id == case.id))
    assert answer.text == evil.replace("\x00", "")
    page = client.get(f"/operator/cases/{case.id}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_an_answer_without_csrf_is_refused(operator, client: FlaskClient) -> None:
    case = factories.appeal(messages=[factories.message(channel="pos")])
    db.session.commit()
    response = client.post(f"/operator/cases/{case.id}/answers", data={"text": "Ответ"})
    assert response.status_code == 400
    assert db.session.scalars(select(Answer)).all() == []


def test_retry_of_another_cases_answer_is_not_found(operator, client: FlaskClient) -> None:
    one = factories.appeal(messages=[factories.message(channel="pos")])
    other = factories.appeal(messages=[factories.message(channel="pos")])
    db.session.flush()
    answer = Answer(appeal_id=other.id, text="x", channel="pos", state="official")
    db.session.add(answer)
    db.session.commit()
    path = f"/operator/cases/{one.id}"
    response = client.post(f"{path}/answers/{answer.id}/retry", data={"csrf_token": _token(client, path)})
    assert response.status_code == 404
    official = f"/operator/cases/{other.id}/answers/{answer.id}/retry"
    response = client.post(official, data={"csrf_token": _token(client, path)})
    assert response.status_code == 400  # an official answer is not posted


def test_the_answer_target_skips_deleted_posts(app_ctx: None) -> None:
    from datetime import UTC, datetime

    from webmap.services.answers import target

    deleted = factories.message(channel="vk")
    deleted.deleted_at = datetime.now(UTC)
    phone = factories.message(channel="phone")
    case = factories.appeal(messages=[deleted, phone])
    db.session.flush()
    channel, message = target(case)
    assert isinstance(deleted, SourceMessage) and message is None and channel in ("vk", "phone")
