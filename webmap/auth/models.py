"""The log of login attempts that login throttling counts (shared by every process)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from webmap.extensions import Model
from webmap.models.constants import sql_in

OUTCOMES = ("success", "failure", "locked")


class LoginAttempt(Model):
    """One POST of the login form that passed form validation.

    ``username`` is what was typed (normalised), whether or not such a user exists;
    ``locked`` attempts were refused unchecked and do not count as failures.
    """

    __tablename__ = "login_attempts"
    __table_args__ = (
        CheckConstraint(sql_in("outcome", OUTCOMES), name="outcome"),
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
    username: Mapped[str] = mapped_column(String(100))
    ip: Mapped[str] = mapped_column(String(45))
    outcome: Mapped[str] = mapped_column(String(10))

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.username} {self.ip} {self.outcome} {self.at:%Y-%m-%d %H:%M:%S}>"
