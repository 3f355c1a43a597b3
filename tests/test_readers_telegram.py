"""Telegram Desktop reader: text shapes, service messages, URLs, dates, full exports."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from webmap.ingest.readers import RawMessage, ReaderError, ReadStats, Rejected, read_telegram
from webmap.ingest.readers.telegram import message_text

NOW = datetime(2023, 1, 1, tzinfo=UTC)


def msg(i: int, text: Any = "Яма у дома 5", **extra: Any) -> dict[str, Any]:
    return {
        "id": i,
        "type": "message",
        "date": "2022-10-05T09:36:00",
        "date_unixtime": "1664944560",
        "from": f"Житель {i}",
        "from_id": f"user{i}",
        "text": text,
        **extra,
    }


def export(*messages: Any, **top: Any) -> dict[str, Any]:
    return {"name": "Покачи: обращения", "type": "public_supergroup", "id": 777, **top, "messages": list(messages)}


def read(tmp_path: Path, data: Any, **options: Any) -> tuple[list[RawMessage], list[Rejected], ReadStats]:
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    stats = ReadStats()
    items = list(read_telegram(path, now=NOW, stats=stats, **options))
    return ([i for i in items if isinstance(i, RawMessage)], [i for i in items if isinstance(i, Rejected)], stats)


def test_text_as_entities_joined(tmp_path: Path) -> None:
    entities = ["Провалился люк на ", {"type": "bold", "text": "Мира 5"}, " ", {"type": "hashtag", "text": "#Покачи"}]
    plain = [{"type": "plain", "text": "Темно на Ленина"}]
    messages, _, _ = read(tmp_path, export(msg(1, text=entities), msg(2, text="", text_entities=plain)))
    assert [m.text for m in messages] == ["Провалился люк на Мира 5 #Покачи", "Темно на Ленина"]
    assert messages[0].raw["text"] == entities


def test_message_text_shapes() -> None:
    assert message_text("a") == "a"
    assert message_text(["a", {"type": "link", "text": "b"}, {"type": "x"}, 5]) == "ab"
    assert message_text(None, [{"text": "c"}]) == "c"
    assert message_text(None) == ""


def test_service_messages_skipped_not_rejected(tmp_path: Path) -> None:
    service = {
        "id": 2,
        "type": "service",
        "date": "2022-10-05T09:36:00",
        "actor": "Житель",
        "action": "join_group_by_link",
        "text": "",
    }
    pinned = dict(service, id=3, action="pin_message")
    messages, rejected, stats = read(tmp_path, export(msg(1), service, pinned, msg(4)))
    assert [m.external_id for m in messages] == ["777_1", "777_4"]
    assert rejected == []
    assert (stats.messages, stats.rejected, stats.skipped) == (2, 0, 2)
    assert stats.skipped_reasons == {"service message (service)": 2}


def test_url_from_username_or_option(tmp_path: Path) -> None:
    messages, _, _ = read(tmp_path, export(msg(1)))
    assert messages[0].url is None
    messages, _, _ = read(tmp_path, export(msg(1), username="@pokachi_city"))
    assert messages[0].url == "https://t.me/pokachi_city/1"
    messages, _, _ = read(tmp_path, export(msg(1)), username="pokachi_news")
    assert messages[0].url == "https://t.me/pokachi_news/1"


def test_author_reply_and_dates(tmp_path: Path) -> None:
    local_only = msg(2, reply_to_message_id=1)
    del local_only["date_unixtime"]
    messages, _, _ = read(tmp_path, export(msg(1), local_only))
    assert messages[0].author == "Житель 1" and messages[0].author_id == "user1"
    expected = datetime(2022, 10, 5, 4, 36, tzinfo=UTC)  # 09:36 in Asia/Yekaterinburg
    assert messages[0].posted_at == messages[1].posted_at == expected
    assert messages[1].parent_id == "777_1"


def test_bad_messages_rejected(tmp_path: Path) -> None:
    no_id = msg(1)
    del no_id["id"]
    photo = msg(2, text="", photo="photos/photo_1.jpg")
    future = msg(3, date_unixtime=str(int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())))
    bad_date = msg(4, date_unixtime=None, date="позавчера")
    long = msg(5, text="x" * 20_001)
    html = msg(6, text="<img src=x onerror=alert(1)>'; DELETE FROM appeal; --")
    messages, rejected, _ = read(tmp_path, export(no_id, photo, future, bad_date, long, html))
    assert [m.text for m in messages] == [html["text"]]
    reasons = [r.reason for r in rejected]
    assert reasons[0] == "missing id"
    assert reasons[1] == "message has no text, only media (photo)"
    assert "future" in reasons[2]
    assert reasons[3] == "unparseable date 'позавчера'"
    assert "over the limit of 20,000" in reasons[4]
    assert [r.position for r in rejected] == [f"messages[{i}]" for i in range(5)]


def test_full_account_export(tmp_path: Path) -> None:
    data = {
        "about": "export",
        "chats": {
            "about": "chats",
            "list": [
                {"name": "A", "type": "public_channel", "id": 1, "username": "chan_a", "messages": [msg(10), msg(11)]},
                {"name": "B", "type": "private_group", "id": 2, "messages": [msg(10)]},
            ],
        },
    }
    messages, _, _ = read(tmp_path, data)
    assert [m.external_id for m in messages] == ["1_10", "1_11", "2_10"]
    assert [m.url for m in messages] == ["https://t.me/chan_a/10", "https://t.me/chan_a/11", None]
    assert messages[2].position == "chats[id=2].messages[0]"


def test_truncated_export(tmp_path: Path) -> None:
    raw = json.dumps(export(msg(1), msg(2)), ensure_ascii=False).encode()
    path = tmp_path / "result.json"
    path.write_bytes(raw[: raw.rindex(b'"id": 2') + 8])
    got = []
    with pytest.raises(ReaderError, match=r"messages\[1\].*truncated"):
        for item in read_telegram(path, now=NOW):
            got.append(item)
    assert [m.external_id for m in got] == ["777_1"]


def test_empty_and_foreign(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(b"")
    with pytest.raises(ReaderError, match=r"^empty file$"):
        list(read_telegram(path))
    path.write_text('{"name": "x"}', encoding="utf-8")
    with pytest.raises(ReaderError, match="no Telegram messages found"):
        list(read_telegram(path))
