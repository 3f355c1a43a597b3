"""The checks every record passes, in one place so all channels agree.

A reader collects the channel's fields and calls :meth:`Checker.build`; it
gets back a RawMessage, or a Rejected whose reason says what was wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .records import RawMessage, Rejected
from .values import (
    DEFAULT_MAX_TEXT,
    EARLIEST,
    FUTURE_TOLERANCE,
    clean_optional,
    clean_raw,
    clean_text,
    excerpt,
    parse_datetime,
)


@dataclass(slots=True)
class Checker:
    """Options shared by all readers plus the record checks that use them.

    ``now`` is fixed when the reader starts (tests pass their own) so that a
    long import judges "future" against one clock.
    """

    channel: str
    max_text_length: int = DEFAULT_MAX_TEXT
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: Whether records may hold NUL/lone surrogates and need ``clean_raw``;
    #: readers narrow it (CSV rows are already clean, see Peeked.dirty).
    dirty: Callable[[], bool] = lambda: True

    @classmethod
    def create(cls, channel: str, max_text_length: int, now: datetime | None) -> Checker:
        """A checker with ``now`` defaulting to the current time."""
        if now is None:
            return cls(channel, max_text_length)
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return cls(channel, max_text_length, now)

    def reject(self, position: str, reason: str, record: Any, external_id: str | None = None) -> Rejected:
        return Rejected(
            position=position,
            reason=reason,
            raw_excerpt=excerpt(record),
            channel=self.channel,
            external_id=external_id,
        )

    def not_an_object(self, position: str, record: Any) -> Rejected:
        return self.reject(position, f"record is a {type(record).__name__}, not an object", record)

    def build(
        self,
        *,
        position: str,
        record: Any,
        external_id: Any,
        text: Any,
        posted_at: Any,
        empty_reason: str | Callable[[], str] | None = None,
        keep_empty: bool = False,
        **extra: Any,
    ) -> RawMessage | Rejected:
        """Validate and assemble one message.

        ``posted_at`` may be raw (parsed here) or an aware datetime.
        ``empty_reason`` (a string, or a function called only when needed)
        overrides the generic "empty text" reason. ``keep_empty`` keeps a
        message with no text (a post of photos only waits for an operator). Extra keyword fields go to RawMessage; string
        values are cleaned and blanks become None.
        """
        if not isinstance(record, dict):
            return self.not_an_object(position, record)
        ext = clean_optional(external_id)
        if ext is None:
            return self.reject(position, "missing id", record)
        body = clean_text(text)
        if not body and not keep_empty:
            reason = empty_reason() if callable(empty_reason) else empty_reason
            return self.reject(position, reason or "empty text", record, ext)
        if len(body) > self.max_text_length:
            return self.reject(
                position,
                f"text is {len(body):,} characters, over the limit of {self.max_text_length:,}",
                record,
                ext,
            )
        if posted_at is None or posted_at == "":
            return self.reject(position, "missing date", record, ext)
        try:
            moment = parse_datetime(posted_at)
        except ValueError as exc:
            return self.reject(position, str(exc), record, ext)
        if moment > self.now + FUTURE_TOLERANCE:
            return self.reject(position, f"date {moment.isoformat()} is in the future", record, ext)
        if moment < EARLIEST:
            return self.reject(position, f"date {moment.isoformat()} is before {EARLIEST.year}", record, ext)
        fields = {k: clean_optional(v) for k, v in extra.items()}
        return RawMessage(
            channel=self.channel,
            external_id=ext,
            text=body,
            posted_at=moment,
            raw=clean_raw(record) if self.dirty() else record,
            position=position,
            **fields,
        )
