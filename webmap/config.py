"""Configuration from environment variables, with safe development defaults."""

from __future__ import annotations

import json
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "dev-only-secret-change-me"
DEFAULT_DATABASE_URL = "postgresql://webmap:webmap@127.0.0.1:5432/webmap"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def sqlalchemy_url(url: str) -> str:
    """A libpq URL (as psql takes it) with the driver this project uses, psycopg2."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


def _json(name: str) -> object:
    value = os.environ.get(name)
    return json.loads(value) if value else None


def from_env() -> dict[str, object]:
    """Settings read from ``WEBMAP_*`` variables and ``DATABASE_URL``."""
    return {
        "SECRET_KEY": os.environ.get("WEBMAP_SECRET_KEY", DEFAULT_SECRET),
        "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # A hot standby the public map reads from (webmap/replica.py); empty: the primary only.
        "WEBMAP_REPLICA_URL": os.environ.get("WEBMAP_REPLICA_URL", ""),
        "WEBMAP_ENV": os.environ.get("WEBMAP_ENV", "development"),
        "WEBMAP_TOWN_NAME": os.environ.get("WEBMAP_TOWN_NAME", "Покачи"),
        "WEBMAP_TIMEZONE": os.environ.get("WEBMAP_TIMEZONE", "Asia/Yekaterinburg"),
        # Optional raster tiles (the town's own tile server); the map works without.
        "WEBMAP_TILE_URL": os.environ.get("WEBMAP_TILE_URL", ""),
        "WEBMAP_TILE_ATTRIBUTION": os.environ.get("WEBMAP_TILE_ATTRIBUTION", ""),
        # Answer deadlines per channel, JSON: {"vk": [1, "working_days"], "pos": [30, "days"]}
        "WEBMAP_DEADLINES": _json("WEBMAP_DEADLINES"),
        # Messages about one problem join one case within this distance and time window.
        "WEBMAP_GROUP_DISTANCE_M": float(os.environ.get("WEBMAP_GROUP_DISTANCE_M", "150")),
        "WEBMAP_GROUP_DAYS": float(os.environ.get("WEBMAP_GROUP_DAYS", "30")),
        # Optional remote geocoder for houses the gazetteer lacks: off unless a user agent is set.
        # Only "street, house, town" strings are sent, never message text; 1 request/s, cached.
        "WEBMAP_NOMINATIM_USER_AGENT": os.environ.get("WEBMAP_NOMINATIM_USER_AGENT", ""),
        "WEBMAP_NOMINATIM_DOMAIN": os.environ.get("WEBMAP_NOMINATIM_DOMAIN", ""),
        "WEBMAP_GEOCODER_TOWN": os.environ.get("WEBMAP_GEOCODER_TOWN", "Покачи, Ханты-Мансийский автономный округ"),
        "BABEL_DEFAULT_LOCALE": os.environ.get("WEBMAP_LOCALE", "ru"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("WEBMAP_TIMEZONE", "Asia/Yekaterinburg"),
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "webmap" / "translations"),
        "WEBMAP_LOCALES": ("ru", "en"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("WEBMAP_SECURE_COOKIES", False),
        # The longest a login (remember-me cookie included) lasts, checked by the server.
        "WEBMAP_LOGIN_MAX_AGE_DAYS": float(os.environ.get("WEBMAP_LOGIN_MAX_AGE_DAYS", "14")),
        # The largest JSON body the API reads; a bigger one is refused with 413.
        "WEBMAP_JSON_MAX_BYTES": _int("WEBMAP_JSON_MAX_BYTES", 64 * 1024),
        # maps (webmap/maps, webmap/api, webmap/crew): see README "Maps and the map API"
        "WEBMAP_PUBLIC_FIXED_MAX_AGE_DAYS": _int("WEBMAP_PUBLIC_FIXED_MAX_AGE_DAYS", 180),
        "WEBMAP_MAP_MAX_FEATURES": _int("WEBMAP_MAP_MAX_FEATURES", 400),
        "WEBMAP_MAP_CLUSTER_CELL_PX": _int("WEBMAP_MAP_CLUSTER_CELL_PX", 64),
        # How long the public page keeps its embedded first view (seconds; 0: computed per request).
        "WEBMAP_FIRST_VIEW_CACHE_SECONDS": float(os.environ.get("WEBMAP_FIRST_VIEW_CACHE_SECONDS", "30")),
        "WEBMAP_UPLOAD_DIR": os.environ.get("WEBMAP_UPLOAD_DIR", str(PROJECT_ROOT / "instance" / "uploads")),
        "WEBMAP_UPLOAD_MAX_BYTES": _int("WEBMAP_UPLOAD_MAX_BYTES", 10 * 1024 * 1024),
        # production: reverse proxies in front of the app (0: none), and one JSON log line per request
        "WEBMAP_PROXY_HOPS": _int("WEBMAP_PROXY_HOPS", 0),
        "WEBMAP_REQUEST_LOG": _bool("WEBMAP_REQUEST_LOG", True),
        # category model: written by `webmap triage train`, trained from the shipped corpus when missing
        "WEBMAP_CATEGORY_MODEL": os.environ.get(
            "WEBMAP_CATEGORY_MODEL", str(PROJECT_ROOT / "instance" / "category_model.joblib")
        ),
        "WEBMAP_CATEGORY_REVIEW_BELOW": float(os.environ.get("WEBMAP_CATEGORY_REVIEW_BELOW", "0.5")),
        # Open311 GeoReport v2 (webmap/open311): see README "Open311 and OpenAPI"
        "WEBMAP_OPEN311_JURISDICTION": os.environ.get("WEBMAP_OPEN311_JURISDICTION", ""),
        "WEBMAP_OPEN311_AGENCY": os.environ.get("WEBMAP_OPEN311_AGENCY", ""),
        "WEBMAP_OPEN311_CONTACT": os.environ.get("WEBMAP_OPEN311_CONTACT", ""),
        "WEBMAP_OPEN311_TYPE": os.environ.get("WEBMAP_OPEN311_TYPE", "realtime"),
        "WEBMAP_OPEN311_MAX_DAYS": _int("WEBMAP_OPEN311_MAX_DAYS", 90),
        "WEBMAP_OPEN311_MAX_REQUESTS": _int("WEBMAP_OPEN311_MAX_REQUESTS", 1000),
        "WEBMAP_NAV_URL": os.environ.get("WEBMAP_NAV_URL", "https://yandex.ru/maps/?pt={lon},{lat}&z=17&l=map"),
        **monitor_settings(),
        # time to answer a resident, per channel (webmap.services.analytics.answers); "*": the rest
        "WEBMAP_ANSWER_NORMS": os.environ.get("WEBMAP_ANSWER_NORMS", ""),
        # the dashboard: memory for its sorts, and half its figures on a second connection beside
        # the rest (webmap.services.analytics.beside)
        "WEBMAP_ANALYTICS_WORK_MEM": os.environ.get("WEBMAP_ANALYTICS_WORK_MEM", "64MB"),
        "WEBMAP_ANALYTICS_PARALLEL": _bool("WEBMAP_ANALYTICS_PARALLEL", True),
    }


def monitor_settings() -> dict[str, object]:
    """The monitor's connectors (webmap/connectors) and worker (webmap/monitor); see README "Monitoring"."""
    env = os.environ.get
    return {
        "WEBMAP_VK_API_URL": env("WEBMAP_VK_API_URL", "https://api.vk.ru/method"),
        "WEBMAP_VK_API_VERSION": env("WEBMAP_VK_API_VERSION", "5.199"),
        "WEBMAP_VK_TOKEN": env("WEBMAP_VK_TOKEN", ""),
        "WEBMAP_VK_RPS": float(env("WEBMAP_VK_RPS", "3")),
        "WEBMAP_VK_CONFIRMATION": env("WEBMAP_VK_CONFIRMATION", ""),
        "WEBMAP_VK_CALLBACK_SECRET": env("WEBMAP_VK_CALLBACK_SECRET", ""),
        "WEBMAP_TELEGRAM_API_URL": env("WEBMAP_TELEGRAM_API_URL", "https://api.telegram.org"),
        "WEBMAP_TELEGRAM_TOKEN": env("WEBMAP_TELEGRAM_TOKEN", ""),
        "WEBMAP_TELEGRAM_WEBHOOK_SECRET": env("WEBMAP_TELEGRAM_WEBHOOK_SECRET", ""),
        "WEBMAP_TELEGRAM_POLL_S": _int("WEBMAP_TELEGRAM_POLL_S", 25),
        "WEBMAP_OK_API_URL": env("WEBMAP_OK_API_URL", "https://api.ok.ru/fb.do"),
        "WEBMAP_OK_APP_KEY": env("WEBMAP_OK_APP_KEY", ""),
        "WEBMAP_OK_SECRET_KEY": env("WEBMAP_OK_SECRET_KEY", ""),
        "WEBMAP_OK_TOKEN": env("WEBMAP_OK_TOKEN", ""),
        "WEBMAP_MONITOR_INTERVAL_S": _int("WEBMAP_MONITOR_INTERVAL_S", 300),
        "WEBMAP_MONITOR_HTTP_TIMEOUT_S": float(env("WEBMAP_MONITOR_HTTP_TIMEOUT_S", "30")),
        "WEBMAP_MONITOR_ATTEMPTS": _int("WEBMAP_MONITOR_ATTEMPTS", 5),
        "WEBMAP_MONITOR_BACKOFF_S": float(env("WEBMAP_MONITOR_BACKOFF_S", "1")),
        "WEBMAP_MONITOR_FIRST_RUN_POSTS": _int("WEBMAP_MONITOR_FIRST_RUN_POSTS", 1000),
        "WEBMAP_MONITOR_COMMENT_DAYS": float(env("WEBMAP_MONITOR_COMMENT_DAYS", "14")),
    }


def _int(name: str, default: int) -> int:  # maps
    value = os.environ.get(name)
    return default if value is None or not value.strip() else int(value)
