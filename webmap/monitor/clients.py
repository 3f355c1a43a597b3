"""A source's connector, built from the app config: URLs, tokens, limits, retries."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from webmap.connectors.base import Batch
from webmap.connectors.errors import TokenInvalid
from webmap.connectors.http import HttpClient, RateLimit
from webmap.connectors.ok import OkApi, OkReader
from webmap.connectors.telegram import TelegramApi, TelegramReader
from webmap.connectors.vk import VkApi, VkReader
from webmap.models import Source

#: One rate limit per API in this process, shared by all its sources (VK allows 3 requests a second).
_LIMITS: dict[str, RateLimit] = {}


def http_client(what: str, cfg: Mapping[str, Any], per_second: float = 0.0) -> HttpClient:
    client = HttpClient(
        what,
        timeout=float(cfg["WEBMAP_MONITOR_HTTP_TIMEOUT_S"]),
        attempts=int(cfg["WEBMAP_MONITOR_ATTEMPTS"]),
        backoff=float(cfg["WEBMAP_MONITOR_BACKOFF_S"]),
    )
    limit = _LIMITS.get(what)
    if limit is None or limit.interval != (1.0 / per_second if per_second > 0 else 0.0):
        limit = _LIMITS[what] = RateLimit(per_second)
    client.limit = limit
    return client


def _token(cfg: Mapping[str, Any], name: str) -> str:
    value = str(cfg.get(name) or "")
    if not value:
        raise TokenInvalid(f"{name} is not set")
    return value


def vk_api(cfg: Mapping[str, Any]) -> VkApi:
    http = http_client("VK", cfg, float(cfg["WEBMAP_VK_RPS"]))
    return VkApi(http, str(cfg["WEBMAP_VK_API_URL"]), _token(cfg, "WEBMAP_VK_TOKEN"), str(cfg["WEBMAP_VK_API_VERSION"]))


def telegram_api(cfg: Mapping[str, Any]) -> TelegramApi:
    return TelegramApi(
        http_client("Telegram", cfg), str(cfg["WEBMAP_TELEGRAM_API_URL"]), _token(cfg, "WEBMAP_TELEGRAM_TOKEN")
    )


def batches(source: Source, cfg: Mapping[str, Any], *, poll: bool) -> Iterator[Batch]:
    """The batches of one run of ``source``; ``poll`` lets Telegram long-poll (the worker, not --once)."""
    first, days = int(cfg["WEBMAP_MONITOR_FIRST_RUN_POSTS"]), float(cfg["WEBMAP_MONITOR_COMMENT_DAYS"])
    params, cursor = dict(source.params or {}), dict(source.cursor or {})
    if source.kind in ("vk-wall", "vk-search"):
        vk = VkReader(vk_api(cfg), first_run_posts=first, comment_days=days)
        return vk.wall(params, cursor) if source.kind == "vk-wall" else vk.search(params, cursor)
    if source.kind == "telegram-bot":
        timeout = int(cfg["WEBMAP_TELEGRAM_POLL_S"]) if poll else 0
        return TelegramReader(telegram_api(cfg), poll_timeout=timeout).updates(params, cursor)
    ok = OkApi(
        http_client("OK", cfg),
        str(cfg["WEBMAP_OK_API_URL"]),
        _token(cfg, "WEBMAP_OK_APP_KEY"),
        _token(cfg, "WEBMAP_OK_SECRET_KEY"),
        _token(cfg, "WEBMAP_OK_TOKEN"),
    )
    return OkReader(ok, first_run_topics=first, comment_days=days).group(params, cursor)


def secrets(cfg: Mapping[str, Any]) -> list[str]:
    """Every configured secret, to be removed from error texts."""
    names = (
        "WEBMAP_VK_TOKEN",
        "WEBMAP_TELEGRAM_TOKEN",
        "WEBMAP_OK_TOKEN",
        "WEBMAP_OK_SECRET_KEY",
        "WEBMAP_VK_CALLBACK_SECRET",
        "WEBMAP_TELEGRAM_WEBHOOK_SECRET",
    )
    return [str(cfg.get(n) or "") for n in names]
