"""What operators teach the category model: every category an operator sets on a case."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webmap.extensions import Model

if TYPE_CHECKING:
    from webmap.models.users import User


class CategoryExample(Model):
    """A labelled example from an operator: the case's message texts as they were, and the category chosen.

    The text is copied, not joined at training time, because messages move
    between cases (merge, split) after the operator decided.
    """

    __tablename__ = "category_examples"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    previous_code: Mapped[str | None] = mapped_column(String(50))  # what triage (or another operator) had said
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)

    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<CategoryExample {self.id} {self.category_code}>"
