"""The building blocks of the dashboard's figures: filters, tables, and the WHERE clauses.

Every value reaches SQL as a bound parameter; SQL text is built only from the fixed
fragments here (aliases are ours, never input).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import text

from webmap.extensions import db
from webmap.models.vocab import APPEAL_STATUS, OPEN, WAITING

STEPS = ("week", "month")


@dataclass(frozen=True)
class Filters:
    """What the dashboard looks at: a period of local dates and optional narrowing."""

    date_from: date
    date_to: date
    districts: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    step: str = "month"
    tz: str = "Asia/Yekaterinburg"

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time(0), ZoneInfo(self.tz)).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The first moment after the period (midnight after ``date_to``)."""
        return datetime.combine(self.date_to + timedelta(days=1), time(0), ZoneInfo(self.tz)).astimezone(UTC)


@dataclass(frozen=True)
class HotspotParams:
    eps: float = 100.0  # metres between neighbouring cases of a cluster
    minpoints: int = 3  # cases a cluster needs
    distance: float = 100.0  # metres: a work of the category this near covers the cluster


@dataclass(frozen=True)
class Column:
    key: str
    title: Any  # lazy string, translated where shown
    kind: str = "text"  # text, int, float, percent, date, datetime
    personal: bool = False  # personal data: never in a public export
    free_text: bool = False  # typed by staff for residents: redacted in a public export


@dataclass
class Table:
    """A table the dashboard shows, charts and exports."""

    name: str
    title: Any
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    public: bool = True  # may be exported without login (personal columns dropped)

    def visible_columns(self, personal: bool) -> list[Column]:
        return [c for c in self.columns if personal or not c.personal]


# -- SQL fragments ---------------------------------------------------------------------------------


def case_where(f: Filters, alias: str = "a") -> tuple[str, dict[str, Any]]:
    """WHERE text and parameters selecting the filtered cases (``alias`` is ours, never input)."""
    parts = [f"{alias}.created_at >= :start", f"{alias}.created_at < :end"]
    params: dict[str, Any] = {"start": f.start, "end": f.end}
    if f.districts:
        parts.append(f"{alias}.district_id = ANY(:districts)")
        params["districts"] = list(f.districts)
    if f.categories:
        parts.append(f"{alias}.category_code = ANY(:categories)")
        params["categories"] = list(f.categories)
    if f.channels:
        parts.append(
            f"EXISTS (SELECT 1 FROM source_messages fm WHERE fm.appeal_id = {alias}.id AND fm.channel = ANY(:channels))"
        )
        params["channels"] = list(f.channels)
    return " AND ".join(parts), params


def work_where(f: Filters, alias: str = "w") -> tuple[str, dict[str, Any]]:
    """WHERE text and parameters selecting the works done in the period under the filters."""
    parts = [f"{alias}.status = 'done'", f"{alias}.done_at >= :start", f"{alias}.done_at < :end"]
    params: dict[str, Any] = {"start": f.start, "end": f.end}
    if f.districts:
        # against the districts' union, once (an InitPlan): the works' GiST index finds the
        # works there, where a per-work EXISTS would probe every work of a region's towns
        parts.append(
            f"ST_Intersects({alias}.geom, (SELECT ST_Union(fd.geom) FROM districts fd WHERE fd.id = ANY(:districts)))"
        )
        params["districts"] = list(f.districts)
    if f.categories:
        parts.append(
            f"({alias}.type_code = ANY(:categories) OR EXISTS (SELECT 1 FROM work_appeals fwa"
            f" JOIN appeals fa ON fa.id = fwa.appeal_id WHERE fwa.work_id = {alias}.id"
            f" AND fa.category_code = ANY(:categories)))"
        )
        params["categories"] = list(f.categories)
    if f.channels:
        parts.append(
            f"EXISTS (SELECT 1 FROM work_appeals fwa JOIN source_messages fm"
            f" ON fm.appeal_id = fwa.appeal_id WHERE fwa.work_id = {alias}.id"
            f" AND fm.channel = ANY(:channels))"
        )
        params["channels"] = list(f.channels)
    return " AND ".join(parts), params


# Pieces of a status breakdown, shared by the summary and the tables.
OPEN_CASE = APPEAL_STATUS.sql_group("a.status", OPEN)
OPEN_SQL = APPEAL_STATUS.sql_list(OPEN)  # the list alone, for other aliases
WAITING_CASE = APPEAL_STATUS.sql_group("a.status", WAITING)
STATUS_COUNTS = f"""
    count(*) FILTER (WHERE a.status <> 'duplicate') AS received,
    count(*) FILTER (WHERE {WAITING_CASE}) AS waiting,
    count(*) FILTER (WHERE a.status = 'in_work') AS in_work,
    count(*) FILTER (WHERE a.status = 'done') AS done,
    count(*) FILTER (WHERE a.status = 'rejected') AS rejected,
    count(*) FILTER (WHERE a.status = 'duplicate') AS duplicates,
    count(*) FILTER (WHERE {OPEN_CASE} AND a.deadline < :now) AS overdue"""

# Groups of cases behind each figure (the lists the dashboard links to).
CASE_GROUPS: dict[str, str] = {
    "received": "a.status <> 'duplicate'",
    "waiting": WAITING_CASE,
    "in_work": "a.status = 'in_work'",
    "done": "a.status = 'done'",
    "rejected": "a.status = 'rejected'",
    "duplicates": "a.status = 'duplicate'",
    "overdue": f"{OPEN_CASE} AND a.deadline < :now",
}


def tune() -> None:
    """Settings for this transaction's analytic queries (SET LOCAL: they end with the request's
    transaction): memory for sorts and hashes (``WEBMAP_ANALYTICS_WORK_MEM``), so counting
    100,000 cases does not spill to disk, and no JIT, whose compilation costs more than it saves
    on queries of this size (DBSCAN's high cost estimate would always trigger it)."""
    value = current_app.config.get("WEBMAP_ANALYTICS_WORK_MEM", "64MB")
    if value:
        db.session.execute(
            text("SELECT set_config('work_mem', :v, true), set_config('jit', 'off', true)"), {"v": str(value)}
        )


def fetch(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of ``sql`` as dicts."""
    return [dict(r) for r in db.session.execute(text(sql), params).mappings()]


def share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def utc_now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)
