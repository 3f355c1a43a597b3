"""The building blocks of the dashboard's figures: filters, tables, and the WHERE clauses.

The WHERE clauses are the shared filter expressions of :mod:`webmap.models.filters` (and,
for a public export, the privacy gate's), rendered for the text SQL of the figures. Every
value reaches SQL as a bound parameter; SQL text is built only from fixed fragments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import text

from webmap import privacy
from webmap.extensions import db
from webmap.models import filters as fl
from webmap.models.filters import CASE, WORK
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
    public: bool = False  # a public export: only what the public map shows (webmap.privacy)
    include_old: bool = False  # public: fixed items older than fixed_max_age_days too
    fixed_max_age_days: int = 180

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
        """Every column for the dashboard's roles; for the public, those the privacy gate allows."""
        return list(self.columns) if personal else privacy.table_columns(self.name, self.columns)


# -- SQL fragments ---------------------------------------------------------------------------------


def case_where(f: Filters, now: datetime | None = None) -> tuple[str, dict[str, Any]]:
    """WHERE text (on ``appeals a``) and parameters selecting the filtered cases; for a public
    export only the cases the public map shows (the privacy gate's rule)."""
    return fl.to_sql(CASE, *case_conditions(f, now), prefix="f")


def case_conditions(f: Filters, now: datetime | None = None) -> list[Any]:
    a = CASE
    out = [fl.case_received(a, f.start, f.end)]
    if f.districts:
        out.append(fl.case_in_districts(a, f.districts))
    if f.categories:
        out.append(fl.case_in_categories(a, f.categories))
    if f.public:
        out.append(
            privacy.visible_case(a, now=utc_now(now), max_age_days=f.fixed_max_age_days, include_old=f.include_old)
        )
        if f.channels:
            out.append(privacy.public_channel_filter(a, f.channels))
    elif f.channels:
        out.append(fl.case_from_channels(a, f.channels))
    return out


def work_where(f: Filters, now: datetime | None = None) -> tuple[str, dict[str, Any]]:
    """WHERE text (on ``works w``) and parameters selecting the works done in the period under the
    filters; for a public export only those the public map shows."""
    w = WORK
    out = [fl.work_done_in(w, f.start, f.end)]
    if f.districts:
        out.append(fl.work_in_districts(w, f.districts))
    if f.categories:
        out.append(fl.work_in_categories(w, f.categories))
    if f.public:
        out.append(
            privacy.visible_work(w, now=utc_now(now), max_age_days=f.fixed_max_age_days, include_old=f.include_old)
        )
        if f.channels:
            out.append(privacy.public_work_channel_filter(w, f.channels))
    elif f.channels:
        out.append(fl.work_from_channels(w, f.channels))
    return fl.to_sql(w, *out, prefix="f")


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
    value = current_app.config["WEBMAP_ANALYTICS_WORK_MEM"]
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
