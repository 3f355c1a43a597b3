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

Stored text is decoded (``<br>``, HTML entities, see values.decode_markup);
``raw`` keeps what VK sent. The live connector (webmap/connectors/vk.py) builds
its messages with the same functions, so a file and the API agree on ids.
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
from .values import DEFAULT_MAX_TEXT, clean_text, decode_markup

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
                produced = comment_messages(checker, names, record, item.position, None, None)
            else:
                produced = post_messages(checker, names, record, item.position, stats)
            for out in produced:
                stats.count(out)
                yield out


def _is_comment(record: Any) -> bool:
    """wall.getComments items carry post_id; newsfeed.get posts carry post_id
    too, but with source_id or post_type."""
    return isinstance(record, dict) and "post_id" in record and "post_type" not in record and "source_id" not in record


def _author(names: Mapping[str, str], author_id: Any) -> str | None:
    return names.get(str(author_id)) if author_id is not None else None


def _has_attachments(record: dict[str, Any]) -> bool:
    attachments = record.get("attachments")
    return isinstance(attachments, list) and bool(attachments)


def _no_text_reason(record: dict[str, Any], what: str) -> str:
    if record.get("copy_history"):
        return f"{what} has no text of its own (a repost)"
    return f"{what} has empty text"


def post_messages(
    checker: Checker,
    names: Mapping[str, str],
    record: Any,
    position: str,
    stats: ReadStats | None = None,
) -> Iterator[ReadItem]:
    """A post as messages: the post, the originals it reposts, the comments it carries.

    A post of attachments only (photos) is kept with empty text (the photo links stay in
    ``raw``) and waits for an operator. A repost's text is the resident's original in
    ``copy_history``: each original is stored once under its own id and URL; the repost
    itself only when it adds text or attachments of its own.
    """
    if not isinstance(record, dict):
        yield checker.not_an_object(position, record)
        return
    owner_id = record.get("owner_id", record.get("source_id"))
    post_id = record.get("id", record.get("post_id"))
    if owner_id is None or post_id is None:
        missing = " and ".join(k for k, v in (("id", post_id), ("owner_id", owner_id)) if v is None)
        yield checker.reject(position, f"missing {missing}", record)
        return
    copies = record.get("copy_history")
    originals = [c for c in copies if isinstance(c, dict)] if isinstance(copies, list) else []
    for k, original in enumerate(originals):
        yield from post_messages(checker, names, {**original, "copy_history": None}, f"{position}.copy_history[{k}]")
    text = decode_markup(record.get("text"))
    own = bool(clean_text(text)) or _has_attachments(record)
    if originals and not own:
        if stats is not None:
            stats.skip("repost with no text of its own (its original is stored)")
    else:
        author_id = record.get("from_id", record.get("signer_id", owner_id))
        yield checker.build(
            position=position,
            record=record,
            external_id=f"{owner_id}_{post_id}",
            text=text,
            posted_at=record.get("date"),
            empty_reason=lambda: _no_text_reason(record, "post"),
            keep_empty=_has_attachments(record),
            url=post_url(owner_id, post_id),
            author=_author(names, author_id),
            author_id=author_id,
        )
    comments = record.get("comments")
    if isinstance(comments, dict):
        comments = comments.get("items")
    if isinstance(comments, list):
        for j, comment in enumerate(comments):
            yield from comment_messages(checker, names, comment, f"{position}.comments[{j}]", owner_id, post_id)


def comment_messages(
    checker: Checker,
    names: Mapping[str, str],
    record: Any,
    position: str,
    owner_id: Any,
    post_id: Any,
    thread_id: Any = None,
) -> Iterator[ReadItem]:
    """A comment and the replies of its thread. wall.getComments items carry no
    owner_id/post_id: the caller passes those of the request."""
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
            text=decode_markup(record.get("text")),
            posted_at=record.get("date"),
            empty_reason=lambda: _no_text_reason(record, "comment"),
            keep_empty=_has_attachments(record),
            url=comment_url(owner_id, post_id, comment_id, thread_id),
            author=_author(names, author_id),
            author_id=author_id,
            parent_id=f"{owner_id}_{post_id}",
        )
    thread = record.get("thread")
    replies = thread.get("items") if isinstance(thread, dict) else None
    if isinstance(replies, list):
        for k, reply in enumerate(replies):
            yield from comment_messages(checker, names, reply, f"{position}.thread[{k}]", owner_id, post_id, comment_id)


def names_of(response: Any) -> dict[str, str]:
    """Author names from an extended answer's ``profiles`` and ``groups`` (users positive, groups negative)."""
    names: dict[str, str] = {}
    if not isinstance(response, dict):
        return names
    for key in ("profiles", "groups"):
        entries = response.get(key)
        for entry in entries if isinstance(entries, list) else ():
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), int):
                continue
            if key == "groups":
                name, ident = entry.get("name"), str(-abs(entry["id"]))
            else:
                name = " ".join(str(p) for p in (entry.get("first_name"), entry.get("last_name")) if p)
                ident = str(entry["id"])
            if name:
                names[ident] = str(name)
    return names


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
