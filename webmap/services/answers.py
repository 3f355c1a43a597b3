"""Answering a resident: the template an answer starts from, where it goes, and posting it back.

A case that came from a public post (VK, Telegram) is answered there through the monitoring
connectors when the channel's token is configured: VK ``wall.createComment`` under the post (a
reply to the comment when the case came from a comment), Telegram ``sendMessage`` replying to the
message. Without a token, or for Odnoklassniki (no posting), the answer is kept «к отправке» for
the operator to copy. Cases from ПОС, receptions, phone and other non-public channels are
answered officially: the text is kept for the official reply. Whatever the channel said is kept
on the answer (its id, or the error in words without tokens); a failed answer may be retried.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import nulls_last, or_, select

from webmap.connectors.errors import ConnectorError, redact
from webmap.errors import BadInput
from webmap.extensions import db
from webmap.models import Answer, AnswerTemplate, Appeal, SourceMessage, User
from webmap.models.answers import MAX_ANSWER
from webmap.models.vocab import ANSWER_STATE, PUBLIC

POSTED = ("vk", "telegram")  # channels an answer is posted back to (their connectors can post)
SOCIAL = ("vk", "telegram", "ok")  # public posts: answered where they were written
PLACEHOLDERS = ("{номер}", "{адрес}", "{срок}", "{работа}", "{категория}")


def best_template(category: str | None, status: str | None) -> AnswerTemplate | None:
    """The template for this category and status, else for the category, else for the status, else for any."""
    return db.session.scalars(
        select(AnswerTemplate)
        .where(
            or_(AnswerTemplate.category_code == category, AnswerTemplate.category_code.is_(None)),
            or_(AnswerTemplate.status == status, AnswerTemplate.status.is_(None)),
        )
        .order_by(AnswerTemplate.category_code.is_(None), AnswerTemplate.status.is_(None), AnswerTemplate.id)
        .limit(1)
    ).first()


def fill(text: str, appeal: Appeal, tz: str = "Asia/Yekaterinburg") -> str:
    """``text`` with the placeholders replaced by the case's values (other braces are left alone)."""
    deadline = appeal.deadline.astimezone(ZoneInfo(tz)).strftime("%d.%m.%Y") if appeal.deadline else ""
    values = {
        "{номер}": str(appeal.id),
        "{адрес}": appeal.address or "",
        "{срок}": deadline,
        "{работа}": ", ".join(w.type.name_ru for w in appeal.works),
        "{категория}": appeal.category.name_ru if appeal.category else "",
    }
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def draft(appeal: Appeal, tz: str = "Asia/Yekaterinburg") -> str:
    """The text an operator's answer starts from: the best template, filled; empty without one."""
    template = best_template(appeal.category_code, appeal.status)
    return fill(template.text, appeal, tz) if template else ""


def target(appeal: Appeal) -> tuple[str, SourceMessage | None]:
    """Where the case is answered: its first public post (channel, message), else officially in the
    channel of its first message (no message to reply to)."""
    messages = list(appeal.messages)
    for message in messages:
        if message.channel in SOCIAL and message.deleted_at is None:
            return message.channel, message
    return (messages[0].channel if messages else "manual"), None


def answer_case(appeal: Appeal, text: str, author: User | None, cfg: Mapping[str, Any]) -> Answer:
    """Keep an answer to ``appeal`` and post it where the case came from (see the module's doc)."""
    text = (text or "").strip()
    if not text:
        raise BadInput("answer_empty")
    if len(text) > MAX_ANSWER:
        raise BadInput("answer_too_long", limit=MAX_ANSWER)
    channel, message = target(appeal)
    answer = Answer(appeal=appeal, text=text, author=author, channel=channel, message=message, state="to_send")
    db.session.add(answer)
    if message is None:
        answer.state = "official"
    else:
        deliver(answer, cfg)
    db.session.flush()
    return answer


def retry(answer: Answer, cfg: Mapping[str, Any]) -> Answer:
    """Post again an answer the channel refused (or one waiting for a token that is now set)."""
    if answer.state not in ("failed", "to_send") or answer.message is None:
        raise BadInput("answer_not_retried")
    deliver(answer, cfg)
    db.session.flush()
    return answer


def _token(cfg: Mapping[str, Any], channel: str) -> str:
    return str(cfg.get({"vk": "WEBMAP_VK_TOKEN", "telegram": "WEBMAP_TELEGRAM_TOKEN"}.get(channel, "")) or "")


def deliver(answer: Answer, cfg: Mapping[str, Any]) -> None:
    """Post ``answer`` to its message's channel; its state, id, error and time say what happened."""
    message = answer.message
    if message is None or answer.channel not in POSTED or not _token(cfg, answer.channel):
        answer.state, answer.error = "to_send", None
        return
    from webmap.monitor.clients import secrets

    try:
        if answer.channel == "vk":
            external = _post_vk(message, answer.text, cfg)
        else:
            external = _post_telegram(message, answer.text, cfg)
    except ConnectorError as exc:
        answer.state, answer.error = "failed", redact(str(exc), secrets(cfg))[:1000]
        return
    except ValueError:
        answer.state, answer.error = "failed", f"the message id {message.external_id!r} names no post to answer"
        return
    answer.state, answer.external_id, answer.error, answer.sent_at = "sent", external, None, datetime.now(UTC)


def _post_vk(message: SourceMessage, text: str, cfg: Mapping[str, Any]) -> str:
    """``owner_post`` or ``owner_post_comment`` (the readers' ids) → a comment under the post."""
    from webmap.monitor.clients import vk_api

    parts = [int(p) for p in message.external_id.split("_")]
    if len(parts) not in (2, 3):
        raise ValueError(message.external_id)
    owner, post = parts[0], parts[1]
    reply_to = parts[2] if len(parts) == 3 else None
    comment = vk_api(cfg).create_comment(
        owner, post, text, reply_to_comment=reply_to, from_group=_flag(cfg.get("WEBMAP_VK_FROM_GROUP", True))
    )
    return f"{owner}_{post}_{comment}"


def _flag(value: Any) -> bool:
    """A setting that may come from the environment as text ("0", "false", "no" are off)."""
    return value.strip().lower() not in ("", "0", "false", "no", "off") if isinstance(value, str) else bool(value)


def _post_telegram(message: SourceMessage, text: str, cfg: Mapping[str, Any]) -> str:
    """``chat_message`` (the readers' id) → a reply in the same chat."""
    from webmap.monitor.clients import telegram_api

    chat, _, message_id = message.external_id.rpartition("_")
    sent = telegram_api(cfg).send_message(int(chat), text, reply_to_message_id=int(message_id))
    return f"{chat}_{sent}"


def answers_of(appeal_id: int) -> list[Answer]:
    """A case's answers, oldest first."""
    return list(
        db.session.scalars(select(Answer).where(Answer.appeal_id == appeal_id).order_by(Answer.created_at, Answer.id))
    )


def last_public_answer_raw(appeal_id: int) -> Answer | None:
    """The case's last answer that reached the resident or the official reply (not yet redacted:
    public pages use webmap.maps.answers.last_public_answer)."""
    return db.session.scalars(
        select(Answer)
        .where(Answer.appeal_id == appeal_id, Answer.state.in_(ANSWER_STATE.group(PUBLIC)))
        .order_by(nulls_last(Answer.created_at.desc()), Answer.id.desc())
        .limit(1)
    ).first()
