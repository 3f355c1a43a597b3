"""Edits and deletions of stored messages: kept beside them, never written over them.

A SourceMessage keeps the text it arrived with; an edit becomes a
MessageRevision (once per ``key``), a deletion sets ``deleted_at`` and a
restore clears it. Nothing here commits: callers commit with what they cover.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from webmap.extensions import db
from webmap.ingest.readers import RawMessage
from webmap.models import MessageRevision, SourceMessage


@dataclass(frozen=True, slots=True)
class Revision:
    """A later text of a message (an edit). ``message`` is stored instead when the original never arrived."""

    channel: str
    external_id: str
    key: str  # idempotency: the same edit seen twice is kept once
    text: str
    raw: dict[str, Any]
    edited_at: datetime | None
    message: RawMessage | None = None


@dataclass(frozen=True, slots=True)
class Deletion:
    """The channel says a message was deleted (``deleted``) or restored."""

    channel: str
    external_id: str
    deleted: bool
    at: datetime


def message_ids(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Ids of the stored messages among (channel, external_id) pairs."""
    wanted = list(set(keys))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(SourceMessage.channel, SourceMessage.external_id, SourceMessage.id).where(
            tuple_(SourceMessage.channel, SourceMessage.external_id).in_(wanted)
        )
    )
    return {(ch, ext): id_ for ch, ext, id_ in rows}


def store_revisions(revisions: list[Revision]) -> tuple[int, list[RawMessage]]:
    """Keep the edits of known messages; returns (revisions stored, messages never seen before).

    An edit of a message that never arrived is that message: the caller stores it as new.
    """
    known = message_ids((r.channel, r.external_id) for r in revisions)
    rows, unseen = [], []
    for r in revisions:
        message_id = known.get((r.channel, r.external_id))
        if message_id is None:
            if r.message is not None:
                unseen.append(r.message)
            continue
        rows.append({"message_id": message_id, "key": r.key, "text": r.text, "raw": r.raw, "edited_at": r.edited_at})
    if not rows:
        return 0, unseen
    statement = (
        pg_insert(MessageRevision)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["message_id", "key"])
        .returning(MessageRevision.id)
    )
    return len(db.session.execute(statement).all()), unseen


def mark_deletions(deletions: list[Deletion]) -> int:
    """Mark messages deleted (or restored); the message and its raw payload stay. Returns rows marked."""
    marked = 0
    for d in deletions:
        result = db.session.execute(
            update(SourceMessage)
            .where(SourceMessage.channel == d.channel, SourceMessage.external_id == d.external_id)
            .values(deleted_at=d.at if d.deleted else None)
            .execution_options(synchronize_session=False)
        )
        marked += getattr(result, "rowcount", 0) or 0  # an UPDATE's CursorResult
    return marked
