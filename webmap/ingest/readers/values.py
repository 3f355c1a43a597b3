"""Field-level cleaning shared by all readers: text, dates, ids, excerpts.

Kept deliberately small: readers keep text as the channel sent it (HTML, SQL
and markup stay literal text; escaping is the template's job) and only remove
what the database cannot store (NUL) and whitespace at the ends.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

#: Naive times in exports are local times of the town.
TOWN_TZ = ZoneInfo("Asia/Yekaterinburg")
#: Default limit on message text; longer records are rejected, not cut.
DEFAULT_MAX_TEXT = 20_000
#: A posted_at more than this far ahead of "now" is a broken clock or field.
FUTURE_TOLERANCE = timedelta(days=1)
#: Anything older is a zero/garbage timestamp, not a citizen message.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)

_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_str(value: str) -> str:
    """Remove NUL (PostgreSQL text cannot hold it) and replace lone
    surrogates (not encodable as UTF-8) by U+FFFD; nothing else changes."""
    if _BAD_CHARS.search(value) is None:
        return value
    return _BAD_CHARS.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)


def clean_text(value: Any) -> str:
    """Message text: a string, cleaned, whitespace stripped only at the ends."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return clean_str(value).strip()


_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


def decode_markup(value: Any) -> Any:
    """The stored text of a channel that sends escaped text (VK, OK): ``<br>`` becomes a line
    break and HTML entities (``&quot;``, ``&amp;``, ``&#33;``) their characters.

    The one place stored text is decoded; ``raw`` keeps what the channel sent. Other tags
    and mentions (``[id123|Имя]``, personal data) stay literal: templates escape them.
    """
    if not isinstance(value, str) or ("&" not in value and "<" not in value):
        return value
    return html.unescape(_BR.sub("\n", value))


def clean_optional(value: Any) -> str | None:
    """An optional short field (author, address...): cleaned, None when blank."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = clean_text(value)
    return text or None


def clean_raw(value: Any) -> Any:
    """The original record made storable as JSONB: strings and keys cleaned,
    nothing else changed. Records without NUL or lone surrogates (nearly all)
    are returned as they are after one fast C-level check."""
    if isinstance(value, (dict, list)):
        try:
            dumped = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):
            dumped = None
        if dumped is not None and "\\u0000" not in dumped and _SURROGATE.search(dumped) is None:
            return value
    return _clean_tree(value)


def _clean_tree(value: Any) -> Any:
    if isinstance(value, str):
        return clean_str(value)
    if isinstance(value, dict):
        return {clean_str(str(k)): _clean_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_tree(v) for v in value]
    return value


def _shorten(value: Any, limit: int) -> Any:
    if isinstance(value, str):
        return value if len(value) <= limit else f"{value[:limit]}… [{len(value)} chars]"
    if isinstance(value, dict):
        return {k: _shorten(v, limit) for k, v in list(value.items())[:30]}
    if isinstance(value, list):
        return [_shorten(v, limit) for v in value[:10]]
    return value


def excerpt(record: Any, limit: int = 500) -> str:
    """A short printable excerpt of a record for a report.

    Long strings are cut *before* serialising, so a 10 MB field costs nothing.
    """
    try:
        text = json.dumps(_shorten(record, 200), ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(record)[: limit * 2]
    text = clean_str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stable_id(*parts: str | None) -> str:
    """A stable id from the fields that identify a record with no id of its
    own, so that importing the same file twice yields the same ids."""
    joined = "\x1f".join(p or "" for p in parts)
    return "h" + hashlib.sha256(joined.encode("utf-8")).hexdigest()[:24]


#: dd.mm.yyyy[ HH:MM[:SS]], the Russian office format (yy means 20yy).
_RU_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def to_utc(moment: datetime) -> datetime:
    """Aware UTC; a naive time is taken as the town's local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=TOWN_TZ)
    return moment.astimezone(UTC)


def parse_datetime(value: Any) -> datetime:
    """A channel timestamp as an aware UTC datetime.

    Accepts unix seconds (int, float, or a 9-10 digit string), ISO 8601 (with
    or without offset, ``Z`` allowed), ``dd.mm.yyyy[ HH:MM[:SS]]``. Naive
    values are in the town's zone. Raises ValueError when unparseable.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"no date: {value!r}")
    if isinstance(value, (int, float)):
        return _from_unix(value)
    if isinstance(value, datetime):
        return to_utc(value)
    if isinstance(value, date):
        return to_utc(datetime(value.year, value.month, value.day))
    if not isinstance(value, str):
        raise ValueError(f"unparseable date {value!r}")
    text = " ".join(value.split())
    if text.isdigit() and 9 <= len(text) <= 10:
        return _from_unix(int(text))
    if text.isdigit() and len(text) == 13:  # milliseconds
        return _from_unix(int(text) / 1000)
    try:
        if match := _RU_DATE.fullmatch(text):
            day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
            return to_utc(datetime(year + 2000 if year < 100 else year, month, day, hour, minute, second))
        return to_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise ValueError(f"unparseable date {value!r}") from None


def _from_unix(seconds: float) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"timestamp out of range: {seconds!r}") from exc
