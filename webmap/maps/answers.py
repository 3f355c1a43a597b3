"""The centre's answer as the public may read it: the last one sent or kept for the official reply,
redacted like every public text, and with the names of the case's authors removed as well (an
answer often begins with the resident's name, which the name finder may not know)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import nulls_last, select

from webmap.extensions import db
from webmap.models import Answer, SourceMessage, work_appeals
from webmap.models.vocab import ANSWER_STATE, PUBLIC
from webmap.privacy import public_text
from webmap.services.answers import last_public_answer_raw

NAME_PLACEHOLDER = "[имя]"
MIN_NAME_PART = 3  # shorter parts ("Ян") are left to the name finder, not to blind replacement


def _without_authors(text: str, appeal_id: int) -> str:
    """``text`` with every author name of the case's messages (whole, and each word of it) replaced."""
    names = db.session.scalars(
        select(SourceMessage.author).where(SourceMessage.appeal_id == appeal_id, SourceMessage.author.is_not(None))
    )
    parts: set[str] = set()
    for name in names:
        words = [w for w in re.split(r"[\s,.]+", name or "") if len(w) >= MIN_NAME_PART]
        parts.update(words)
    for part in sorted(parts, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(part)}\w*", NAME_PLACEHOLDER, text, flags=re.IGNORECASE)
    return text


def public_answer_text(answer: Answer) -> str | None:
    return public_text(_without_authors(answer.text, answer.appeal_id))


def last_public_answer(appeal_id: int) -> str | None:
    """The case's last answer the resident got (sent, or the official reply), safe to publish; None if none.

    For other public surfaces too (Open311 ``status_notes``)."""
    answer = last_public_answer_raw(appeal_id)
    return public_answer_text(answer) if answer is not None else None


def last_public_work_answer(work_id: int) -> str | None:
    """The last public answer to any case a work answers, safe to publish."""
    answer = db.session.scalars(
        select(Answer)
        .join(work_appeals, work_appeals.c.appeal_id == Answer.appeal_id)
        .where(work_appeals.c.work_id == work_id, Answer.state.in_(ANSWER_STATE.group(PUBLIC)))
        .order_by(Answer.created_at.desc(), Answer.id.desc())
        .limit(1)
    ).first()
    return public_answer_text(answer) if answer is not None else None


def last_public_answers(appeal_ids: Iterable[int]) -> dict[int, str]:
    """:func:`last_public_answer` of many cases in one query (an Open311 GET lists up to 1000)."""
    ids = sorted(set(appeal_ids))
    if not ids:
        return {}
    answers = db.session.scalars(
        select(Answer)
        .where(Answer.appeal_id.in_(ids), Answer.state.in_(ANSWER_STATE.group(PUBLIC)))
        .order_by(Answer.appeal_id, nulls_last(Answer.created_at.desc()), Answer.id.desc())
        .distinct(Answer.appeal_id)
    )
    out: dict[int, str] = {}
    for answer in answers:
        text = public_answer_text(answer)
        if text:
            out[answer.appeal_id] = text
    return out
