"""Telegram Bot API: getUpdates long polling with an offset cursor, and updates as messages and edits.

``message`` and ``channel_post`` become messages (``external_id`` is
``chat_id`` + ``_`` + ``message_id``, as the export reader makes it);
``edited_message`` and ``edited_channel_post`` become revisions, keyed by their
``edit_date``. A link is made only for a public chat or channel (one with a
username): ``https://t.me/<username>/<message_id>``. The token is part of the
Bot API's URLs, so it is removed from every error text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from webmap.connectors.base import Batch, Revision
from webmap.connectors.errors import ConnectorError, MalformedAnswer, TokenInvalid, redact
from webmap.connectors.http import HttpClient
from webmap.ingest.readers import RawMessage, ReadItem, Rejected
from webmap.ingest.readers.checks import Checker
from webmap.ingest.readers.values import DEFAULT_MAX_TEXT, parse_datetime

MESSAGE_KINDS = ("message", "channel_post")
EDIT_KINDS = ("edited_message", "edited_channel_post")
ALLOWED = [*MESSAGE_KINDS, *EDIT_KINDS]
MEDIA = ("photo", "document", "video", "voice", "audio", "animation", "sticker", "location", "video_note")
MAX_RETRY_AFTER = 60


@dataclass
class TelegramApi:
    """``call(method, **params)`` → the ``result`` of a Bot API answer."""

    http: HttpClient
    base_url: str
    token: str

    def call(self, method: str, http_timeout: float | None = None, **params: Any) -> Any:
        url = f"{self.base_url.rstrip('/')}/bot{self.token}/{method}"
        for attempt in range(self.http.attempts):
            try:
                answer = self.http.post_form(url, params, label=method, timeout=http_timeout)
            except ConnectorError as exc:
                raise type(exc)(redact(str(exc), [self.token])) from None
            if not isinstance(answer, dict) or "ok" not in answer:
                raise MalformedAnswer(f"Telegram {method}: not a Bot API answer")
            if answer["ok"] is True:
                if "result" not in answer:
                    raise MalformedAnswer(f"Telegram {method}: ok without a result")
                return answer["result"]
            code = answer.get("error_code")
            text = redact(str(answer.get("description") or "no description"), [self.token])[:300]
            message = f"Telegram {method}: error {code}: {text}"
            if code in (401, 404):
                raise TokenInvalid(
                    f"{message}; every Telegram source is paused until WEBMAP_TELEGRAM_TOKEN is replaced"
                )
            if code == 429 and attempt + 1 < self.http.attempts:
                parameters = answer.get("parameters")
                after = parameters.get("retry_after") if isinstance(parameters, dict) else None
                if isinstance(after, int) and 0 < after <= MAX_RETRY_AFTER:
                    self.http.sleep(after)
                else:
                    self.http.pause(attempt)
                continue
            if code == 409:
                message += " (a webhook is set for this bot: use the webhook or delete it to poll)"
            raise ConnectorError(message)
        raise ConnectorError(f"Telegram {method}: still rate-limited after {self.http.attempts} attempts")

    def send_message(self, chat_id: int | str, text: str, *, reply_to_message_id: int | None = None) -> int:
        """Send ``text`` to a chat (``sendMessage``), as a reply to a message if given (it is sent
        even if that message is gone); the new message's id."""
        reply = (
            {"message_id": reply_to_message_id, "allow_sending_without_reply": True}
            if reply_to_message_id is not None
            else None
        )
        result = self.call("sendMessage", chat_id=chat_id, text=text, reply_parameters=reply)
        message_id = result.get("message_id") if isinstance(result, dict) else None
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise MalformedAnswer("Telegram sendMessage: no message_id in the result")
        return message_id


def _name(user: Any) -> str | None:
    if not isinstance(user, dict):
        return None
    name = " ".join(str(user[k]) for k in ("first_name", "last_name") if user.get(k))
    return name or (str(user["username"]) if user.get("username") else None)


def message_of(checker: Checker, message: Any, raw: dict[str, Any], position: str) -> RawMessage | Rejected:
    """A Bot API Message as a reader record; ``raw`` is the whole update."""
    if not isinstance(message, dict):
        return checker.not_an_object(position, message)
    given = message.get("chat")
    chat: dict[str, Any] = given if isinstance(given, dict) else {}
    chat_id, message_id = chat.get("id"), message.get("message_id")
    external_id = f"{chat_id}_{message_id}" if chat_id is not None and message_id is not None else None
    username = chat.get("username") if chat.get("type") != "private" else None
    sender = message.get("from")
    media = [k for k in MEDIA if message.get(k)]
    reply = message.get("reply_to_message")
    reply_id = reply.get("message_id") if isinstance(reply, dict) else None
    return checker.build(
        position=position,
        record=raw,
        external_id=external_id,
        text=message.get("text") if message.get("text") is not None else message.get("caption"),
        posted_at=message.get("date"),
        empty_reason="message has empty text",
        keep_empty=bool(media),
        url=f"https://t.me/{username}/{message_id}" if isinstance(username, str) and username else None,
        author=_name(sender) if sender else chat.get("title"),
        author_id=sender.get("id") if isinstance(sender, dict) else chat_id,
        parent_id=f"{chat_id}_{reply_id}" if reply_id is not None else None,
    )


def update_records(checker: Checker, update: Any, position: str) -> tuple[list[ReadItem], list[Revision], int]:
    """One update as (records, revisions, skipped): edits keep the first text, a later one is a revision."""
    if not isinstance(update, dict):
        return [checker.not_an_object(position, update)], [], 0
    for kind in MESSAGE_KINDS:
        if kind in update:
            return [message_of(checker, update[kind], update, f"{position}.{kind}")], [], 0
    for kind in EDIT_KINDS:
        if kind in update:
            record = message_of(checker, update[kind], update, f"{position}.{kind}")
            if isinstance(record, Rejected):
                return [record], [], 0
            edited = update[kind].get("edit_date")
            try:
                edited_at: datetime | None = parse_datetime(edited) if edited is not None else None
            except ValueError:
                edited_at = None
            revision = Revision(
                channel=record.channel,
                external_id=record.external_id,
                key=f"edit:{edited if edited is not None else record.text}"[:200],
                text=record.text,
                raw=record.raw,
                edited_at=edited_at,
                message=record,
            )
            return [], [revision], 0
    return [], [], 1  # other updates (joins, button presses) are not residents' messages


@dataclass
class TelegramReader:
    """Polls ``getUpdates``: the first call of a run waits up to ``poll_timeout`` seconds, later ones not."""

    api: TelegramApi
    poll_timeout: int = 0
    max_text_length: int = DEFAULT_MAX_TEXT
    now: datetime | None = None

    def updates(self, params: Mapping[str, Any], cursor: Mapping[str, Any]) -> Iterator[Batch]:
        offset = cursor.get("offset")
        wait = self.poll_timeout
        while True:
            fields = {"offset": offset, "limit": 100, "allowed_updates": ALLOWED, "timeout": wait}
            updates = self.api.call("getUpdates", http_timeout=self.api.http.timeout + wait, **fields)
            wait = 0
            if not isinstance(updates, list):
                raise MalformedAnswer("Telegram getUpdates: the result is not a list")
            if not updates:
                return
            batch = self.batch(updates, offset)
            yield batch
            offset = batch.cursor["offset"]

    def batch(self, updates: list[Any], offset: Any) -> Batch:
        checker = Checker.create("telegram", self.max_text_length, self.now)
        batch = Batch()
        ids = [u["update_id"] for u in updates if isinstance(u, dict) and isinstance(u.get("update_id"), int)]
        for update in updates:
            uid = update.get("update_id") if isinstance(update, dict) else "?"
            items, revisions, skipped = update_records(checker, update, f"update {uid}")
            batch.items.extend(items)
            batch.revisions.extend(revisions)
            batch.skipped += skipped
        if not ids:
            raise MalformedAnswer("Telegram getUpdates: updates without update_id")
        batch.cursor = {"offset": max(ids) + 1}
        return batch
