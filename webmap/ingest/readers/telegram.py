"""Telegram Desktop export (``result.json``).

Reads a single-chat export (``messages`` at the top) and a full-account
export (``chats.list[].messages``). Service messages (joins, pins, ...) are not
citizen messages: they are counted as skipped, not rejected.

Message ids are unique only within a chat, so ``external_id`` is
``"{chat_id}_{message_id}"`` (just the message id when the export has no chat
id). Telegram Desktop does not write a chat's public username; a public URL
``https://t.me/{username}/{id}`` is made when the export carries one
(``username``, ``channel_username`` or a ``t.me`` link next to ``messages``)
or the caller passes ``username``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from .checks import Checker
from .jsonstream import JsonItem, iter_items
from .records import ReadItem, ReadStats
from .sources import Source, open_source
from .values import DEFAULT_MAX_TEXT

ARRAYS = ("messages", "chats.list.item.messages", "left_chats.list.item.messages")
_MEDIA_KEYS = (
    "photo",
    "file",
    "media_type",
    "sticker_emoji",
    "poll",
    "location_information",
    "contact_information",
)


def message_text(text: Any, entities: Any = None) -> str:
    """Plain text of a message: ``text`` is a string or a list of strings and
    entity dicts (``{"type": "bold", "text": "..."}``); ``text_entities``
    is the fallback. Markup is dropped, its text kept."""

    def joined(parts: Any) -> str:
        if isinstance(parts, str):
            return parts
        if isinstance(parts, list):
            return "".join(
                p if isinstance(p, str) else str(p.get("text", "")) if isinstance(p, dict) else "" for p in parts
            )
        return ""

    return joined(text) or joined(entities)


def _username(context: dict[str, Any], override: str | None) -> str | None:
    value = override or context.get("username") or context.get("channel_username")
    link = context.get("link") or context.get("url")
    if not value and isinstance(link, str) and "t.me/" in link:
        value = link.split("t.me/", 1)[1].split("/", 1)[0]
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lstrip("@") or None


def _position(item: JsonItem) -> str:
    if item.array == "messages":
        return item.position
    return f"{item.array.split('.', 1)[0]}[id={item.context.get('id')}].messages[{item.index}]"


def read_telegram(
    source: Source,
    *,
    channel: str = "telegram",
    max_text_length: int = DEFAULT_MAX_TEXT,
    now: datetime | None = None,
    stats: ReadStats | None = None,
    username: str | None = None,
) -> Iterator[ReadItem]:
    """Yield a RawMessage per chat message, a Rejected per bad one; service
    messages only increase ``stats.skipped``. Raises ReaderError for an empty,
    truncated or foreign file (after yielding what was read before the break).
    """
    checker = Checker.create(channel, max_text_length, now)
    stats = stats if stats is not None else ReadStats()
    with open_source(source) as peeked:
        checker.dirty = lambda: peeked.dirty
        for item in iter_items(peeked, ARRAYS, lock=False, what="Telegram messages"):
            record, position = item.value, _position(item)
            if isinstance(record, dict) and record.get("type", "message") != "message":
                stats.skip(f"service message ({record.get('type')})")
                continue
            out = _message(checker, record, position, item.context, username)
            stats.count(out)
            yield out


def _message(checker: Checker, record: Any, position: str, context: dict[str, Any], username: str | None) -> ReadItem:
    if not isinstance(record, dict):
        return checker.not_an_object(position, record)
    chat_id, message_id = context.get("id"), record.get("id")
    prefix = f"{chat_id}_" if chat_id is not None else ""
    external_id = f"{prefix}{message_id}" if message_id is not None else None
    media = [k for k in _MEDIA_KEYS if record.get(k)]
    empty_reason = f"message has no text, only media ({', '.join(media)})" if media else "message has empty text"
    public = _username(context, username)
    reply_to = record.get("reply_to_message_id")
    date = record.get("date_unixtime") or record.get("date")
    return checker.build(
        position=position,
        record=record,
        external_id=external_id,
        text=message_text(record.get("text"), record.get("text_entities")),
        posted_at=date,
        empty_reason=empty_reason,
        url=f"https://t.me/{public}/{message_id}" if public and message_id is not None else None,
        author=record.get("from") or record.get("actor"),
        author_id=record.get("from_id") or record.get("actor_id"),
        parent_id=f"{prefix}{reply_to}" if reply_to is not None else None,
    )
