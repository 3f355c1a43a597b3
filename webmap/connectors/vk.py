"""VK: the API client (limits and errors as VK has them) and the wall and news-search readers.

Messages are built by the file reader's functions (webmap/ingest/readers/vk.py),
so an export and the live API give the same external ids and the same decoding.

Cursors. A wall is read newest first (wall.get pages by offset); the run
collects the posts newer than ``last_id`` and the recent posts whose comment
count grew, then stores them oldest first in batches, each committed with the
``last_id`` it reached, so a run killed between batches resumes after the last
committed one. A search keeps ``since`` (unix time of the newest stored post).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from webmap.connectors.base import Batch, Deletion
from webmap.connectors.errors import ConnectorError, MalformedAnswer, SourceUnavailable, TokenInvalid, redact
from webmap.connectors.http import HttpClient
from webmap.ingest.readers import ReadItem, ReadStats, Rejected
from webmap.ingest.readers.checks import Checker
from webmap.ingest.readers.values import DEFAULT_MAX_TEXT
from webmap.ingest.readers.vk import comment_messages, names_of, post_messages

RETRIED = {6: "too many requests per second", 10: "internal server error"}
TOKEN_ERRORS = {5: "user authorization failed (the token is invalid or expired)"}
UNAVAILABLE = {15: "access denied", 18: "the page was deleted or blocked", 30: "the profile is private"}
PAGE = 100
BATCH_POSTS = 25
DELETED = "comment was deleted"  # the reader's reason for a comment VK shows as deleted


class VkError(ConnectorError):
    """An API error VK reported; ``code`` is VK's error_code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class VkApi:
    """``call(method, **params)`` → VK's ``response``; errors 6 and 10 retried with backoff."""

    http: HttpClient
    base_url: str
    token: str
    version: str

    def call(self, method: str, **params: Any) -> Any:
        fields = {**params, "access_token": self.token, "v": self.version}
        for attempt in range(self.http.attempts):
            answer = self.http.post_form(f"{self.base_url.rstrip('/')}/{method}", fields, label=method)
            if not isinstance(answer, dict):
                raise MalformedAnswer(f"VK {method}: the answer is a {type(answer).__name__}, not an object")
            error = answer.get("error")
            if error is None:
                if "response" not in answer:
                    raise MalformedAnswer(f"VK {method}: neither response nor error in the answer")
                return answer["response"]
            code, text = _error(error, self.token)
            if code in RETRIED and attempt + 1 < self.http.attempts:
                self.http.pause(attempt)
                continue
            message = f"VK {method}: error {code}: {text}"
            if code in TOKEN_ERRORS:
                raise TokenInvalid(f"{message}; every VK source is paused until WEBMAP_VK_TOKEN is replaced")
            if code in UNAVAILABLE:
                raise SourceUnavailable(f"{message} ({UNAVAILABLE[code]})")
            raise VkError(code, message)
        raise AssertionError("unreachable")  # pragma: no cover

    def create_comment(
        self,
        owner_id: int,
        post_id: int,
        message: str,
        *,
        reply_to_comment: int | None = None,
        from_group: bool = False,
    ) -> int:
        """Post ``message`` under a post (``wall.createComment``), replying to a comment if given;
        the new comment's id. ``from_group``: as the community (a community token, or an admin's)."""
        response = self.call(
            "wall.createComment",
            owner_id=owner_id,
            post_id=post_id,
            message=message,
            reply_to_comment=reply_to_comment,
            from_group=1 if from_group and owner_id < 0 else None,
        )
        comment_id = response.get("comment_id") if isinstance(response, dict) else None
        if not isinstance(comment_id, int) or isinstance(comment_id, bool):
            raise MalformedAnswer("VK wall.createComment: no comment_id in the response")
        return comment_id


def _error(error: Any, token: str) -> tuple[int, str]:
    if not isinstance(error, dict):
        return -1, "malformed error"
    code = error.get("error_code")
    text = redact(str(error.get("error_msg") or "no message"), [token])[:300]
    return (code if isinstance(code, int) else -1), text


def items_of(response: Any, what: str) -> list[Any]:
    """The items of an answer: ``{"items": [...]}`` or, in some methods and versions, a bare list."""
    if isinstance(response, list):
        return response
    if isinstance(response, dict):
        items = response.get("items", [])
        if isinstance(items, list):
            return items
    raise MalformedAnswer(f"VK {what}: no items list in the response")


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _comment_count(post: Any) -> int:
    comments = post.get("comments") if isinstance(post, dict) else None
    return _int(comments.get("count")) if isinstance(comments, dict) else 0


@dataclass
class VkReader:
    """Turns a VK source into batches; ``now`` fixes the clock for the date checks."""

    api: VkApi
    max_text_length: int = DEFAULT_MAX_TEXT
    first_run_posts: int = 1000
    comment_days: float = 14.0
    now: datetime | None = None

    def _checker(self) -> Checker:
        return Checker.create("vk", self.max_text_length, self.now)

    # --- wall -------------------------------------------------------------------------------

    def wall(self, params: Mapping[str, Any], cursor: Mapping[str, Any]) -> Iterator[Batch]:
        owner_id = params.get("owner_id")
        if not isinstance(owner_id, int) or owner_id == 0:
            raise ConnectorError(f"a VK wall needs a non-zero integer owner id, not {owner_id!r}")
        last_id = _int(cursor.get("last_id"))
        watched: dict[str, list[int]] = dict(cursor.get("comments") or {})  # post id -> [comments seen, date]
        horizon = int((self._now() - timedelta(days=self.comment_days)).timestamp())
        todo, names = self._wall_posts(owner_id, last_id, watched, horizon)
        todo.sort(key=lambda p: _int(p.get("id")) if isinstance(p, dict) else 0)
        for start in range(0, len(todo), BATCH_POSTS):
            chunk = todo[start : start + BATCH_POSTS]
            batch = Batch()
            for post in chunk:
                self._post_with_comments(batch, names, owner_id, post)
            for post in chunk:
                if isinstance(post, dict) and isinstance(post.get("id"), int):
                    last_id = max(last_id, post["id"])
                    if _int(post.get("date")) >= horizon:
                        watched[str(post["id"])] = [_comment_count(post), _int(post.get("date"))]
            watched = {k: v for k, v in watched.items() if isinstance(v, list) and len(v) == 2 and v[1] >= horizon}
            batch.cursor = {"last_id": last_id, "comments": watched}
            yield batch
        if not todo:
            yield Batch(cursor={"last_id": last_id, "comments": watched})

    def _wall_posts(
        self, owner_id: int, last_id: int, watched: Mapping[str, list[int]], horizon: int
    ) -> tuple[list[Any], dict[str, str]]:
        """Posts newer than ``last_id`` and recent posts with new comments, and the authors' names."""
        todo: list[Any] = []
        names: dict[str, str] = {}
        offset = 0
        while True:
            response = self.api.call("wall.get", owner_id=owner_id, offset=offset, count=PAGE, extended=1)
            items = items_of(response, "wall.get")
            names.update(names_of(response))
            total = _int(response.get("count"), offset + len(items)) if isinstance(response, dict) else 0
            reached_old = False
            for post in items:
                if not isinstance(post, dict):
                    todo.append(post)  # rejected with a reason when stored
                    continue
                post_id, date = _int(post.get("id")), _int(post.get("date"))
                seen = watched.get(str(post_id))
                if post_id > last_id:
                    todo.append(post)
                elif date >= horizon and _comment_count(post) > (seen[0] if seen else 0):
                    todo.append(post)  # an older post with new comments
                elif not post.get("is_pinned") and date < horizon:
                    reached_old = True
            offset += len(items)
            if not items or reached_old or offset >= total or (not last_id and offset >= self.first_run_posts):
                return todo, names

    def _post_with_comments(self, batch: Batch, names: dict[str, str], owner_id: int, post: Any) -> None:
        stats = ReadStats()
        position = f"wall{owner_id}_{post.get('id') if isinstance(post, dict) else '?'}"
        batch.items.extend(post_messages(self._checker(), names, post, position, stats))
        batch.skipped += stats.skipped
        if isinstance(post, dict) and isinstance(post.get("id"), int) and _comment_count(post):
            for item in self.comments(owner_id, post["id"], names):
                if isinstance(item, Rejected) and item.reason == DELETED and item.external_id:
                    # a comment deleted since it was stored is marked, never removed
                    batch.deletions.append(Deletion("vk", item.external_id, True, self._now()))
                else:
                    batch.items.append(item)

    def comments(self, owner_id: int, post_id: int, names: dict[str, str]) -> list[ReadItem]:
        """Every comment of a post and every reply of its threads (comments carry no owner/post id)."""
        out: list[ReadItem] = []
        checker = self._checker()
        for comment, position in self._comment_pages(owner_id, post_id, None, names):
            if isinstance(comment, dict):
                thread = comment.get("thread")
                if isinstance(thread, dict) and _int(thread.get("count")) > len(thread.get("items") or []):
                    replies = [r for r, _ in self._comment_pages(owner_id, post_id, comment.get("id"), names)]
                    comment = {**comment, "thread": {**thread, "items": replies}}
            out.extend(comment_messages(checker, names, comment, position, owner_id, post_id))
        return out

    def _comment_pages(
        self, owner_id: int, post_id: int, comment_id: Any, names: dict[str, str]
    ) -> Iterator[tuple[Any, str]]:
        offset = 0
        where = f"wall{owner_id}_{post_id}" + (f"?thread={comment_id}" if comment_id else "")
        while True:
            params: dict[str, Any] = {
                "owner_id": owner_id,
                "post_id": post_id,
                "offset": offset,
                "count": PAGE,
                "extended": 1,
                "sort": "asc",
                "thread_items_count": 0 if comment_id else 10,
            }
            if comment_id:
                params["comment_id"] = comment_id
            try:
                response = self.api.call("wall.getComments", **params)
            except SourceUnavailable:
                return  # comments closed on this post: the post itself is kept
            items = items_of(response, "wall.getComments")
            names.update(names_of(response))
            for k, item in enumerate(items):
                yield item, f"{where}.comments[{offset + k}]"
            offset += len(items)
            level = response.get("current_level_count", response.get("count")) if isinstance(response, dict) else 0
            if not items or offset >= _int(level, offset):
                return

    def by_ids(self, posts: list[str]) -> list[ReadItem]:
        """wall.getById for ``owner_post`` ids (the answer is a bare list in older versions)."""
        response = self.api.call("wall.getById", posts=",".join(posts), extended=1)
        names = names_of(response)
        checker = self._checker()
        out: list[ReadItem] = []
        for k, post in enumerate(items_of(response, "wall.getById")):
            out.extend(post_messages(checker, names, post, f"wall.getById[{k}]"))
        return out

    # --- news search ----------------------------------------------------------------------------

    def search(self, params: Mapping[str, Any], cursor: Mapping[str, Any]) -> Iterator[Batch]:
        query = params.get("query")
        if not isinstance(query, str) or not query.strip():
            raise ConnectorError("a VK search needs a query")
        since = _int(cursor.get("since"))
        found: list[Any] = []
        names: dict[str, str] = {}
        start_from: str | None = None
        while len(found) < self.first_run_posts:
            response = self.api.call(
                "newsfeed.search",
                q=query,
                count=200,
                extended=1,
                start_time=since or None,
                start_from=start_from,
                latitude=params.get("lat"),
                longitude=params.get("lon"),
            )
            items = items_of(response, "newsfeed.search")
            names.update(names_of(response))
            found.extend(p for p in items if _near(p, params))
            start_from = response.get("next_from") if isinstance(response, dict) else None
            if not items or not start_from:
                break
        found.sort(key=lambda p: _int(p.get("date")) if isinstance(p, dict) else 0)
        for start in range(0, len(found), BATCH_POSTS):
            chunk = found[start : start + BATCH_POSTS]
            batch = Batch()
            stats = ReadStats()
            for k, post in enumerate(chunk):
                batch.items.extend(post_messages(self._checker(), names, post, f"newsfeed.search[{start + k}]", stats))
                if isinstance(post, dict):
                    since = max(since, _int(post.get("date")))
            batch.skipped = stats.skipped
            batch.cursor = {"since": since}
            yield batch
        if not found:
            yield Batch(cursor={"since": since})

    def _now(self) -> datetime:
        return self.now or datetime.now(UTC)


def _near(post: Any, params: Mapping[str, Any]) -> bool:
    """Whether a found post is within the search's radius; posts without coordinates are kept."""
    radius, lat, lon = params.get("radius"), params.get("lat"), params.get("lon")
    if not radius or lat is None or lon is None or not isinstance(post, dict):
        return True
    geo = post.get("geo")
    coords = geo.get("coordinates") if isinstance(geo, dict) else None
    try:
        plat, plon = (float(x) for x in str(coords).replace(",", " ").split()[:2])
    except (TypeError, ValueError):
        return True
    k = math.cos(math.radians((plat + float(lat)) / 2))
    metres = math.hypot((plon - float(lon)) * k, plat - float(lat)) * 111_195.0
    return metres <= float(radius)
