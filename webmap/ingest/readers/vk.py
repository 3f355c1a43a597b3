"""VK: wall.get / newsfeed.search / wall.getComments responses.

Accepts ``{"response": {"items": [...]}}``, ``{"items": [...]}`` or a bare
list of items. A post's comments, when the export carries them (``comments``
as a list of comment objects or as ``{"items": [...]}``, and each comment's
``thread.items`` replies), become messages of their own that point back to the
post through ``parent_id``. Items that are themselves comments (they carry
``post_id``, as wall.getComments returns them) are read as comments.

Author names: wall.get with ``extended=1`` lists ``profiles`` and ``groups``
*after* the items, so they cannot be known while streaming. For a seekable
source whose tail mentions them, a first cheap pass collects the names;
otherwise ``author`` is None unless the caller passes ``names``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, BinaryIO

from .checks import Checker
from .jsonstream import iter_items
from .records import ReaderError, ReadItem, ReadStats
from .sources import Source, open_source
from .values import DEFAULT_MAX_TEXT

ARRAYS = ("response.items", "items", "")
_NAME_ARRAYS = ("response.profiles", "response.groups", "profiles", "groups")
_TAIL = 1 << 20


def post_url(owner_id: Any, post_id: Any) -> str:
    return f"https://vk.com/wall{owner_id}_{post_id}"


def comment_url(owner_id: Any, post_id: Any, comment_id: Any, thread_id: Any = None) -> str:
    url = f"{post_url(owner_id, post_id)}?reply={comment_id}"
    return f"{url}&thread={thread_id}" if thread_id is not None else url


def read_vk(
    source: Source,
    *,
    channel: str = "vk",
    max_text_length: int = DEFAULT_MAX_TEXT,
    now: datetime | None = None,
    stats: ReadStats | None = None,
    names: Mapping[str, str] | None = None,
    resolve_names: bool = True,
) -> Iterator[ReadItem]:
    """Yield a RawMessage per post and per comment, a Rejected per bad one.

    ``names`` maps a VK id as a string (users positive, groups negative) to a
    display name. Raises ReaderError for an empty, truncated or foreign file
    (after yielding the records read before the break).
    """
    checker = Checker.create(channel, max_text_length, now)
    stats = stats if stats is not None else ReadStats()
    if names is None and resolve_names:
        names = collect_names(source)
    names = names or {}
    with open_source(source) as peeked:
        checker.dirty = lambda: peeked.dirty
        for item in iter_items(peeked, ARRAYS, what="VK items"):
            record = item.value
            if _is_comment(record):
                produced = _comment(checker, names, record, item.position, None, None, None)
            else:
                produced = _post(checker, names, record, item.position)
            for out in produced:
                stats.count(out)
                yield out


def _is_comment(record: Any) -> bool:
    """wall.getComments items carry post_id; newsfeed.get posts carry post_id
    too, but with source_id or post_type."""
    return isinstance(record, dict) and "post_id" in record and "post_type" not in record and "source_id" not in record


def _author(names: Mapping[str, str], author_id: Any) -> str | None:
    return names.get(str(author_id)) if author_id is not None else None


def _no_text_reason(record: dict[str, Any], what: str) -> str:
    attachments = record.get("attachments")
    if isinstance(attachments, list) and attachments:
        kinds = sorted({str(a.get("type", "?")) for a in attachments if isinstance(a, dict)})
        return f"{what} has no text, only attachments ({', '.join(kinds) or 'unknown'})"
    if record.get("copy_history"):
        return f"{what} has no text of its own (a repost)"
    return f"{what} has empty text"


def _post(checker: Checker, names: Mapping[str, str], record: Any, position: str) -> Iterator[ReadItem]:
    if not isinstance(record, dict):
        yield checker.not_an_object(position, record)
        return
    owner_id = record.get("owner_id", record.get("source_id"))
    post_id = record.get("id", record.get("post_id"))
    if owner_id is None or post_id is None:
        missing = " and ".join(k for k, v in (("id", post_id), ("owner_id", owner_id)) if v is None)
        yield checker.reject(position, f"missing {missing}", record)
        return
    author_id = record.get("from_id", record.get("signer_id", owner_id))
    yield checker.build(
        position=position,
        record=record,
        external_id=f"{owner_id}_{post_id}",
        text=record.get("text"),
        posted_at=record.get("date"),
        empty_reason=lambda: _no_text_reason(record, "post"),
        url=post_url(owner_id, post_id),
        author=_author(names, author_id),
        author_id=author_id,
    )
    comments = record.get("comments")
    if isinstance(comments, dict):
        comments = comments.get("items")
    if isinstance(comments, list):
        for j, comment in enumerate(comments):
            yield from _comment(checker, names, comment, f"{position}.comments[{j}]", owner_id, post_id, None)


def _comment(
    checker: Checker,
    names: Mapping[str, str],
    record: Any,
    position: str,
    owner_id: Any,
    post_id: Any,
    thread_id: Any,
) -> Iterator[ReadItem]:
    if not isinstance(record, dict):
        yield checker.not_an_object(position, record)
        return
    owner_id = record.get("owner_id", owner_id)
    post_id = record.get("post_id", post_id)
    comment_id = record.get("id")
    if owner_id is None or post_id is None or comment_id is None:
        yield checker.reject(position, "comment without id, post_id or owner_id", record)
        return
    external_id = f"{owner_id}_{post_id}_{comment_id}"
    if record.get("deleted"):
        yield checker.reject(position, "comment was deleted", record, external_id)
    else:
        author_id = record.get("from_id")
        yield checker.build(
            position=position,
            record=record,
            external_id=external_id,
            text=record.get("text"),
            posted_at=record.get("date"),
            empty_reason=lambda: _no_text_reason(record, "comment"),
            url=comment_url(owner_id, post_id, comment_id, thread_id),
            author=_author(names, author_id),
            author_id=author_id,
            parent_id=f"{owner_id}_{post_id}",
        )
    thread = record.get("thread")
    replies = thread.get("items") if isinstance(thread, dict) else None
    if isinstance(replies, list):
        for k, reply in enumerate(replies):
            yield from _comment(checker, names, reply, f"{position}.thread[{k}]", owner_id, post_id, comment_id)


def collect_names(source: Source) -> dict[str, str]:
    """Author names from an extended response's profiles/groups, or {}.

    Only for a seekable source whose last megabyte mentions them (VK puts them
    after the items); the stream is rewound afterwards. Never raises: names
    are optional, the main pass reports broken files.
    """
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as handle:
                return _names_from(handle)
        except OSError:
            return {}
    stream: BinaryIO = source
    if isinstance(stream, io.TextIOBase):
        return {}  # open_source will refuse it with a clear error
    try:
        if not stream.seekable():
            return {}
        start = stream.tell()
    except (AttributeError, OSError, ValueError):
        return {}
    try:
        return _names_from(stream)
    finally:
        stream.seek(start)


def _names_from(stream: BinaryIO) -> dict[str, str]:
    start = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(max(start, size - _TAIL))
    tail = stream.read()
    stream.seek(start)
    if b'"profiles"' not in tail and b'"groups"' not in tail:
        return {}
    names: dict[str, str] = {}
    try:
        with open_source(stream) as peeked:
            for item in iter_items(peeked, _NAME_ARRAYS, lock=False, fast=False, what="names"):
                entry = item.value
                if not isinstance(entry, dict) or entry.get("id") is None:
                    continue
                if item.array.endswith("groups"):
                    name = entry.get("name")
                    key = str(-abs(int(entry["id"])))
                else:
                    name = " ".join(str(p) for p in (entry.get("first_name"), entry.get("last_name")) if p)
                    key = str(entry["id"])
                if name:
                    names[key] = str(name)
    except (ReaderError, ValueError, TypeError):
        pass
    return names
