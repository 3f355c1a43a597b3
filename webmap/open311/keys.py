"""API keys of client systems: made, checked and revoked here; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from sqlalchemy import select, update

from webmap.extensions import db
from webmap.models import ApiKey

KEY_BYTES = 32
MAX_KEY_CHARS = 200  # anything longer is not a key of ours: refused before hashing


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyNameTaken(ValueError):
    pass


def create_key(name: str) -> tuple[ApiKey, str]:
    """A new key for ``name``; returns the row and the key itself (shown once, never stored)."""
    if db.session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise KeyNameTaken(name)
    key = secrets.token_urlsafe(KEY_BYTES)
    row = ApiKey(name=name, key_hash=key_hash(key))
    db.session.add(row)
    db.session.flush()
    return row, key


def valid_key(key: str | None) -> ApiKey | None:
    """The live key row matching ``key`` (marking it used), or None."""
    if not key or len(key) > MAX_KEY_CHARS:
        return None
    wanted = key_hash(key)
    row = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == wanted, ApiKey.revoked_at.is_(None)))
    if row is None or not hmac.compare_digest(row.key_hash, wanted):
        return None
    db.session.execute(update(ApiKey).where(ApiKey.id == row.id).values(last_used_at=datetime.now(UTC)))
    return row


def revoke_key(name: str) -> ApiKey | None:
    row = db.session.scalar(select(ApiKey).where(ApiKey.name == name))
    if row is not None and row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
    return row
