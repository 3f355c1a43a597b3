"""The privacy gate: what any public surface (the public map and its popups, public exports,
and whatever public API comes next) may carry. Every public surface goes through it.

- *Which items:* cases accepted, in work or done, and works in work or done (never a new,
  rejected or duplicate case, nor a planned work); fixed ones older than the configured age
  only when asked (:func:`visible_case`, :func:`visible_work`).
- *Which fields:* the lists below, per object and surface; a field added elsewhere is not public.
- *Which links:* a post in a community or a public channel (:func:`public_post_url`, and the same
  patterns in SQL, :func:`public_post`), never a person's profile or own wall, a private
  Telegram link, or anything that is not ``https``.
- *Which text:* free text goes through :func:`public_text`; messages' own texts and authors never.
- *Where:* a case's exact point only when a public post reported it; a work's geometry (public)
  marks the place of the cases it answers; any other case (known from ПОС, a reception, a phone
  call, an operator's entry) is shown at the centre of a coarse grid cell and named by its street,
  never its house (:func:`public_point`, :func:`public_place`) — a resident's «у меня в квартире на
  Кедровой 20» must not become a pin on their home.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from flask import has_app_context
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, String, and_, case, exists, func, or_, select, text
from sqlalchemy.orm import aliased

from geo.pii import find_pii, redact
from geo.triage import redact_personal
from webmap.extensions import db
from webmap.models import SourceMessage, Work, work_appeals
from webmap.models import filters as fl
from webmap.models.constants import PUBLIC_CHANNELS
from webmap.models.vocab import APPEAL_STATUS, FIXED, PUBLIC, WORK_STATUS

# -- which items -----------------------------------------------------------------------------------

CASE_STATUSES = APPEAL_STATUS.group(PUBLIC)  # a case the public may see: accepted, in work, done
DEFAULT_CASE_STATUSES = ("in_work",)
WORK_STATUSES = WORK_STATUS.group(PUBLIC)  # a work the public may see: in work, done
DEFAULT_WORK_STATUSES = WORK_STATUS.group(FIXED)
PRIVATE_TABLES = frozenset({"receptions", "receptions_people", "receptions_categories"})  # never public


def old_cut(now: datetime, max_age_days: int) -> datetime:
    return now - timedelta(days=max_age_days)


def public_case_statuses(statuses: Iterable[str]) -> list[str]:
    """Those of ``statuses`` the public may see: a narrowing, never a widening."""
    return [s for s in statuses if s in CASE_STATUSES]


def public_work_statuses(statuses: Iterable[str]) -> list[str]:
    return [s for s in statuses if s in WORK_STATUSES]


def visible_case(
    a: Any, *, now: datetime, max_age_days: int, include_old: bool, statuses: Iterable[str] = CASE_STATUSES
) -> ColumnElement[bool]:
    """Cases the public may see (``statuses`` narrows, never widens, the public ones)."""
    parts = [fl.case_status_in(a, public_case_statuses(statuses)), fl.case_placed(a)]
    if not include_old:
        parts.append(fl.case_not_old_fixed(a, old_cut(now, max_age_days)))
    return and_(*parts)


def visible_work(
    w: Any, *, now: datetime, max_age_days: int, include_old: bool, statuses: Iterable[str] = WORK_STATUSES
) -> ColumnElement[bool]:
    parts = [fl.work_status_in(w, public_work_statuses(statuses))]
    if not include_old:
        parts.append(fl.work_not_old(w, old_cut(now, max_age_days)))
    return and_(*parts)


# Aliases of the gate's own subqueries (apart from any the caller's SQL uses).
_FILTER_MESSAGE: Any = aliased(SourceMessage, name="pm")
_POST_MESSAGE: Any = aliased(SourceMessage, name="pp")
_MARKING_WORK: Any = aliased(Work, name="mw")


def public_channel_filter(a: Any, channels: Iterable[str]) -> ColumnElement[bool]:
    """Cases reported by a public post of one of ``channels`` (the only channel filter the public has)."""
    return fl.case_has_message(a, _FILTER_MESSAGE, _public_post_of(_FILTER_MESSAGE, channels))


def public_work_channel_filter(w: Any, channels: Iterable[str]) -> ColumnElement[bool]:
    """Works answering a case reported by a public post of one of ``channels``."""
    return fl.work_has_message(w, _FILTER_MESSAGE, _public_post_of(_FILTER_MESSAGE, channels))


def _public_post_of(m: Any, channels: Iterable[str]) -> ColumnElement[bool]:
    """Message ``m`` is a public post of one of ``channels`` (the public ones among them)."""
    wanted = [c for c in channels if c in PUBLIC_CHANNELS]
    return and_(fl.any_of(m.channel, wanted, String()), public_post(m))


# -- which fields ----------------------------------------------------------------------------------

# Every property a public case or work may have on any surface; each surface takes a subset.
MAP_CASE_FIELDS = ("kind", "id", "category", "title", "status", "date")
MAP_WORK_FIELDS = ("kind", "id", "type", "icon", "title", "status", "date", "anchor")
# "answer": the centre's last sent or official answer, redacted (webmap.maps.answers)
POPUP_CASE_FIELDS = MAP_CASE_FIELDS[:-1] + (
    "status_label",
    "created",
    "closed_at",
    "when",
    "where",
    "note",
    "sources",
    "answer",
    "answer_label",
)
POPUP_WORK_FIELDS = MAP_WORK_FIELDS[:-2] + (
    "status_label",
    "done_at",
    "created",
    "when",
    "where",
    "note",
    "sources",
    "cases",
    "photos",
    "answer",
    "answer_label",
)
EXPORT_CASE_FIELDS = (
    "kind",
    "id",
    "category_code",
    "category",
    "status",
    "status_label",
    "district",
    "created",
    "closed",
    "urls",
    "public_note",
)
EXPORT_WORK_FIELDS = ("kind", "id", "type_code", "type", "status", "status_label", "district", "done", "public_note")
# Columns of the dashboard's tables a public export keeps (a table not named here keeps its
# columns not marked personal: counts, no items).
TABLE_COLUMNS = {
    "cases": ("id", "created_at", "category", "status", "district", "closed_at", "urls"),
    "works_list": ("id", "type", "status", "done_at", "district", "public_note"),
    "hotspots": ("rank", "category", "size", "open", "district", "first", "last"),
}


def table_columns(name: str, columns: list[Any]) -> list[Any]:
    """The columns of table ``name`` a public export may carry."""
    keep = TABLE_COLUMNS.get(name)
    return [c for c in columns if not c.personal and (keep is None or c.key in keep)]


# -- which links -----------------------------------------------------------------------------------

# Written so that Python's ``re`` and PostgreSQL's ``~`` read them alike (anchored where used).
POST_URL_PATTERNS = {
    # A post in a community (negative owner id) or one of its comments, never a person's wall.
    "vk": r"https://(?:m\.)?vk\.(?:com|ru)/wall-\d{1,12}_\d{1,12}(?:\?reply=\d{1,12}(?:&thread=\d{1,12})?)?",
    # A message in a public channel or group (t.me/<name>/<id>), not a private chat link (t.me/c/...).
    "telegram": r"https://t\.me/(?!c/)[A-Za-z][A-Za-z0-9_]{3,31}/\d{1,12}(?:\?comment=\d{1,12})?",
    "ok": r"https://(?:m\.)?ok\.ru/group/\d{1,20}/topic/\d{1,20}",
}
POST_URL = {channel: re.compile(pattern) for channel, pattern in POST_URL_PATTERNS.items()}


def public_post_url(channel: str, url: str | None) -> str | None:
    """``url`` if it is a public post of a public channel, else None."""
    pattern = POST_URL.get(channel)
    if not url or pattern is None:
        return None
    return url if pattern.fullmatch(url) else None


@lru_cache(maxsize=64)  # the same expression for an entity every time: built once
def public_post(m: Any) -> ColumnElement[bool]:
    """SQL: message ``m`` (an alias of SourceMessage) is a public post (same rule as public_post_url)."""
    return or_(
        *(
            and_(m.channel == channel, func.regexp_like(m.url, f"^(?:{pattern})$"))
            for channel, pattern in POST_URL_PATTERNS.items()
        )
    )


def source_label(channel: str) -> str:
    """How a public page names where a request came from."""
    labels = {
        "vk": _("пост ВКонтакте"),
        "telegram": _("сообщение в Telegram"),
        "ok": _("пост в Одноклассниках"),
        "pos": _("обращение через ПОС"),
        "reception": _("личный приём"),
        "phone": _("обращение по телефону"),
    }
    return labels.get(channel, _("обращение"))


LABELLED_CHANNELS = ("vk", "telegram", "ok", "pos", "reception", "phone")


def public_sources(messages: Iterable[tuple[str, str | None]]) -> list[dict[str, Any]]:
    """Each public post (channel, url) with its link; the rest by channel name and count, no text."""
    out: list[dict[str, Any]] = []
    counted: dict[str, dict[str, Any]] = {}
    for channel, raw_url in messages:
        url = public_post_url(channel, raw_url)
        if url:
            out.append({"channel": channel, "label": source_label(channel), "url": url})
            continue
        key = channel if channel in LABELLED_CHANNELS else "other"
        entry = counted.get(key)
        if entry is None:
            entry = counted[key] = {"channel": key, "label": source_label(key), "count": 0}
            out.append(entry)
        entry["count"] += 1
    return out


def public_urls(channels_and_urls: Iterable[tuple[str, str | None]]) -> list[str]:
    """The public post links among a case's messages, each once, in order."""
    out: list[str] = []
    for channel, raw_url in channels_and_urls:
        url = public_post_url(channel, raw_url)
        if url and url not in out:
            out.append(url)
    return out


# -- which text ------------------------------------------------------------------------------------


def public_text(value: str | None, limit: int = 1000) -> str | None:
    """``value`` with phones, e-mails, links and person names replaced by placeholders.

    Street names that are also surnames ("на Мира и Ленина") are kept: the gazetteer index says
    where the places are (without an application, the plain detector of geo.pii is used).
    """
    if not value:
        return None
    value = value[:limit]
    if has_app_context():
        from webmap.services.triage import current_index

        return _redacted(value, current_index())
    return redact(value, find_pii(value))


@lru_cache(maxsize=4096)
def _redacted(value: str, index: Any) -> str:
    return redact_personal(value, index)


# -- where -----------------------------------------------------------------------------------------

CELL_DEG = (0.004, 0.002)  # lon, lat of a private case's grid cell: about 210 x 220 m in the town
# Farthest a cell's centre lies from a point in it, in lon and lat (half a cell, and a little more).
CELL_MARGIN_DEG = (CELL_DEG[0] * 0.51, CELL_DEG[1] * 0.51)


@lru_cache(maxsize=64)  # the same expression for an entity every time: built once
def reported_publicly(a: Any) -> ColumnElement[bool]:
    """A public post reports the case: its place is already public."""
    m = _POST_MESSAGE
    return exists().where(m.appeal_id == a.id, public_post(m)).correlate(a)


@lru_cache(maxsize=64)  # the same expression for an entity every time: built once
def marking_work_point(a: Any) -> Any:
    """The point of the first public work answering the case nearest to the case (the work is public)."""
    mw = _MARKING_WORK
    return (
        select(func.ST_ClosestPoint(mw.geom, a.point))
        .join(work_appeals, work_appeals.c.work_id == mw.id)
        .where(work_appeals.c.appeal_id == a.id, fl.work_status_in(mw, WORK_STATUSES))
        .order_by(mw.id)
        .limit(1)
        .correlate(a)
        .scalar_subquery()
    )


def cell_centre(point: Any) -> Any:
    """The centre of the grid cell holding ``point``."""
    w, h = CELL_DEG
    return func.ST_SetSRID(
        func.ST_MakePoint((func.floor(func.ST_X(point) / w) + 0.5) * w, (func.floor(func.ST_Y(point) / h) + 0.5) * h),
        4326,
    )


@lru_cache(maxsize=64)  # the same expression for an entity every time: built once
def coarse_point(a: Any) -> Any:
    """The case's cell centre: never finer than its public point, so safe for any aggregate (the
    map's clusters) and cheap (no lookup per case)."""
    return cell_centre(a.point)


@lru_cache(maxsize=64)  # the same expression for an entity every time: built once
def public_point(a: Any) -> Any:
    """Where the public sees case ``a``: its point if a public post reported it, else the place of a
    public work answering it, else its grid cell's centre."""
    return public_point_of(a.point, reported_publicly(a), marking_work_point(a))


def public_point_of(point: Any, reported: Any, work_point: Any) -> Any:
    """:func:`public_point` from its parts, for a query that computes them once per case (a list):
    the case's own ``point``, whether a public post ``reported`` it (:func:`reported_publicly`)
    and the ``work_point`` of a public work answering it (:func:`marking_work_point`, or NULL)."""
    return case((reported, point), else_=func.coalesce(work_point, cell_centre(point)))


def public_point_in_bbox(a: Any, west: fl.Num, south: fl.Num, east: fl.Num, north: fl.Num) -> ColumnElement[bool]:
    """The case's public point lies in the view.

    The GiST index finds the candidates within half a cell of the view. A case whose own point and
    cell centre are both inside (or both outside) is in (or out) whichever of them is public; only
    the few whose point and cell centre straddle an edge compute the public point. (So a case shown
    on an answering work's place farther away is found by the views around its own place.)
    """
    mx, my = CELL_MARGIN_DEG
    view = (west, south, east, north)
    own, cell = fl.in_bbox(a.point, *view), fl.in_bbox(coarse_point(a), *view)
    return and_(
        fl.point_in_view(a.point, west - mx, south - my, east + mx, north + my),
        or_(and_(own, cell), and_(or_(own, cell), fl.in_bbox(public_point(a), *view))),
    )


NEAR_HOUSE_M = 80
NEAR_STREET_M = 250


def public_place(lon: float, lat: float, *, houses: bool) -> str | None:
    """The place from the gazetteer: the nearest house (within 80 m, when ``houses``) or street
    (within 250 m), and the district."""
    params = {"lon": lon, "lat": lat}
    point = "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"
    place = None
    if houses:
        house = db.session.execute(
            text(
                f"SELECT full_name, ST_Distance(geom::geography, {point}::geography) FROM addresses "
                f"ORDER BY geom <-> {point} LIMIT 1"
            ),
            params,
        ).first()
        if house and house[1] <= NEAR_HOUSE_M:
            place = house[0]
    if place is None:
        street = db.session.execute(
            text(
                f"SELECT full_name, ST_Distance(geom::geography, {point}::geography) FROM streets "
                f"ORDER BY geom <-> {point} LIMIT 1"
            ),
            params,
        ).first()
        if street and street[1] <= NEAR_STREET_M:
            place = street[0]
    district = db.session.execute(
        text(f"SELECT name FROM districts WHERE ST_Contains(geom, {point}) LIMIT 1"), params
    ).scalar()
    if place and district:
        return f"{place} ({district})"
    return place or district
