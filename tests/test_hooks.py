"""VK Callback API (POST /hooks/vk) and the Telegram webhook: secrets, each event stored once, edits and deletions kept."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from webmap.extensions import db
from webmap.models import HookEvent, MessageRevision, SourceMessage

SECRET = "vk-callback-secret-123"
TG_SECRET = "tg-webhook-secret-456"
NOW = int(time.time()) - 600


@pytest.fixture
def hooks(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_VK_CONFIRMATION", "a1b2c3d4")
    monkeypatch.setitem(app.config, "WEBMAP_VK_CALLBACK_SECRET", SECRET)
    monkeypatch.setitem(app.config, "WEBMAP_TELEGRAM_WEBHOOK_SECRET", TG_SECRET)


def vk_event(kind: str, obj: dict[str, Any], event_id: str, secret: str = SECRET) -> dict[str, Any]:
    return {"type": kind, "object": obj, "group_id": 21835, "event_id": event_id, "v": "5.199", "secret": secret}


def post(client: FlaskClient, body: Any) -> Any:
    return client.post("/hooks/vk", data=json.dumps(body, ensure_ascii=False), content_type="application/json")


def reply(text: str = "Фонарь не горит у дома 4 по Ленина") -> dict[str, Any]:
    return {
        "id": 77,
        "from_id": 5,
        "date": NOW,
        "text": text,
        "post_owner_id": -21835,
        "post_id": 12,
        "owner_id": -21835,
    }


def messages() -> dict[str, SourceMessage]:
    return {m.external_id: m for m in db.session.scalars(select(SourceMessage).where(SourceMessage.channel == "vk"))}


def test_confirmation_and_secret(client: FlaskClient, hooks: None) -> None:
    answer = post(client, {"type": "confirmation", "group_id": 21835})
    assert answer.status_code == 200 and answer.get_data(as_text=True) == "a1b2c3d4"
    refused = post(client, vk_event("wall_reply_new", reply(), "e1", secret="guess"))
    assert refused.status_code == 403 and messages() == {}
    assert post(client, {**vk_event("wall_reply_new", reply(), "e1"), "secret": None}).status_code == 403
    assert client.post("/hooks/vk", data=b"\xff\xfe not json").status_code == 400


def test_callback_not_configured_refuses_everything(client: FlaskClient, app: Flask, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_VK_CALLBACK_SECRET", "")
    assert post(client, vk_event("wall_reply_new", reply(), "e1", secret="")).status_code == 403


def test_each_event_once_edits_as_revisions_deletions_as_marks(client: FlaskClient, hooks: None) -> None:
    new = vk_event("wall_reply_new", reply(), "e1")
    for _ in range(3):  # VK delivers again when it did not get "ok" in time
        answer = post(client, new)
        assert answer.status_code == 200 and answer.get_data(as_text=True) == "ok"
    stored = messages()
    assert list(stored) == ["-21835_12_77"]
    comment = stored["-21835_12_77"]
    assert comment.url == "https://vk.com/wall-21835_12?reply=77" and comment.appeal_id is not None
    assert db.session.scalar(select(func.count()).select_from(HookEvent)) == 1
    assert "secret" not in db.session.scalars(select(HookEvent.payload)).one()

    edit = vk_event("wall_reply_edit", reply("Фонарь не горит у дома 6 по Ленина"), "e2")
    post(client, edit)
    post(client, edit)
    db.session.expire_all()
    assert messages()["-21835_12_77"].text == "Фонарь не горит у дома 4 по Ленина"  # never overwritten
    revisions = db.session.scalars(select(MessageRevision.text)).all()
    assert revisions == ["Фонарь не горит у дома 6 по Ленина"]

    delete = vk_event("wall_reply_delete", {"owner_id": -21835, "id": 77, "deleter_id": 5, "post_id": 12}, "e3")
    post(client, delete)
    db.session.expire_all()
    marked = messages()["-21835_12_77"]
    assert marked.deleted_at is not None and marked.raw["text"] == "Фонарь не горит у дома 4 по Ленина"
    post(client, vk_event("wall_reply_restore", reply(), "e4"))
    db.session.expire_all()
    assert messages()["-21835_12_77"].deleted_at is None
    assert db.session.scalar(select(func.count()).select_from(SourceMessage)) == 1


def test_new_post_with_photo_only_and_other_events(client: FlaskClient, hooks: None) -> None:
    photo = {"type": "photo", "photo": {"id": 1}}
    wall_post = {"id": 40, "owner_id": -21835, "from_id": 9, "date": NOW, "text": "", "attachments": [photo]}
    assert post(client, vk_event("wall_post_new", wall_post, "p1")).get_data(as_text=True) == "ok"
    assert post(client, vk_event("group_join", {"user_id": 1}, "j1")).get_data(as_text=True) == "ok"
    stored = messages()
    assert list(stored) == ["-21835_40"] and stored["-21835_40"].text == ""
    # a broken object is refused with its reason, the event kept
    post(client, vk_event("wall_reply_new", {"id": 1, "date": "вчера", "text": "x", "post_id": 3}, "b1"))
    outcome = db.session.scalar(select(HookEvent.outcome).where(HookEvent.event_id == "b1"))
    assert "rejected 1" in outcome and "unparseable date" in outcome


def tg_update(update_id: int, kind: str = "channel_post", text: str = "Открыт люк у дома 2 по Мира") -> dict[str, Any]:
    chat = {"id": -100500, "type": "channel", "title": "Новости", "username": "pokachi"}
    message = {"message_id": 31, "chat": chat, "date": NOW, "text": text}
    if kind.startswith("edited"):
        message["edit_date"] = NOW + 60
    return {"update_id": update_id, kind: message}


def test_telegram_webhook_stores_each_update_once(client: FlaskClient, hooks: None) -> None:
    url = f"/hooks/telegram/{TG_SECRET}"
    assert client.post("/hooks/telegram/guess", json=tg_update(1)).status_code == 404
    header = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
    assert client.post(url, json=tg_update(1), headers=header).status_code == 403
    for _ in range(2):
        assert client.post(url, json=tg_update(1)).status_code == 200
    client.post(url, json=tg_update(2, "edited_channel_post", "Открыт люк у дома 4 по Мира"))
    assert client.post(url, json={"message": {}}).status_code == 400
    stored = db.session.scalars(select(SourceMessage).where(SourceMessage.channel == "telegram")).all()
    assert [(m.external_id, m.url, m.text) for m in stored] == [
        ("-100500_31", "https://t.me/pokachi/31", "Открыт люк у дома 2 по Мира")
    ]
    assert db.session.scalars(select(MessageRevision.text)).all() == ["Открыт люк у дома 4 по Мира"]
    # an edit of a message never seen is that message
    unseen = tg_update(3, "edited_channel_post", "Нет воды в доме 9 по Ленина")
    unseen["edited_channel_post"]["message_id"] = 32
    client.post(url, json=unseen)
    stored = db.session.scalars(select(SourceMessage).where(SourceMessage.external_id == "-100500_32")).one()
    assert stored.text == "Нет воды в доме 9 по Ленина" and stored.appeal_id is not None


def test_oversized_event_refused(client: FlaskClient, hooks: None) -> None:
    body = vk_event("wall_reply_new", reply("я" * 600_000), "big")
    assert post(client, body).status_code == 413
