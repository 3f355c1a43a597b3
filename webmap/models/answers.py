"""The centre's answers to residents (Answer) and the texts they start from (AnswerTemplate).

An answer is kept whatever became of it: its ``state`` (webmap.models.vocab.ANSWER_STATE) says
whether the channel took it (with the id it gave), refused it (the error in words, never a
token), or whether it waits for the operator to copy it or for the official reply.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webmap.extensions import Model
from webmap.models.vocab import ANSWER_STATE, APPEAL_STATUS, CHANNEL

if TYPE_CHECKING:
    from webmap.models.cases import Appeal, SourceMessage
    from webmap.models.users import User

MAX_ANSWER = 4000  # a VK comment and a Telegram message both take 4096 characters


class Answer(Model):
    """One reply of the centre to a case, and where it went."""

    __tablename__ = "answers"
    __table_args__ = (
        CheckConstraint(ANSWER_STATE.check("state"), name="state"),
        CheckConstraint(CHANNEL.check("channel"), name="channel"),
        # the dashboard's first answer per case and the public popup's last one
        Index("ix_answers_appeal_created", "appeal_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    channel: Mapped[str] = mapped_column(String(32))  # where it goes: the channel of the message answered
    # the message answered (a public post to comment on or reply to); None for an official reply
    message_id: Mapped[int | None] = mapped_column(ForeignKey("source_messages.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str | None] = mapped_column(String(200))  # the posted reply's id in the channel
    error: Mapped[str | None] = mapped_column(Text)  # why the channel refused it, in words
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    appeal: Mapped[Appeal] = relationship()
    author: Mapped[User | None] = relationship()
    message: Mapped[SourceMessage | None] = relationship()

    def __repr__(self) -> str:
        return f"<Answer {self.id} case {self.appeal_id} {self.channel} {self.state}>"


class AnswerTemplate(Model):
    """A reply text for a category and a status (None: any), with {номер}, {адрес}, {срок}, {работа},
    {категория} filled from the case when an operator starts an answer from it."""

    __tablename__ = "answer_templates"
    __table_args__ = (CheckConstraint(f"status IS NULL OR {APPEAL_STATUS.check('status')}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code", ondelete="CASCADE"), index=True)
    status: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def __repr__(self) -> str:
        return f"<AnswerTemplate {self.id} {self.category_code or '*'} {self.status or '*'}>"
