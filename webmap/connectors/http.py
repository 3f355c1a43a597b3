"""The HTTP client the connectors share: JSON answers, a request rate limit, retries with backoff.

Built on the standard library (urllib): a connector makes one request at a time,
so no pool is needed. Network failures and 5xx answers are retried with
exponential backoff; other answers are returned as parsed JSON whatever their
status (the APIs put their error codes in the body). A body that is not JSON is
a MalformedAnswer. Error texts never hold the URL (Telegram's has the token).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from webmap.connectors.errors import MalformedAnswer, NetworkError

USER_AGENT = "webmap-monitor/1"
MAX_BODY = 50 * 1024 * 1024


class RateLimit:
    """At most ``per_second`` calls a second from this process (thread-safe)."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._clock = clock
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            time.sleep(delay)


class HttpClient:
    """JSON over HTTP with a rate limit and retries; ``what`` names the API in errors."""

    def __init__(
        self,
        what: str,
        *,
        per_second: float = 0.0,
        timeout: float = 30.0,
        attempts: int = 5,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.what = what
        self.limit = RateLimit(per_second)
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.sleep = sleep

    def pause(self, attempt: int) -> None:
        """Wait before retry number ``attempt`` (0-based): backoff, 2×backoff, 4×… capped at a minute."""
        self.sleep(min(60.0, self.backoff * (2**attempt)))

    def post_form(self, url: str, fields: Mapping[str, Any], *, label: str, timeout: float | None = None) -> Any:
        """POST ``fields`` form-encoded (secrets stay out of URLs and logs); the parsed JSON answer."""
        body = urllib.parse.urlencode({k: _text(v) for k, v in fields.items() if v is not None}).encode()
        return self._request(url, body, label=label, timeout=timeout)

    def get(self, url: str, params: Mapping[str, Any], *, label: str, timeout: float | None = None) -> Any:
        query = urllib.parse.urlencode({k: _text(v) for k, v in params.items() if v is not None})
        return self._request(f"{url}?{query}" if query else url, None, label=label, timeout=timeout)

    def _request(self, url: str, body: bytes | None, *, label: str, timeout: float | None) -> Any:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        last = ""
        for attempt in range(self.attempts):
            self.limit.wait()
            request = urllib.request.Request(url, data=body, headers=headers, method="POST" if body else "GET")
            try:
                with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                    return _json(response.read(MAX_BODY + 1), self.what, label)
            except urllib.error.HTTPError as exc:
                if exc.code < 500 and exc.code != 429:
                    return _json(exc.read(MAX_BODY + 1), self.what, label, status=exc.code)
                last = f"HTTP {exc.code}"
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                last = "timed out" if isinstance(reason, TimeoutError) else type(reason).__name__
                if isinstance(reason, OSError) and reason.strerror:
                    last = reason.strerror
            if attempt + 1 < self.attempts:
                self.pause(attempt)
        raise NetworkError(f"{self.what} {label}: no answer after {self.attempts} attempts ({last})")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _json(data: bytes, what: str, label: str, status: int = 200) -> Any:
    if len(data) > MAX_BODY:
        raise MalformedAnswer(f"{what} {label}: answer over {MAX_BODY // (1024 * 1024)} MB")
    try:
        return json.loads(data.decode("utf-8-sig"))  # some answers begin with a BOM
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        start = data[:80].decode("utf-8", "replace")
        raise MalformedAnswer(
            f"{what} {label}: HTTP {status}, not JSON ({exc.__class__.__name__}): {start!r}"
        ) from None
