"""Reading Open311 parameters: formats, jurisdiction, W3C dates, comma lists; errors as the spec wants."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from webmap.open311.encoding import FORMATS


class Open311Error(Exception):
    """An answer of the spec's error list: 400 for a bad request, 403 for a key, 404 for what does not exist."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Open311Error(404, _("Формат %(fmt)s не поддерживается: используйте .xml или .json.", fmt=fmt[:20]))
    return fmt


def check_jurisdiction(value: str | None) -> None:
    """``jurisdiction_id`` is optional (one jurisdiction); when configured, a given one must match it."""
    wanted = current_app.config.get("WEBMAP_OPEN311_JURISDICTION") or ""
    if value and wanted and value != wanted:
        raise Open311Error(404, _("jurisdiction_id %(value)s не найден.", value=value[:100]))


# W3C datetime (a profile of ISO 8601): a date, or a date and time with its zone (Z or ±hh:mm).
_W3C = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2}))?")


def parse_datetime(name: str, value: str | None) -> datetime | None:
    """A W3C datetime with its zone; a bare date is the town's midnight of that day."""
    if not value:
        return None
    if len(value) > 40 or not _W3C.fullmatch(value):
        raise Open311Error(
            400, _("%(name)s: нужна дата в формате W3C с часовым поясом, например 2026-01-01T00:00:00Z.", name=name)
        )
    try:
        if "T" not in value:
            tz = ZoneInfo(current_app.config["WEBMAP_TIMEZONE"])
            return datetime.combine(date.fromisoformat(value), time(), tz)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Open311Error(400, _("%(name)s: такой даты нет.", name=name)) from exc


def comma_list(name: str, value: str | None, allowed: Iterable[str] | None = None, limit: int = 200) -> list[str]:
    """``a,b,c`` (empty items skipped); each must be in ``allowed`` when given."""
    if not value:
        return []
    items = [v.strip() for v in value.split(",") if v.strip()]
    if len(items) > limit:
        raise Open311Error(400, _("%(name)s: не больше %(limit)s значений.", name=name, limit=limit))
    if allowed is not None:
        known = set(allowed)
        unknown = [v for v in items if v not in known]
        if unknown:
            raise Open311Error(400, _("%(name)s: неизвестное значение %(value)s.", name=name, value=unknown[0][:50]))
    return items
