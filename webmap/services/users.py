"""Accounts: create, change role, disable and enable, reset the password; every change audited.

The admin page and the ``webmap users`` commands share these rules: usernames and passwords
as webmap.auth.accounts says, and the last active admin can be neither demoted nor disabled.
``actor`` is who did it (None: the command line).
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, select

from webmap.auth.accounts import find_user, normalize_username, password_problem, username_problem
from webmap.errors import BadInput, NotFound
from webmap.extensions import db
from webmap.models import User, UserChange
from webmap.models.constants import ROLES


def record(user: User, action: str, old: str | None, new: str | None, actor: User | None) -> None:
    db.session.add(UserChange(user=user, action=action, old_value=old, new_value=new, actor=actor))


def is_last_active_admin(user: User) -> bool:
    if user.role != "admin" or not user.active:
        return False
    admins = db.session.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.active))
    return (admins or 0) <= 1


def user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("no_user")
    return user


def create_user(username: str, role: str, full_name: str | None, password: str, actor: User | None) -> User:
    username = normalize_username(username)
    if username_problem(username):
        raise BadInput("username_invalid")
    if find_user(username) is not None:
        raise BadInput("username_taken", name=username)
    if role not in ROLES:
        raise BadInput("unknown_role")
    if password_problem(password, username):
        raise BadInput("password_invalid")
    user = User(username=username, role=role, full_name=(full_name or "").strip()[:200] or None, active=True)
    user.set_password(password)
    db.session.add(user)
    record(user, "create", None, role, actor)
    return user


def change_role(user: User, role: str, actor: User | None) -> None:
    if role not in ROLES:
        raise BadInput("unknown_role")
    if role == user.role:
        return
    if role != "admin" and is_last_active_admin(user):
        raise BadInput("last_admin", name=user.username)
    record(user, "role", user.role, role, actor)
    user.role = role


def set_active(user: User, active: bool, actor: User | None) -> None:
    if active == user.active:
        return
    if not active and is_last_active_admin(user):
        raise BadInput("last_admin", name=user.username)
    record(user, "enable" if active else "disable", None, None, actor)
    user.active = active


def set_password(user: User, password: str, actor: User | None) -> None:
    if password_problem(password, user.username):
        raise BadInput("password_invalid")
    user.set_password(password)
    record(user, "password", None, None, actor)


def reset_password(user: User, actor: User | None) -> str:
    """A new random password for ``user`` (shown once to the admin); the old sessions end."""
    password = secrets.token_urlsafe(12)
    set_password(user, password, actor)
    return password


def recent_changes(limit: int = 50) -> list[UserChange]:
    return list(
        db.session.scalars(select(UserChange).order_by(UserChange.at.desc(), UserChange.id.desc()).limit(limit))
    )
