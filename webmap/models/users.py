"""People who use the system, and the audit trail of what they changed."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, Text, event, func
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webmap.extensions import Model
from webmap.models.constants import ROLES, sql_in


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(sql_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Part of every session and remember-me token (webmap.auth.session): raising it ends them all.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @property
    def is_active(self) -> bool:  # flask-login refuses disabled users
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Make every session and remember-me cookie of this user invalid (at its next request)."""
        self.session_version = (self.session_version or 1) + 1

    def session_token(self, issued: int | None = None) -> str:
        """A token for a login starting now (or at ``issued``, Unix seconds): id, session version, time.

        webmap.auth.session reads and checks it on every request."""
        return f"{self.id}:{self.session_version or 1}:{int(time.time()) if issued is None else issued}"

    def begin_login(self) -> None:
        """A login starts: its token is new, whatever token this object was loaded with before."""
        self._session_token = self.session_token()

    def get_id(self) -> str:
        """flask-login's token: the one this request's user came with, or a new one for a fresh login."""
        token: str | None = getattr(self, "_session_token", None)  # set by webmap.auth.session.load_user
        if token is None:
            token = self._session_token = self.session_token()
        return token

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


def _credentials_changed(target: User, value: Any, oldvalue: Any, initiator: Any) -> None:
    """A new password, role, or a disable/enable ends the user's sessions everywhere."""
    if target.id is not None and value != oldvalue:
        target.end_sessions()


for _attribute in (User.password_hash, User.role, User.active):
    event.listen(_attribute, "set", _credentials_changed, active_history=True)


class StatusChange(Model):
    """Who changed what, when, from, to and why: the audit trail of cases and works."""

    __tablename__ = "status_changes"
    __table_args__ = (CheckConstraint("(appeal_id IS NULL) <> (work_id IS NULL)", name="one_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), index=True)
    work_id: Mapped[int | None] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    field: Mapped[str] = mapped_column(String(50), default="status")
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship()
