"""Odnoklassniki: a group's topics (mediatopic.getTopics) and their comments (discussions.getComments).

Requests to the REST API (``https://api.ok.ru/fb.do``) are signed: ``sig`` is the
lower-case md5 of the sorted ``key=value`` pairs (without ``access_token`` and
``sig``) followed by md5(access_token + application secret key). Pages follow
``anchor``/``has_more``. The cursor keeps ``since_ms`` (creation time of the
newest stored topic) and the comment counts of recent topics.
Topic ids are ``<gid>_<topic_id>`` and comments ``<gid>_<topic_id>_<comment_id>``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from webmap.connectors.base import Batch
from webmap.connectors.errors import ConnectorError, MalformedAnswer, SourceUnavailable, TokenInvalid, redact
from webmap.connectors.http import HttpClient
from webmap.ingest.readers import ReadItem
from webmap.ingest.readers.checks import Checker
from webmap.ingest.readers.values import DEFAULT_MAX_TEXT, decode_markup

#: error_code -> what it means for the monitor (OK's REST error codes).
TOKEN_ERRORS = {102: "PARAM_SESSION_EXPIRED", 103: "PARAM_SESSION_KEY", 104: "PARAM_SIGNATURE"}
UNAVAILABLE = {210: "PERMISSION_DENIED", 300: "NOT_FOUND", 455: "GROUP_RESTRICTION"}
RETRIED = {1: "UNKNOWN", 2: "SERVICE"}
PAGE = 50
BATCH_TOPICS = 20


def signature(params: Mapping[str, Any], token: str, secret_key: str) -> str:
    """OK's request signature for ``params`` (those sent, without access_token and sig)."""
    secret = hashlib.md5((token + secret_key).encode()).hexdigest()
    pairs = "".join(f"{k}={params[k]}" for k in sorted(params) if k not in ("access_token", "sig", "session_key"))
    return hashlib.md5((pairs + secret).encode()).hexdigest().lower()


@dataclass
class OkApi:
    http: HttpClient
    base_url: str
    app_key: str
    secret_key: str
    token: str

    def call(self, method: str, **params: Any) -> Any:
        fields = {k: str(v) for k, v in params.items() if v is not None}
        fields.update(application_key=self.app_key, format="json", method=method)
        fields["sig"] = signature(fields, self.token, self.secret_key)
        fields["access_token"] = self.token
        for attempt in range(self.http.attempts):
            answer = self.http.post_form(self.base_url, fields, label=method)
            if isinstance(answer, dict) and "error_code" in answer:
                code = answer.get("error_code")
                text = redact(str(answer.get("error_msg") or "no message"), [self.token, self.secret_key])[:300]
                message = f"OK {method}: error {code}: {text}"
                if code in RETRIED and attempt + 1 < self.http.attempts:
                    self.http.pause(attempt)
                    continue
                if code in TOKEN_ERRORS:
                    raise TokenInvalid(f"{message}; every OK source is paused until WEBMAP_OK_TOKEN is replaced")
                if code in UNAVAILABLE:
                    raise SourceUnavailable(message)
                raise ConnectorError(message)
            if not isinstance(answer, dict):
                raise MalformedAnswer(f"OK {method}: the answer is a {type(answer).__name__}, not an object")
            return answer
        raise AssertionError("unreachable")  # pragma: no cover


def _text(topic: Mapping[str, Any]) -> tuple[str, bool]:
    """A topic's text (its text media joined) and whether it has other media (photos)."""
    texts, other = [], False
    for media in topic.get("media") or []:
        if isinstance(media, dict) and media.get("type") == "text":
            texts.append(str(decode_markup(media.get("text") or "")))
        elif isinstance(media, dict):
            other = True
    return "\n".join(t for t in texts if t), other


def _author(ref: Any, entities: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(name, id) of an ``author_ref`` such as ``user:123`` or ``group:456``."""
    if not isinstance(ref, str) or ":" not in ref:
        return None, None
    kind, ident = ref.split(":", 1)
    for entry in entities.get("users" if kind == "user" else "groups") or []:
        if isinstance(entry, dict) and str(entry.get("uid") or entry.get("id")) == ident:
            return entry.get("name"), ident
    return None, ident


@dataclass
class OkReader:
    api: OkApi
    max_text_length: int = DEFAULT_MAX_TEXT
    first_run_topics: int = 1000
    comment_days: float = 14.0
    now: datetime | None = None

    def group(self, params: Mapping[str, Any], cursor: Mapping[str, Any]) -> Iterator[Batch]:
        gid = str(params.get("group_id") or "").strip()
        if not gid.isdigit():
            raise ConnectorError(f"an OK group needs a numeric group id, not {gid!r}")
        since = int(cursor.get("since_ms") or 0)
        watched: dict[str, list[int]] = dict(cursor.get("comments") or {})
        horizon = int((self._now() - timedelta(days=self.comment_days)).timestamp() * 1000)
        todo, entities = self._topics(gid, since, watched, horizon)
        todo.sort(key=lambda t: int(t.get("created_ms") or 0) if isinstance(t, dict) else 0)
        checker = Checker.create("ok", self.max_text_length, self.now)
        for start in range(0, len(todo), BATCH_TOPICS):
            batch = Batch()
            for topic in todo[start : start + BATCH_TOPICS]:
                batch.items.extend(self._topic_records(checker, gid, topic, entities))
                if isinstance(topic, dict):
                    created = int(topic.get("created_ms") or 0)
                    since = max(since, created)
                    if created >= horizon:
                        watched[str(topic.get("id"))] = [_comments(topic), created]
            watched = {k: v for k, v in watched.items() if v[1] >= horizon}
            batch.cursor = {"since_ms": since, "comments": watched}
            yield batch
        if not todo:
            yield Batch(cursor={"since_ms": since, "comments": watched})

    def _topics(
        self, gid: str, since: int, watched: Mapping[str, list[int]], horizon: int
    ) -> tuple[list[Any], dict[str, Any]]:
        todo: list[Any] = []
        entities: dict[str, Any] = {}
        anchor: str | None = None
        while True:
            answer = self.api.call(
                "mediatopic.getTopics", gid=gid, count=PAGE, anchor=anchor, direction="BACKWARD", fields="*"
            )
            topics = answer.get("media_topics")
            if not isinstance(topics, list):
                raise MalformedAnswer("OK mediatopic.getTopics: no media_topics list")
            if isinstance(answer.get("entities"), dict):
                for key, values in answer["entities"].items():
                    entities.setdefault(key, []).extend(values if isinstance(values, list) else [])
            reached_old = False
            for topic in topics:
                created = int(topic.get("created_ms") or 0) if isinstance(topic, dict) else 0
                seen = watched.get(str(topic.get("id"))) if isinstance(topic, dict) else None
                if not isinstance(topic, dict) or created > since:
                    todo.append(topic)
                elif created >= horizon and _comments(topic) > (seen[0] if seen else 0):
                    todo.append(topic)  # an older topic with new comments
                elif created < horizon:
                    reached_old = True
            anchor = answer.get("anchor")
            if not topics or reached_old or not answer.get("has_more") or not anchor:
                return todo, entities
            if not since and len(todo) >= self.first_run_topics:
                return todo, entities

    def _topic_records(self, checker: Checker, gid: str, topic: Any, entities: Mapping[str, Any]) -> list[ReadItem]:
        if not isinstance(topic, dict) or topic.get("id") is None:
            return [checker.reject(f"group {gid} topic", "topic without id", topic)]
        topic_id = str(topic["id"])
        url = f"https://ok.ru/group/{gid}/topic/{topic_id}"
        text, other = _text(topic)
        name, author_id = _author(topic.get("author_ref"), entities)
        created = topic.get("created_ms")
        out: list[ReadItem] = [
            checker.build(
                position=f"group {gid} topic {topic_id}",
                record=topic,
                external_id=f"{gid}_{topic_id}",
                text=text,
                posted_at=int(created) / 1000 if isinstance(created, (int, float)) else None,
                keep_empty=other,
                url=url,
                author=name,
                author_id=author_id,
            )
        ]
        if _comments(topic):
            out.extend(self.comments(checker, gid, topic_id, url))
        return out

    def comments(self, checker: Checker, gid: str, topic_id: str, url: str) -> list[ReadItem]:
        out: list[ReadItem] = []
        anchor: str | None = None
        while True:
            answer = self.api.call(
                "discussions.getComments",
                entityId=topic_id,
                entityType="GROUP_TOPIC",
                count=100,
                anchor=anchor,
                direction="FORWARD",
            )
            comments = answer.get("comments")
            if not isinstance(comments, list):
                raise MalformedAnswer("OK discussions.getComments: no comments list")
            for comment in comments:
                cid = comment.get("id") if isinstance(comment, dict) else None
                out.append(
                    checker.build(
                        position=f"group {gid} topic {topic_id} comment {cid}",
                        record=comment,
                        external_id=f"{gid}_{topic_id}_{cid}" if cid is not None else None,
                        text=decode_markup(comment.get("text")) if isinstance(comment, dict) else None,
                        posted_at=comment.get("date") if isinstance(comment, dict) else None,
                        keep_empty=bool(isinstance(comment, dict) and comment.get("attachments")),
                        url=url,
                        author=comment.get("author_name") if isinstance(comment, dict) else None,
                        author_id=comment.get("author_id") if isinstance(comment, dict) else None,
                        parent_id=f"{gid}_{topic_id}",
                    )
                )
            anchor = answer.get("anchor")
            if not comments or not answer.get("has_more") or not anchor:
                return out

    def _now(self) -> datetime:
        return self.now or datetime.now(UTC)


def _comments(topic: Any) -> int:
    summary = topic.get("discussion_summary") if isinstance(topic, dict) else None
    count = summary.get("comments_count") if isinstance(summary, dict) else 0
    return count if isinstance(count, int) else 0
