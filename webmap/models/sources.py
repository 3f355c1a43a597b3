"""Watched places (Source), edits of stored messages (MessageRevision), webhook events (HookEvent).

A SourceMessage is never rewritten: an edit a channel reports becomes a
MessageRevision beside it, a deletion a mark (``SourceMessage.deleted_at``).
A Source's ``cursor`` says what was read last; it is written in the same
transaction as the messages it covers, so a run killed at any point resumes
where its last commit left it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from webmap.extensions import Model
from webmap.models.constants import SOURCE_KINDS, SOURCE_STATES, sql_in


class Source(Model):
    """A thing to watch: a VK wall or search, a Telegram bot, an OK group."""

    __tablename__ = "sources"
    __table_args__ = (
        UniqueConstraint("kind", "key"),
        CheckConstraint(sql_in("kind", SOURCE_KINDS), name="kind"),
        CheckConstraint(sql_in("state", SOURCE_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # What identifies the place within its kind (owner id, query and area, group id): no two alike.
    key: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    state: Mapped[str] = mapped_column(String(20), default="active", server_default="active")
    cursor: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    interval_s: Mapped[int] = mapped_column(Integer, default=300, server_default="300")
    next_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_ok_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)  # in words, never with a token
    taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # messages stored
    revised: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # edits and deletions kept
    rejected: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # records refused
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def channel(self) -> str:
        """The SourceMessage channel of what this source brings."""
        return self.kind.split("-", 1)[0]

    def __repr__(self) -> str:
        return f"<Source {self.id} {self.kind} {self.key} {self.state}>"


class MessageRevision(Model):
    """A later text of a stored message (an edit); ``key`` makes storing it idempotent."""

    __tablename__ = "message_revisions"
    __table_args__ = (UniqueConstraint("message_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("source_messages.id"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    raw: Mapped[dict[str, Any]] = mapped_column(JSONB)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class HookEvent(Model):
    """An event a channel pushed (VK Callback API, Telegram webhook), kept once by its id."""

    __tablename__ = "hook_events"
    __table_args__ = (UniqueConstraint("channel", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    outcome: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
