"""The dashboard's filters, read from the query string and checked.

Every value is checked against what exists (districts, categories, channels)
or a range before any SQL sees it; what does not pass becomes a message for the
form (and a 400), never a server error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from webmap.extensions import db
from webmap.models import Category, District
from webmap.models.constants import CHANNELS, PUBLIC_CHANNELS
from webmap.services.analytics import STEPS, Filters, HotspotParams

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
MAX_DAYS = 366 * 20
MAX_VALUES = 50  # repeated parameters (district=1&district=2...)
HOTSPOT_RANGES = {"eps": (5.0, 2000.0), "minpoints": (2, 1000), "distance": (0.0, 5000.0)}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RU = re.compile(r"^\d{2}\.\d{2}\.\d{4}$")


@dataclass
class Parsed:
    filters: Filters
    hotspot: HotspotParams
    errors: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)  # what was asked, for the form

    @property
    def ok(self) -> bool:
        return not self.errors


def today_local(tz: str) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(tz)).date()


def default_period(tz: str) -> tuple[date, date]:
    """The last twelve months: from the first day of the month eleven months ago to today."""
    today = today_local(tz)
    month = today.month - 11
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1), today


def _date(value: str, label: str, errors: list[str]) -> date | None:
    value = value.strip()
    if len(value) > 20:
        errors.append(_("%(field)s: неверная дата.", field=label))
        return None
    try:
        if _ISO.match(value):
            day = date.fromisoformat(value)
        elif _RU.match(value):
            day = datetime.strptime(value, "%d.%m.%Y").date()
        else:
            raise ValueError
    except ValueError:
        errors.append(_("%(field)s: неверная дата, нужна дата вида 2026-01-31.", field=label))
        return None
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        errors.append(_("%(field)s: год должен быть от %(a)s до %(b)s.", field=label, a=EARLIEST_YEAR, b=LATEST_YEAR))
        return None
    return day


def _many(args: MultiDict[str, str], name: str, errors: list[str]) -> list[str]:
    values = [v.strip() for v in args.getlist(name) if v.strip()]
    if len(values) > MAX_VALUES:
        errors.append(_("Слишком много значений фильтра."))
        return []
    return values


def _number(
    args: MultiDict[str, str], name: str, default: float, label: str, errors: list[str], *, integer: bool = False
) -> float:
    value = args.get(name, "").strip()
    if not value:
        return default
    low, high = HOTSPOT_RANGES[name]
    try:
        number = int(value) if integer else float(value.replace(",", "."))
        if number != number:  # NaN
            raise ValueError
    except (ValueError, OverflowError):
        errors.append(_("%(field)s: нужно число.", field=label))
        return default
    if not low <= number <= high:
        errors.append(_("%(field)s: число от %(a)s до %(b)s.", field=label, a=low, b=high))
        return default
    return number


def parse(args: MultiDict[str, str], *, public: bool = False) -> Parsed:
    """Filters and hot-spot settings from ``args``; errors say what was wrong, in the page's language.

    ``public``: for a public export, which the privacy gate narrows to what the public map shows
    (``old=1`` adds fixed items older than the public map's age); only public channels may be asked."""
    tz = current_app.config["WEBMAP_TIMEZONE"]
    errors: list[str] = []
    start, end = default_period(tz)
    if args.get("from", "").strip():
        start = _date(args["from"], _("Начало периода"), errors) or start
    if args.get("to", "").strip():
        end = _date(args["to"], _("Конец периода"), errors) or end
    if start > end:
        errors.append(_("Начало периода позже его конца."))
    elif (end - start).days > MAX_DAYS:
        errors.append(_("Период длиннее 20 лет."))

    district_ids: list[int] = []
    known_districts = set(db.session.scalars(select(District.id)))
    for value in _many(args, "district", errors):
        if not value.isdigit() or len(value) > 9 or int(value) not in known_districts:
            errors.append(_("Нет такого микрорайона."))
        else:
            district_ids.append(int(value))

    categories = _many(args, "category", errors)
    if categories:
        known = set(db.session.scalars(select(Category.code)))
        if any(c not in known for c in categories):
            errors.append(_("Нет такой категории."))
            categories = [c for c in categories if c in known]

    channels = _many(args, "channel", errors)
    known_channels = PUBLIC_CHANNELS if public else CHANNELS
    if any(c not in known_channels for c in channels):
        errors.append(_("Нет такого канала."))
        channels = [c for c in channels if c in known_channels]

    old = args.get("old", "").strip()
    if public and old not in ("", "0", "1"):
        errors.append(_("%(name)s: ожидалось 0 или 1.", name="old"))

    step = args.get("step", "").strip() or "month"
    if step not in STEPS:
        errors.append(_("Шаг динамики: неделя или месяц."))
        step = "month"

    hotspot = HotspotParams(
        eps=_number(args, "eps", HotspotParams.eps, _("Радиус очага, м"), errors),
        minpoints=int(
            _number(args, "minpoints", HotspotParams.minpoints, _("Обращений в очаге"), errors, integer=True)
        ),
        distance=_number(args, "distance", HotspotParams.distance, _("Расстояние до работы, м"), errors),
    )
    filters = Filters(
        date_from=start,
        date_to=end if start <= end else start,
        districts=tuple(sorted(set(district_ids))),
        categories=tuple(sorted(set(categories))),
        channels=tuple(sorted(set(channels))),
        step=step,
        tz=tz,
        public=public,
        include_old=public and old == "1",
        fixed_max_age_days=int(current_app.config["WEBMAP_PUBLIC_FIXED_MAX_AGE_DAYS"]),
    )
    return Parsed(filters, hotspot, errors)


def query_args(f: Filters, hotspot: HotspotParams | None = None) -> dict[str, Any]:
    """The query string of ``f`` for links (lists, exports, hot spots), without defaults."""
    args: dict[str, Any] = {"from": f.date_from.isoformat(), "to": f.date_to.isoformat()}
    if f.districts:
        args["district"] = list(f.districts)
    if f.categories:
        args["category"] = list(f.categories)
    if f.channels:
        args["channel"] = list(f.channels)
    if f.step != "month":
        args["step"] = f.step
    if f.public and f.include_old:
        args["old"] = "1"
    if hotspot is not None and hotspot != HotspotParams():
        args.update(eps=_plain(hotspot.eps), minpoints=hotspot.minpoints, distance=_plain(hotspot.distance))
    return args


def _plain(number: float) -> str:
    return f"{number:g}"


def page_number(args: MultiDict[str, str]) -> int:
    value = args.get("page", "1").strip()
    if not value.isdigit() or len(value) > 6 or int(value) < 1:
        return 1
    return int(value)
