"""Channel readers: turn one channel export into RawMessage / Rejected items.

A reader is a generator ``reader(source, **options)`` over a path or a binary
stream; it streams (one record in memory at a time) and never touches the
database. Bad records come out as :class:`Rejected` with a reason so that an
import can go on and report; a file that cannot be read at all raises
:class:`ReaderError`. Pass a :class:`ReadStats` as ``stats=`` to get counts,
including records skipped on purpose (Telegram service messages).

Common keyword options: ``channel`` (required for ``csv``/``json``),
``max_text_length`` (default 20,000), ``now`` (aware datetime, for the
future-date check), ``stats``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .generic import MappingError, read_csv, read_json
from .pos import read_pos
from .reception import read_reception
from .records import (
    KNOWN_CHANNELS,
    RawMessage,
    ReaderError,
    ReadItem,
    ReadStats,
    Rejected,
)
from .sources import Source
from .telegram import read_telegram
from .values import DEFAULT_MAX_TEXT, TOWN_TZ
from .vk import read_vk

Reader = Callable[..., Iterator[ReadItem]]

#: kind -> reader; ``csv`` and ``json`` need ``channel=`` and ``mapping=``.
READERS: dict[str, Reader] = {
    "vk": read_vk,
    "telegram": read_telegram,
    "pos": read_pos,
    "reception": read_reception,
    "csv": read_csv,
    "json": read_json,
}


def get_reader(kind: str) -> Reader:
    """The reader for an export kind; ValueError lists the known kinds."""
    try:
        return READERS[kind.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown reader {kind!r}; known: {', '.join(READERS)}") from None


def read(kind: str, source: Source, **options: Any) -> Iterator[ReadItem]:
    """Shortcut: ``get_reader(kind)(source, **options)``."""
    return get_reader(kind)(source, **options)


__all__ = [
    "DEFAULT_MAX_TEXT",
    "KNOWN_CHANNELS",
    "READERS",
    "TOWN_TZ",
    "MappingError",
    "RawMessage",
    "ReadItem",
    "ReadStats",
    "Reader",
    "ReaderError",
    "Rejected",
    "Source",
    "get_reader",
    "read",
    "read_csv",
    "read_json",
    "read_pos",
    "read_reception",
    "read_telegram",
    "read_vk",
]
