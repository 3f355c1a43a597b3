"""Local stand-ins for the VK, Telegram and OK APIs: real HTTP servers on 127.0.0.1 speaking their JSON.

Each holds its data in plain structures a test fills, records the requests it
got (method and form fields) and can be told to answer errors (VK error codes,
Telegram error codes, OK error codes), garbage or slowly, to test the monitor
against what the real services do.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

VK_TOKEN = "vk-test-token-0123456789"
TG_TOKEN = "123456:tg-test-token-ABCDEF"
OK_APP_KEY, OK_SECRET, OK_TOKEN = "CBAPUBLIC", "ok-app-secret-key", "ok-access-token-xyz"


@dataclass
class Script:
    """What a stand-in answers besides its data: per method, a queue of scripted answers."""

    errors: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    delay: float = 0.0
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)

    def next_error(self, method: str) -> Any:
        queue = self.errors.get(method)
        return queue.pop(0) if queue else None

    def calls(self, method: str) -> list[dict[str, str]]:
        return [f for m, f in self.requests if m == method]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _fields(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        query = urllib.parse.urlsplit(self.path).query
        pairs = urllib.parse.parse_qsl(body) + urllib.parse.parse_qsl(query)
        return dict(pairs)

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        fields = self._fields()
        stand_in = self.server.stand_in
        script = stand_in.script
        method = stand_in.method_of(path, fields)
        script.requests.append((method, fields))
        script.times.append(time.monotonic())
        if script.delay:
            time.sleep(script.delay)
        scripted = script.next_error(method)
        if scripted == "drop":  # the connection closes without an answer
            self.close_connection = True
            return
        if scripted == "garbage":
            self._send(200, b"<html>502 Bad Gateway</html>", "text/html")
            return
        if scripted == "http500":
            self._send(500, b"oops", "text/plain")
            return
        status, answer = stand_in.answer(method, fields, scripted)
        self._send(status, json.dumps(answer, ensure_ascii=False).encode(), "application/json")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    stand_in: Any


class StandIn:
    """Base: serve on a free port in a thread; ``url`` is the base URL."""

    def __init__(self) -> None:
        self.script = Script()
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.stand_in = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def method_of(self, path: str, fields: dict[str, str]) -> str:
        return path.rsplit("/", 1)[-1]

    def answer(self, method: str, fields: dict[str, str], scripted: Any) -> tuple[int, Any]:
        raise NotImplementedError

    @contextmanager
    def running(self) -> Iterator[StandIn]:
        self.thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


class VkStandIn(StandIn):
    """VK API 5.199: wall.get (offset/count, newest first), wall.getComments (threads), newsfeed.search,
    wall.getById, wall.createComment (kept in ``created``)."""

    def __init__(self) -> None:
        super().__init__()
        self.posts: dict[int, list[dict[str, Any]]] = defaultdict(list)  # owner_id -> posts, newest first
        self.comments: dict[tuple[int, int], list[dict[str, Any]]] = {}  # (owner, post) -> top-level comments
        self.found: list[dict[str, Any]] = []  # newsfeed.search results, newest first
        self.profiles: list[dict[str, Any]] = []
        self.bare_lists = False  # answer wall.getById with a bare list, as older versions do
        self.created: list[dict[str, Any]] = []  # comments posted by wall.createComment

    @property
    def api_url(self) -> str:
        return self.url + "/method"

    def answer(self, method: str, fields: dict[str, str], scripted: Any) -> tuple[int, Any]:
        if fields.get("access_token") != VK_TOKEN:
            return 200, _vk_error(5, "User authorization failed: invalid access_token (4).")
        if isinstance(scripted, int):
            return 200, _vk_error(
                scripted,
                {6: "Too many requests per second", 10: "Internal server error"}.get(scripted, "Access denied"),
            )
        if scripted is not None:
            return 200, scripted  # a literal answer (malformed shapes)
        offset, count = int(fields.get("offset", 0)), int(fields.get("count", 20))
        if method == "wall.get":
            posts = self.posts[int(fields["owner_id"])]
            page = [
                _with_comment_count(p, self.comments.get((p["owner_id"], p["id"]), [])) if isinstance(p, dict) else p
                for p in posts
            ]
            return 200, {
                "response": {
                    "count": len(posts),
                    "items": page[offset : offset + count],
                    "profiles": self.profiles,
                    "groups": [],
                }
            }
        if method == "wall.getComments":
            key = (int(fields["owner_id"]), int(fields["post_id"]))
            top = self.comments.get(key, [])
            if fields.get("comment_id"):
                parent = next(c for c in top if c["id"] == int(fields["comment_id"]))
                replies = parent.get("_replies", [])
                return 200, {
                    "response": {
                        "count": len(replies),
                        "current_level_count": len(replies),
                        "items": [_public(r) for r in replies[offset : offset + count]],
                    }
                }
            items = []
            for c in top[offset : offset + count]:
                replies = c.get("_replies", [])
                shown = int(fields.get("thread_items_count", 0))
                items.append(
                    {**_public(c), "thread": {"count": len(replies), "items": [_public(r) for r in replies[:shown]]}}
                )
            total = len(top) + sum(len(c.get("_replies", [])) for c in top)
            return 200, {
                "response": {
                    "count": total,
                    "current_level_count": len(top),
                    "items": items,
                    "profiles": self.profiles,
                    "groups": [],
                }
            }
        if method == "newsfeed.search":
            since = int(fields.get("start_time") or 0)
            found = [p for p in self.found if p["date"] >= since]
            start = int(fields.get("start_from") or 0)
            page = found[start : start + count]
            response: dict[str, Any] = {"items": page, "count": len(found), "total_count": len(found)}
            if start + count < len(found):
                response["next_from"] = str(start + count)
            return 200, {"response": response}
        if method == "wall.getById":
            wanted = set(fields["posts"].split(","))
            items = [
                p
                for ps in self.posts.values()
                for p in ps
                if isinstance(p, dict) and f"{p['owner_id']}_{p['id']}" in wanted
            ]
            return 200, {"response": items if self.bare_lists else {"items": items, "profiles": [], "groups": []}}
        if method == "wall.createComment":
            return 200, self._create_comment(fields)
        return 200, _vk_error(3, "Unknown method passed")

    def _create_comment(self, fields: dict[str, str]) -> dict[str, Any]:
        """wall.createComment: the post must exist (and the comment replied to); the message must not be empty."""
        try:
            owner, post = int(fields["owner_id"]), int(fields["post_id"])
        except (KeyError, ValueError):
            return _vk_error(100, "One of the parameters specified was missing or invalid: owner_id and post_id")
        known = any(isinstance(p, dict) and p.get("id") == post for p in self.posts.get(owner, []))
        if not known and (owner, post) not in self.comments:
            return _vk_error(100, "One of the parameters specified was missing or invalid: post_id not found")
        if not fields.get("message", "").strip():
            return _vk_error(100, "One of the parameters specified was missing or invalid: message is empty")
        reply_to = fields.get("reply_to_comment")
        if reply_to and not any(c["id"] == int(reply_to) for c in self.comments.get((owner, post), [])):
            return _vk_error(100, "One of the parameters specified was missing or invalid: reply_to_comment")
        comment_id = 9000 + len(self.created)
        self.created.append({"id": comment_id, **fields})
        return {"response": {"comment_id": comment_id, "parents_stack": [int(reply_to)] if reply_to else []}}


def _vk_error(code: int, message: str) -> dict[str, Any]:
    return {"error": {"error_code": code, "error_msg": message, "request_params": [{"key": "method", "value": "x"}]}}


def _public(comment: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in comment.items() if not k.startswith("_")}


def _with_comment_count(post: dict[str, Any], comments: list[dict[str, Any]]) -> dict[str, Any]:
    total = len(comments) + sum(len(c.get("_replies", [])) for c in comments)
    return {**post, "comments": {"count": total, "can_post": 1}}


class TelegramStandIn(StandIn):
    """The Bot API's getUpdates (updates after ``offset``; confirmed ones are forgotten as Telegram
    does) and sendMessage to the chats in ``chats``."""

    def __init__(self) -> None:
        super().__init__()
        self.updates: list[dict[str, Any]] = []
        self.chats: set[int] = set()  # chats the bot may write to (sendMessage)
        self.sent: list[dict[str, Any]] = []  # messages sent by sendMessage

    @property
    def api_url(self) -> str:
        return self.url

    def method_of(self, path: str, fields: dict[str, str]) -> str:
        parts = path.strip("/").split("/")
        self._token_ok = len(parts) == 2 and parts[0] == f"bot{TG_TOKEN}"
        return parts[-1]

    def add(self, kind: str, message: dict[str, Any]) -> int:
        update_id = 1000 + len(self.updates)
        self.updates.append({"update_id": update_id, kind: message})
        return update_id

    def answer(self, method: str, fields: dict[str, str], scripted: Any) -> tuple[int, Any]:
        if not self._token_ok:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if isinstance(scripted, int):
            extra = {"parameters": {"retry_after": 1}} if scripted == 429 else {}
            return scripted, {"ok": False, "error_code": scripted, "description": f"error {scripted}", **extra}
        if scripted is not None:
            return 200, scripted
        if method == "sendMessage":
            return self._send_message(fields)
        if method != "getUpdates":
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        offset = int(fields.get("offset") or 0)
        limit = int(fields.get("limit") or 100)
        pending = [u for u in self.updates if u["update_id"] >= offset][:limit]
        return 200, {"ok": True, "result": pending}

    def _send_message(self, fields: dict[str, str]) -> tuple[int, Any]:
        """sendMessage: a known chat, a non-empty text; reply_parameters as JSON, as the Bot API takes it."""
        try:
            chat = int(fields["chat_id"])
        except (KeyError, ValueError):
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat_id is empty"}
        if chat not in self.chats:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
        if not fields.get("text", "").strip():
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}
        if len(fields["text"]) > 4096:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
        reply: dict[str, Any] = {}
        if fields.get("reply_parameters"):
            try:
                reply = json.loads(fields["reply_parameters"])
            except json.JSONDecodeError:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: can't parse reply parameters"}
        message_id = 500 + len(self.sent)
        self.sent.append({"message_id": message_id, "chat_id": chat, "text": fields["text"], "reply": reply})
        result = {"message_id": message_id, "date": int(time.time()), "chat": {"id": chat}, "text": fields["text"]}
        if reply.get("message_id"):
            result["reply_to_message"] = {"message_id": reply["message_id"], "chat": {"id": chat}}
        return 200, {"ok": True, "result": result}


class OkStandIn(StandIn):
    """OK REST fb.do: mediatopic.getTopics and discussions.getComments with anchors; checks the signature."""

    def __init__(self) -> None:
        super().__init__()
        self.topics: dict[str, list[dict[str, Any]]] = defaultdict(list)  # gid -> topics, newest first
        self.comments: dict[str, list[dict[str, Any]]] = {}  # topic id -> comments, oldest first

    @property
    def api_url(self) -> str:
        return self.url + "/fb.do"

    def method_of(self, path: str, fields: dict[str, str]) -> str:
        return fields.get("method", "?")

    def answer(self, method: str, fields: dict[str, str], scripted: Any) -> tuple[int, Any]:
        expected = _ok_sig(fields)
        if fields.get("access_token") != OK_TOKEN:
            return 200, {"error_code": 102, "error_msg": "PARAM_SESSION_EXPIRED : Session expired", "error_data": None}
        if fields.get("sig") != expected or fields.get("application_key") != OK_APP_KEY:
            return 200, {"error_code": 104, "error_msg": "PARAM_SIGNATURE : Invalid signature", "error_data": None}
        if isinstance(scripted, int):
            return 200, {"error_code": scripted, "error_msg": f"error {scripted}", "error_data": None}
        if scripted is not None:
            return 200, scripted
        start = int(fields.get("anchor") or 0)
        count = int(fields.get("count") or 10)
        if method == "mediatopic.getTopics":
            topics = self.topics[fields["gid"]]
            page = topics[start : start + count]
            for t in page:
                t["discussion_summary"] = {"comments_count": len(self.comments.get(str(t["id"]), []))}
            more = start + count < len(topics)
            return 200, {
                "media_topics": page,
                "anchor": str(start + count),
                "has_more": more,
                "entities": {"users": [{"uid": "77", "name": "Мария Иванова"}]},
            }
        if method == "discussions.getComments":
            comments = self.comments.get(fields["entityId"], [])
            page = comments[start : start + count]
            return 200, {"comments": page, "anchor": str(start + count), "has_more": start + count < len(comments)}
        return 200, {"error_code": 3, "error_msg": "METHOD : unknown method", "error_data": None}


def _ok_sig(fields: dict[str, str]) -> str:
    secret = hashlib.md5((OK_TOKEN + OK_SECRET).encode()).hexdigest()
    pairs = "".join(f"{k}={fields[k]}" for k in sorted(fields) if k not in ("sig", "access_token"))
    return hashlib.md5((pairs + secret).encode()).hexdigest()
