"""Adding, listing, pausing and resuming watched sources (CLI and admin pages share these)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from webmap.extensions import db
from webmap.models import Source
from webmap.models.constants import SOURCE_KINDS


class SourceInputError(ValueError):
    """What an admin typed does not describe a source; the message says why."""


def parse_near(value: str | None) -> tuple[float, float] | None:
    """``LAT,LON`` as floats within range, or None for a blank value."""
    if value is None or not value.strip():
        return None
    parts = value.replace(";", ",").split(",")
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise SourceInputError(f"--near takes LAT,LON (e.g. 61.74,75.59), not {value!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise SourceInputError(f"--near {value!r} is out of range")
    return lat, lon


def describe(
    kind: str, target: str | None, *, near: str | None = None, radius: float | None = None
) -> tuple[str, dict[str, Any], str]:
    """(key, params, default name) of a source, or SourceInputError."""
    target = (target or "").strip()
    if kind not in SOURCE_KINDS:
        raise SourceInputError(f"unknown kind {kind!r}; known: {', '.join(SOURCE_KINDS)}")
    if kind == "vk-wall":
        try:
            owner_id = int(target)
        except ValueError:
            raise SourceInputError(
                f"a VK wall is its owner id (a community is negative: -21835), not {target!r}"
            ) from None
        if owner_id == 0:
            raise SourceInputError("a VK owner id is not 0")
        return str(owner_id), {"owner_id": owner_id}, f"VK {owner_id}"
    if kind == "vk-search":
        if not target or len(target) > 200:
            raise SourceInputError("a VK search needs a query of up to 200 characters")
        params: dict[str, Any] = {"query": target}
        point = parse_near(near)
        if radius is not None and (point is None or not 0 < radius <= 100_000):
            raise SourceInputError("--radius (metres, up to 100000) goes with --near")
        key = target
        if point:
            params.update(lat=point[0], lon=point[1], radius=radius)
            key = f"{target}|{point[0]},{point[1]}|{radius or ''}"
        return key, params, f"VK: {target}"
    if kind == "telegram-bot":
        if target:
            raise SourceInputError("a Telegram bot takes no argument: its token is WEBMAP_TELEGRAM_TOKEN")
        return "bot", {}, "Telegram bot"
    if not target.isdigit():
        raise SourceInputError(f"an OK group is its numeric id, not {target!r}")
    return target, {"group_id": target}, f"OK {target}"


def add_source(
    kind: str,
    target: str | None,
    *,
    name: str | None = None,
    near: str | None = None,
    radius: float | None = None,
    interval_s: int | None = None,
) -> Source:
    """A new active source, due now; SourceInputError for bad input or one already watched."""
    key, params, default_name = describe(kind, target, near=near, radius=radius)
    if db.session.scalar(select(Source.id).where(Source.kind == kind, Source.key == key)):
        raise SourceInputError(f"{kind} {key} is already watched")
    name = (name or "").replace("\x00", "").strip()[:200] or default_name
    source = Source(
        kind=kind,
        key=key,
        name=name,
        params=params,
        state="active",
        cursor={},
        interval_s=interval_s or int(current_app.config.get("WEBMAP_MONITOR_INTERVAL_S", 300)),
        next_run_at=datetime.now(UTC),
    )
    db.session.add(source)
    db.session.flush()
    return source


def set_state(source: Source, action: str) -> str:
    """Apply ``pause``, ``resume`` or ``run`` (due now); returns the new state."""
    if action == "pause":
        source.state = "paused"
    elif action == "resume":
        source.state = "active"
        source.next_run_at = datetime.now(UTC)
    elif action == "run":
        if source.state != "active":
            raise SourceInputError(f"source {source.id} is {source.state}: resume it first")
        source.next_run_at = datetime.now(UTC)
    else:
        raise SourceInputError(f"unknown action {action!r}")
    return source.state


def all_sources() -> list[Source]:
    return list(db.session.scalars(select(Source).order_by(Source.id)))
