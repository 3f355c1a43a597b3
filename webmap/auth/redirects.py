"""Where to send a user after logging in: a ``next`` of this site only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: Any) -> str | None:
    """``target`` if it is a relative path on this site, else None.

    Refused: absolute URLs (``https://evil.com``), scheme-relative ones
    (``//evil.com``), backslashes (``/\\evil.com``, which browsers read as
    ``//``), control characters and whitespace (browsers drop tabs and newlines,
    turning ``/\\t/evil.com`` into ``//evil.com``), and anything not starting with ``/``.
    """
    if not isinstance(target, str) or not target or len(target) > 2000:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def default_home() -> str:
    """Where a user lands after logging in without a ``next``."""
    return url_for("public.index")
