"""Streaming the records out of a big JSON export with ijson.

Exports wrap their record array differently (``response.items``, a bare
list, ``messages``, ``chats.list[].messages``), and the array's neighbours
(a Telegram chat's name and id) matter for the records. The first 64 KB tell
where the array starts; then ijson's C ``items`` streams it. When they do not
(the array starts later, or repeats inside a list of chats), the ijson event
stream is walked once in Python, building each element on its own and
remembering the scalar fields next to the array. Either way memory holds a
chunk's worth of records, never the file.

Truncated or broken JSON: the records completed before the break have already
been yielded when :class:`ReaderError` is raised, with the position of the
record that broke. This is deliberate: a stream cannot be validated first
without reading it twice, imports are idempotent (channel + external_id), and
the importer is the one that decides whether to keep a partial batch or roll
it back; it must treat the ReaderError as "this file is incomplete".
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import ijson

from .records import ReaderError
from .sources import UTF8_BOM, Peeked

_SCALARS = frozenset(("null", "boolean", "integer", "double", "number", "string"))
_MAX_TOP_KEYS = 50
_MAX_CHUNK = 64 << 20  # a string longer than this is read in slower pieces


@dataclass(slots=True)
class JsonItem:
    """One element of a record array, with where it was and its neighbours."""

    array: str  # ijson prefix of the array: "response.items", "" for a bare list
    index: int
    value: Any
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def position(self) -> str:
        return f"{self.array or '$'}[{self.index}]"


def _item_prefix(array: str) -> str:
    return f"{array}.item" if array else "item"


def _parent(array: str) -> str | None:
    if not array:
        return None
    return array.rsplit(".", 1)[0] if "." in array else ""


class _Chunks:
    """What ijson reads from: UTF-8 bytes in chunks that never end inside a
    long string.

    yajl re-scans a token that spans chunks from its start on every chunk, so
    a 10 MB text read in 64 KB chunks costs minutes. When a chunk holds no
    unescaped quote (we are inside a long string) this keeps reading, with
    growing steps, up to the next quote, and the string arrives in one piece.
    Only ``read`` is offered, so ijson cannot bypass it with ``readinto``.
    """

    _QUOTE = re.compile(rb'(?<!\\)"')

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = read

    def read(self, size: int) -> bytes:
        data = self._read(size)
        if not data or self._QUOTE.search(data):
            return data
        parts, total, step = [data], len(data), size
        while total < _MAX_CHUNK:
            more = self._read(step)
            if not more:
                break
            parts.append(more)
            total += len(more)
            if self._QUOTE.search(more):
                break
            step = min(step * 2, 16 << 20)
        return b"".join(parts)


def _binary_utf8(peeked: Peeked) -> _Chunks:
    """The stream as UTF-8 bytes: a UTF-8 BOM dropped, UTF-16 transcoded."""
    head = peeked.head
    if head.startswith(UTF8_BOM):
        peeked.stream.read(len(UTF8_BOM))
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _Chunks(codecs.EncodedFile(peeked.stream, "utf-8", "utf-16").read)
    return _Chunks(peeked.stream.read)


def _plan(head: bytes, arrays: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """The first wanted array whose start is in the head, with the scalars
    seen next to it, if it can be read on its own (no repeating parent)."""
    parents = {p for a in arrays if (p := _parent(a)) is not None}
    contexts: dict[str, dict[str, Any]] = {p: {} for p in parents}
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(head.removeprefix(UTF8_BOM)), use_float=True):
            if event == "start_array" and prefix in arrays:
                if "item" in prefix.split("."):
                    return None
                parent = _parent(prefix)
                return prefix, dict(contexts.get(parent, {})) if parent is not None else {}
            if event in _SCALARS:
                parent, _, key = prefix.rpartition(".")
                if parent in contexts and key:
                    contexts[parent][key] = value
    except (ijson.JSONError, UnicodeError):
        return None
    return None


def iter_items(
    peeked: Peeked,
    arrays: Sequence[str],
    *,
    lock: bool = True,
    fast: bool = True,
    what: str = "records",
) -> Iterator[JsonItem]:
    """Yield the elements of the arrays at the given ijson prefixes.

    With ``lock`` the first of ``arrays`` met in the file is the only one read
    (used to auto-detect the wrapper). With ``fast``, when the first array
    starts in the head and is not nested in a repeating parent, only that
    array is read, by ijson's C ``items`` (several times faster than walking
    events in Python). Raises ReaderError for an empty file, broken JSON, or
    a file with none of the arrays.
    """
    plan = _plan(peeked.head, arrays) if fast else None
    if plan is not None:
        yield from _fast(peeked, *plan)
        return
    wanted = {a: _item_prefix(a) for a in arrays}
    by_item = {v: k for k, v in wanted.items()}
    parents = {p: a for a in arrays if (p := _parent(a)) is not None}
    contexts: dict[str, dict[str, Any]] = {p: {} for p in parents}
    locked: str | None = None
    found = False
    top_keys: list[str] = []
    events = 0
    array_index: dict[str, int] = {}
    open_array: str | None = None  # record array being read
    current: str | None = None  # array whose element is being built
    builder: Any = None
    depth = 0
    try:
        for prefix, event, value in ijson.parse(_binary_utf8(peeked), use_float=True):
            events += 1
            if builder is not None:
                builder.event(event, value)
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                if depth == 0:
                    assert current is not None
                    yield _finish(current, array_index, builder.value, parents, contexts)
                    builder, current = None, None
                continue
            if open_array is not None and by_item.get(prefix) == open_array:
                array = open_array
                if event in ("start_map", "start_array"):
                    builder, current, depth = ijson.ObjectBuilder(), array, 1
                    builder.event(event, value)
                else:  # a scalar straight in the array
                    yield _finish(array, array_index, value, parents, contexts)
                continue
            if event == "start_array" and prefix in wanted:
                if locked is None or prefix == locked:
                    found = True
                    if lock:
                        locked = prefix
                    array_index[prefix] = 0  # per array: nested ones repeat
                    open_array = prefix
                continue
            if event == "end_array" and prefix == open_array:
                open_array = None
                continue
            if event == "map_key" and prefix == "" and len(top_keys) < _MAX_TOP_KEYS:
                top_keys.append(str(value))
            if event == "start_map" and prefix in contexts:
                contexts[prefix] = {}
            elif event in _SCALARS:
                head, _, key = prefix.rpartition(".")
                if head in contexts and key:
                    contexts[head][key] = value
    except ijson.JSONError as exc:
        raise _broken(exc, events, current or open_array, array_index, peeked) from None
    except UnicodeError as exc:
        raise ReaderError(f"JSON is not valid UTF-8/UTF-16 text: {exc}") from None
    if events == 0:
        raise ReaderError("empty file")
    if not found:
        keys = ", ".join(top_keys) or "none"
        raise ReaderError(
            f"no {what} found: expected an array at {', '.join(a or '$' for a in arrays)} (top-level keys: {keys})"
        )


def _fast(peeked: Peeked, array: str, context: dict[str, Any]) -> Iterator[JsonItem]:
    index = 0
    try:
        for value in ijson.items(_binary_utf8(peeked), _item_prefix(array), use_float=True):
            yield JsonItem(array=array, index=index, value=value, context=context)
            index += 1
    except ijson.JSONError as exc:
        raise _broken(exc, 1, array, {array: index}, peeked) from None
    except UnicodeError as exc:
        raise ReaderError(f"JSON is not valid UTF-8/UTF-16 text: {exc}") from None


def _finish(
    array: str,
    array_index: dict[str, int],
    value: Any,
    parents: dict[str, str],
    contexts: dict[str, dict[str, Any]],
) -> JsonItem:
    index = array_index.get(array, 0)
    array_index[array] = index + 1
    parent = _parent(array)
    context = dict(contexts.get(parent, {})) if parent is not None else {}
    return JsonItem(array=array, index=index, value=value, context=context)


def _broken(
    exc: Exception, events: int, current: str | None, array_index: dict[str, int], peeked: Peeked
) -> ReaderError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, ijson.IncompleteJSONError) and "premature EOF" in detail and events == 0:
        return ReaderError("empty file")
    if "invalid bytes in UTF8" in detail:
        detail = "the file is not UTF-8 (JSON exports must be UTF-8)"
    elif "premature EOF" in detail:
        detail = "truncated JSON (the file ends in the middle of a record)"
    else:
        detail = f"malformed JSON ({detail})"
    where = f"near byte {peeked.consumed:,}"
    if current is not None:
        where = f"{current or '$'}[{array_index.get(current, 0)}], {where}"
    return ReaderError(detail, position=where)
