"""Query parameters of the map APIs, checked before any of them reaches SQL.

Every parameter is parsed into a typed value or refused with :class:`BadParameter`
naming the parameter and the reason; the API turns that into a 400 JSON answer.
Nothing here trusts the browser: numbers must be finite and in range, list
values must belong to a closed vocabulary, dates must be real dates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

MAX_PARAM_LENGTH = 2000  # longer values are refused before parsing
MAX_LIST_ITEMS = 50


class BadParameter(ValueError):
    """A parameter the API refuses; ``name`` says which, the message why (shown to people)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    @property
    def centre_lat(self) -> float:
        return (self.south + self.north) / 2


@dataclass(frozen=True)
class FeatureQuery:
    """What a map asks for: a view and the filters on it."""

    bbox: BBox
    zoom: int
    layers: frozenset[str]  # {"works", "cases"}
    work_types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    work_statuses: tuple[str, ...] = ()
    case_statuses: tuple[str, ...] = ()
    district: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    include_old: bool = False  # public: fixed items older than the configured age too
    overdue_only: bool = False  # operator: only open cases past their deadline
    extra: dict[str, object] = field(default_factory=dict)


def single(args: Mapping[str, object], name: str) -> str | None:
    """The one value of ``name``; a repeated or over-long parameter is refused."""
    getlist = getattr(args, "getlist", None)
    values = getlist(name) if getlist else ([args[name]] if name in args else [])
    if not values:
        return None
    if len(values) > 1:
        raise BadParameter(name, _("Параметр %(name)s указан несколько раз.", name=name))
    value = values[0]
    if not isinstance(value, str):
        raise BadParameter(name, _("Параметр %(name)s должен быть строкой.", name=name))
    if len(value) > MAX_PARAM_LENGTH:
        raise BadParameter(name, _("Параметр %(name)s слишком длинный.", name=name))
    return value.strip()


def check_known(args: Mapping[str, object], known: Iterable[str]) -> None:
    """Refuse parameters the endpoint does not take (a typo should not silently do nothing)."""
    allowed = set(known) | {"lang"}
    for name in args:
        if name not in allowed:
            shown = name if len(name) <= 40 else name[:40] + "…"
            raise BadParameter(shown, _("Неизвестный параметр %(name)s.", name=shown))


def parse_float(name: str, raw: str, low: float, high: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise BadParameter(name, _("%(name)s: ожидалось число.", name=name)) from None
    if not math.isfinite(value):
        raise BadParameter(name, _("%(name)s: число должно быть конечным.", name=name))
    if not low <= value <= high:
        raise BadParameter(name, _("%(name)s: число вне диапазона %(low)s…%(high)s.", name=name, low=low, high=high))
    return value


def parse_bbox(raw: str | None, name: str = "bbox") -> BBox:
    """``west,south,east,north`` in degrees (lon/lat, as RFC 7946 orders them)."""
    if not raw:
        raise BadParameter(name, _("Нужен параметр bbox: запад,юг,восток,север."))
    parts = raw.split(",")
    if len(parts) != 4:
        raise BadParameter(name, _("bbox: нужно четыре числа через запятую: запад,юг,восток,север."))
    west = parse_float(name, parts[0], -180, 180)
    south = parse_float(name, parts[1], -90, 90)
    east = parse_float(name, parts[2], -180, 180)
    north = parse_float(name, parts[3], -90, 90)
    if not (west < east and south < north):
        raise BadParameter(name, _("bbox: запад должен быть меньше востока, а юг меньше севера."))
    return BBox(west, south, east, north)


def parse_int(name: str, raw: str | None, low: int, high: int, default: int | None = None) -> int:
    if raw is None or raw == "":
        if default is None:
            raise BadParameter(name, _("Нужен параметр %(name)s.", name=name))
        return default
    if not raw.lstrip("-").isdigit() or len(raw) > 6:
        raise BadParameter(name, _("%(name)s: ожидалось целое число.", name=name))
    value = int(raw)
    if not low <= value <= high:
        raise BadParameter(name, _("%(name)s: число вне диапазона %(low)s…%(high)s.", name=name, low=low, high=high))
    return value


def parse_list(name: str, raw: str | None, allowed: Iterable[str]) -> tuple[str, ...]:
    """A comma-separated list of known values (empty for none given); order kept, repeats dropped."""
    if not raw:
        return ()
    allowed = set(allowed)
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if len(items) > MAX_LIST_ITEMS:
        raise BadParameter(name, _("%(name)s: слишком много значений.", name=name))
    out: list[str] = []
    for item in items:
        if item not in allowed:
            shown = item if len(item) <= 40 else item[:40] + "…"
            raise BadParameter(name, _("%(name)s: неизвестное значение «%(value)s».", name=name, value=shown))
        if item not in out:
            out.append(item)
    return tuple(out)


def parse_date(name: str, raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, _("%(name)s: дата должна быть в виде ГГГГ-ММ-ДД.", name=name)) from None
    if len(raw) != 10 or not 2000 <= value.year <= 2100:
        raise BadParameter(name, _("%(name)s: дата должна быть в виде ГГГГ-ММ-ДД (2000–2100).", name=name))
    return value


def parse_flag(name: str, raw: str | None) -> bool:
    if raw in (None, "", "0", "false"):
        return False
    if raw in ("1", "true"):
        return True
    raise BadParameter(name, _("%(name)s: ожидалось 0 или 1.", name=name))


def parse_choice(name: str, raw: str | None, allowed: Iterable[str]) -> str | None:
    if not raw:
        return None
    if raw not in set(allowed):
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise BadParameter(name, _("%(name)s: неизвестное значение «%(value)s».", name=name, value=shown))
    return raw
