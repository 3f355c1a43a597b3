"""Users: name and password rules, look-up, and a timing-safe password check."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from webmap.extensions import db
from webmap.models import User

USERNAME_MAX = 100  # users.username is String(100)
# Letters (Cyrillic too), digits, '_', '.', '@', '-': no spaces, quotes or control characters.
USERNAME_PATTERN = re.compile(r"^[\w.@-]+$")
PASSWORD_MIN = 10
PASSWORD_MAX = 1024  # hashing a longer string only costs time

_dummy_hash: str | None = None


def normalize_username(name: str) -> str:
    """Usernames are stored and compared stripped and lower-case."""
    return name.strip().lower()


def username_problem(name: str) -> str | None:
    """Why ``name`` cannot be a username (English, for the CLI), or None."""
    if len(name) < 2:
        return "a username has at least 2 characters"
    if len(name) > USERNAME_MAX:
        return f"a username has at most {USERNAME_MAX} characters"
    if not USERNAME_PATTERN.match(name):
        return "a username may hold letters, digits and . _ @ - only"
    return None


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why ``password`` is refused (English, for the CLI), or None. Never includes the password."""
    if len(password) < PASSWORD_MIN:
        return f"the password is too short: at least {PASSWORD_MIN} characters"
    if len(password) > PASSWORD_MAX:
        return f"the password is too long: at most {PASSWORD_MAX} characters"
    if "\x00" in password:
        return "the password must not contain NUL characters"
    if username and password.strip().lower() == username.lower():
        return "the password must differ from the username"
    return None


def find_user(username: str) -> User | None:
    """The user of that name, compared case-insensitively (active or not)."""
    return db.session.scalars(
        select(User).where(func.lower(User.username) == normalize_username(username)).order_by(User.id)
    ).first()


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = generate_password_hash(secrets.token_urlsafe(24))  # same method as real ones
    return _dummy_hash


def verify_password(user: User | None, password: str) -> bool:
    """Check ``password``; with no user, spend the same time on a dummy hash and say no."""
    if user is None:
        check_password_hash(_dummy(), password)
        return False
    return user.check_password(password)
