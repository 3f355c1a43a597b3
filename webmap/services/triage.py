"""Triage inside the app: the geo index built from the stored gazetteer.

The index lives in memory (a town's gazetteer is small) and is rebuilt when the
gazetteer changes; fuzzy street names fall back to PostgreSQL's pg_trgm.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

from flask import current_app
from sqlalchemy import func, select, text

from geo.index import GazetteerIndex
from geo.normalize import name_key
from geo.triage import triage
from webmap.extensions import db
from webmap.models import Address, District, Landmark, Street
from webmap.services.gazetteer import town_from_db

TRIGRAM_THRESHOLD = 0.45
STAMP_TTL = 60.0


def trigram_streets(name: str) -> list[tuple[str, float]]:
    """Streets whose name is like ``name`` by trigram similarity, best first."""
    key = name_key(name)
    rows = db.session.execute(
        select(Street.name, func.similarity(Street.name_key, key).label("sim"))
        .where(func.similarity(Street.name_key, key) >= TRIGRAM_THRESHOLD)
        .order_by(text("sim DESC"))
        .limit(5)
    )
    return [(n, float(s)) for n, s in rows]


def current_index() -> GazetteerIndex:
    """The app's gazetteer index, rebuilt when the stored gazetteer has changed.

    The check costs a few count queries, so it runs at most every STAMP_TTL
    seconds; a load in this process drops the index at once (forget_index).
    """
    cache: dict[str, Any] = current_app.extensions.setdefault("webmap.triage", {})
    now = time.monotonic()
    if "index" in cache and now - cache["checked"] < STAMP_TTL:
        return cache["index"]
    stamp = _stamp()
    if cache.get("stamp") != stamp:
        fuzzy = lru_cache(maxsize=4096)(trigram_streets)
        cache["index"] = GazetteerIndex(town_from_db(), fuzzy_streets=fuzzy, house_locator=remote_house_locator())
        cache["stamp"] = stamp
    cache["checked"] = now
    return cache["index"]


def remote_house_locator() -> Any:
    """The configured remote geocoder's house locator, or None (the default: nothing leaves the machine)."""
    cfg = current_app.config
    if not cfg.get("WEBMAP_NOMINATIM_USER_AGENT"):
        return None
    from geo.geocoder import nominatim

    remote = nominatim(
        cfg["WEBMAP_NOMINATIM_USER_AGENT"],
        cfg["WEBMAP_GEOCODER_TOWN"],
        domain=cfg.get("WEBMAP_NOMINATIM_DOMAIN") or None,
    )
    return remote.house_locator()


def forget_index() -> None:
    """Drop the cached index (after the gazetteer was changed in this process)."""
    current_app.extensions.pop("webmap.triage", None)


def _stamp() -> tuple[int, ...]:
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (District, Street, Address, Landmark)]
    maxima = [
        db.session.scalar(select(func.coalesce(func.max(m.id), 0))) for m in (District, Street, Address, Landmark)
    ]
    return tuple(counts + maxima)


def triage_message(message_text: str, channel: str | None = None) -> Any:
    """Place, category (by the app's category model) and personal-data spans of one message."""
    from webmap.services.training import current_model

    return triage(message_text, current_index(), channel=channel, model=current_model())
