"""What readers hand to the importer: a message, a rejected record, the counts.

Readers never write to the database. They turn one channel export into a stream
of :class:`RawMessage` (becomes a SourceMessage) and :class:`Rejected` (goes to
the import report), so one bad record never stops an import and nothing is
silently dropped. Problems with the file as a whole raise :class:`ReaderError`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: Channels the app knows; a reader may also be given a configured name.
KNOWN_CHANNELS = ("vk", "telegram", "ok", "pos", "reception", "phone", "manual", "csv")


class ReaderError(Exception):
    """The file as a whole cannot be read (empty, wrong shape, missing columns,
    truncated JSON). ``position`` says where, when known."""

    def __init__(self, message: str, position: str | None = None) -> None:
        super().__init__(f"{position}: {message}" if position else message)
        self.message = message
        self.position = position


@dataclass(frozen=True, slots=True, kw_only=True)
class RawMessage:
    """One message as the channel delivered it, ready to become a SourceMessage.

    ``raw`` is the whole original record (JSON-serialisable, only NUL bytes
    removed because PostgreSQL cannot store them), so triage can be re-run and
    nothing the channel sent is lost. ``author``, ``author_id`` and ``phone``
    are personal data: never show them publicly.
    """

    channel: str
    external_id: str  # unique within the channel: the idempotency key
    text: str
    posted_at: datetime  # timezone-aware, UTC
    raw: dict[str, Any]
    url: str | None = None  # public post URL (VK, public Telegram), else None
    author: str | None = None  # display name
    author_id: str | None = None  # the channel's id of the author
    parent_id: str | None = None  # external_id of the post a comment answers
    category: str | None = None  # the channel's own category label (ПОС)
    status: str | None = None  # the channel's own status (ПОС)
    address: str | None = None  # as written by the operator (receptions)
    phone: str | None = None  # personal data (receptions, phone calls)
    received_by: str | None = None  # who took the message (receptions)
    position: str | None = None  # where in the file, for import reports


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejected:
    """A record the reader could not turn into a message, with the reason.

    ``position`` is a JSON path (``response.items[12]``) or ``line 7``;
    ``raw_excerpt`` is a short JSON/CSV excerpt, safe to put in a report.
    """

    position: str
    reason: str
    raw_excerpt: str
    channel: str | None = None
    external_id: str | None = None


@dataclass(slots=True)
class ReadStats:
    """Counts filled in by a reader while it runs; pass one in to get them.

    Skipped records (Telegram service messages, blank CSV lines) are not
    errors, so they are counted here instead of being yielded as Rejected.
    """

    messages: int = 0
    rejected: int = 0
    skipped: int = 0
    skipped_reasons: Counter[str] = field(default_factory=Counter)

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.skipped_reasons[reason] += 1

    def count(self, item: RawMessage | Rejected) -> None:
        if isinstance(item, RawMessage):
            self.messages += 1
        else:
            self.rejected += 1


ReadItem = RawMessage | Rejected
