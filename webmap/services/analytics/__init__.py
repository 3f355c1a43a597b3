"""The district dashboard's figures, computed in PostgreSQL.

Every figure is about the cases *received* in a period (``appeals.created_at`` from the
first local day to the last, inclusive, in the town's time zone), narrowed by district,
category and channel; statuses are as they are now. A case counts for a channel when one
of its messages came through it (a case reported by VK and by phone counts for both).
Duplicates (cases merged into another) are left out of "received" and counted apart.
Works count when done within the period; a work belongs to a district it touches, to a
category by its type or by a case it answers, to a channel by the messages of its cases.

- ``base``: Filters, HotspotParams, Column, Table; the WHERE clauses (values always bound)
- ``figures``: status counts (one scan), time to done, categories, districts, channels, trend, works
- ``receptions``: personal receptions by who received the visitors and by category, and the list
- ``lists``: the cases and works behind a figure
- ``places``: districts GeoJSON, hot spots without works, the report's small map
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from webmap.services.analytics.base import CASE_GROUPS, STEPS, Column, Filters, HotspotParams, Table, tune, utc_now
from webmap.services.analytics.figures import (
    SUMMARY_TABLE,
    Rollup,
    buckets,
    by_category,
    by_channel,
    by_district,
    rollup,
    summary,
    summary_table,
    time_to_done,
    trend,
    works_by_type,
)
from webmap.services.analytics.lists import CASE_COLUMNS, WORK_COLUMNS, cases, count_cases, works
from webmap.services.analytics.places import (
    HOTSPOT_COLUMNS,
    Hotspot,
    district_svg,
    districts_geojson,
    hotspots,
    hotspots_table,
    metric_scale,
)
from webmap.services.analytics.receptions import (
    Receptions,
    reception_list,
    reception_totals,
    receptions,
    receptions_by_category,
    receptions_by_person,
)

__all__ = [
    "CASE_COLUMNS",
    "CASE_GROUPS",
    "HOTSPOT_COLUMNS",
    "STEPS",
    "SUMMARY_TABLE",
    "WORK_COLUMNS",
    "Column",
    "Dashboard",
    "Filters",
    "Hotspot",
    "HotspotParams",
    "Receptions",
    "Rollup",
    "Table",
    "buckets",
    "by_category",
    "by_channel",
    "by_district",
    "cases",
    "count_cases",
    "dashboard",
    "district_svg",
    "districts_geojson",
    "hotspots",
    "hotspots_table",
    "metric_scale",
    "reception_list",
    "reception_totals",
    "receptions",
    "receptions_by_category",
    "receptions_by_person",
    "rollup",
    "summary",
    "summary_table",
    "time_to_done",
    "trend",
    "works",
    "works_by_type",
]


@dataclass
class Dashboard:
    """Everything the dashboard page shows (the bench times this)."""

    filters: Filters
    summary: dict[str, Any]
    categories: Table
    districts: Table
    channels: Table
    trend: Table
    works: Table
    receptions_people: Table
    receptions_categories: Table
    receptions: dict[str, int]


def dashboard(f: Filters, now: datetime | None = None) -> Dashboard:
    now = utc_now(now)
    tune()
    cells = rollup(f, now)  # one scan of the cases for the summary, categories, districts, channels, trend
    reception = receptions(f)
    return Dashboard(
        filters=f,
        summary=summary(f, now, cases=cells),
        categories=by_category(f, now, cases=cells),
        districts=by_district(f, now, cases=cells),
        channels=by_channel(f, cases=cells),
        trend=trend(f, cases=cells),
        works=works_by_type(f),
        receptions_people=reception.people,
        receptions_categories=reception.categories,
        receptions=reception.totals,
    )
