"""Any other system's CSV, JSON or JSON Lines export, given a column mapping.

The caller names the channel (``ok``, ``phone``, ``manual``, a configured
name) and maps our fields to its columns: ``{"text": "Описание", "posted_at":
"Создано", "external_id": "ID"}``. For JSON a mapped name may be a dotted path
into the record (``"from.name"``). Without an ``external_id`` column the id is
a stable hash of date, author and text so that re-imports are idempotent.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from .checks import Checker
from .csvtable import Column, open_table, read_rows
from .jsonstream import iter_items
from .records import ReaderError, ReadItem, ReadStats
from .sources import UTF8_BOM, Peeked, Source, open_source
from .values import DEFAULT_MAX_TEXT, clean_text, parse_datetime, stable_id

FIELDS = (
    "external_id",
    "text",
    "posted_at",
    "url",
    "author",
    "author_id",
    "parent_id",
    "category",
    "status",
    "address",
    "phone",
    "received_by",
)
REQUIRED = ("text", "posted_at")
#: Where records usually sit in a JSON export, tried in this order.
JSON_ARRAYS = ("", "items", "response.items", "data", "records", "results", "messages")
_OPTIONAL = tuple(f for f in FIELDS if f not in ("external_id", "text", "posted_at"))


class MappingError(ReaderError, ValueError):
    """The caller's column mapping is wrong (a ReaderError, so an import
    command reports it like a bad file; a ValueError, as a bad argument)."""


def check_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    """The mapping, or MappingError naming unknown fields and missing ones."""
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        known = ", ".join(FIELDS)
        raise MappingError(f"unknown field(s) in mapping: {', '.join(unknown)}; known: {known}")
    missing = [f for f in REQUIRED if not mapping.get(f)]
    if missing:
        raise MappingError(f"mapping lacks required field(s): {', '.join(missing)}")
    return {k: v for k, v in mapping.items() if v}


def _external_id(values: Mapping[str, Any]) -> Any:
    if "external_id" in values:
        return values["external_id"]
    try:
        day = parse_datetime(values.get("posted_at")).isoformat()
    except ValueError:
        day = clean_text(values.get("posted_at"))
    return stable_id(day, clean_text(values.get("author")), clean_text(values.get("text")))


def _build(checker: Checker, position: str, record: Any, values: Mapping[str, Any]) -> ReadItem:
    optional: dict[str, Any] = {f: values.get(f) for f in _OPTIONAL}
    return checker.build(
        position=position,
        record=record,
        external_id=_external_id(values),
        text=values.get("text"),
        posted_at=values.get("posted_at"),
        **optional,
    )


def read_csv(
    source: Source,
    *,
    channel: str,
    mapping: Mapping[str, str],
    max_text_length: int = DEFAULT_MAX_TEXT,
    now: datetime | None = None,
    stats: ReadStats | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Iterator[ReadItem]:
    """Yield a RawMessage per row, a Rejected per bad row. Every mapped column
    must exist in the header (ReaderError otherwise)."""
    fields = check_mapping(mapping)
    checker = Checker.create(channel, max_text_length, now)
    stats = stats if stats is not None else ReadStats()
    columns = [Column(field, (name,)) for field, name in fields.items()]
    checker.dirty = lambda: False  # csvtable strips NUL; strict decoding
    with open_source(source) as peeked:
        table = open_table(peeked, columns, encoding=encoding, delimiter=delimiter)

        def build(position: str, cells: list[str]) -> ReadItem:
            values = {f: table.value(cells, f) for f in fields}
            return _build(checker, position, table.raw(cells), values)

        yield from read_rows(table, checker, stats, build)


def _lookup(record: Any, path: str) -> Any:
    if isinstance(record, dict) and path in record:
        return record[path]
    value = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _looks_like_lines(peeked: Peeked) -> bool:
    head = peeked.head.removeprefix(UTF8_BOM).lstrip()
    if not head.startswith(b"{"):
        return False
    first, newline, rest = head.partition(b"\n")
    if not newline or not rest.strip():
        return False
    try:
        json.loads(first)
    except ValueError:
        return False
    return True


def read_json(
    source: Source,
    *,
    channel: str,
    mapping: Mapping[str, str],
    items_path: str | None = None,
    lines: bool | None = None,
    max_text_length: int = DEFAULT_MAX_TEXT,
    now: datetime | None = None,
    stats: ReadStats | None = None,
) -> Iterator[ReadItem]:
    """Yield a RawMessage per record of a JSON array or JSON Lines file.

    ``items_path`` is the dotted path of the record array (``""`` for a bare
    list); by default the first of the usual places found. ``lines`` forces
    JSON Lines; by default a ``.jsonl``/``.ndjson`` name or a head of
    one-object lines selects it. In JSON Lines a broken line is a Rejected;
    a broken JSON array raises ReaderError after the records before the break.
    """
    fields = check_mapping(mapping)
    checker = Checker.create(channel, max_text_length, now)
    stats = stats if stats is not None else ReadStats()
    with open_source(source) as peeked:
        checker.dirty = lambda: peeked.dirty
        if lines is None:
            name = os.fspath(source) if isinstance(source, (str, os.PathLike)) else ""
            lines = name.endswith((".jsonl", ".ndjson")) or _looks_like_lines(peeked)
        if lines:
            produced = _json_lines(checker, fields, peeked, stats)
        else:
            arrays = JSON_ARRAYS if items_path is None else (items_path,)
            produced = _json_array(checker, fields, peeked, arrays)
        for out in produced:
            stats.count(out)
            yield out


def _json_array(
    checker: Checker, fields: Mapping[str, str], peeked: Peeked, arrays: Sequence[str]
) -> Iterator[ReadItem]:
    for item in iter_items(peeked, arrays, what="records"):
        if isinstance(item.value, dict):
            yield _build(checker, item.position, item.value, _values(item.value, fields))
        else:
            yield checker.not_an_object(item.position, item.value)


def _values(record: dict[str, Any], fields: Mapping[str, str]) -> dict[str, Any]:
    return {field: _lookup(record, path) for field, path in fields.items()}


def _json_lines(checker: Checker, fields: Mapping[str, str], peeked: Peeked, stats: ReadStats) -> Iterator[ReadItem]:
    for number, data in enumerate(peeked.stream, start=1):
        if number == 1:
            data = data.removeprefix(UTF8_BOM)
        if not data.strip():
            stats.skip("blank line")
            continue
        position = f"line {number}"
        try:
            record = json.loads(data)
        except UnicodeDecodeError:
            yield checker.reject(position, "line is not valid UTF-8", data[:300].decode("utf-8", "replace"))
            continue
        except ValueError as exc:
            yield checker.reject(position, f"invalid JSON: {exc}", data[:300].decode("utf-8", "replace"))
            continue
        if not isinstance(record, dict):
            yield checker.not_an_object(position, record)
            continue
        yield _build(checker, position, record, _values(record, fields))
