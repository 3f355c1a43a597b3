"""The figures of cases and works: status counts, time to done, by category, district, channel,
week or month, and the works done by type.

The status counts of the cases come from one scan (:func:`rollup`): the filtered cases grouped by
category, by district, by week or month and by channel at once (grouping sets), which the summary,
the category, district and channel tables and the trend read. Time to done needs the cases
themselves (percentile_cont): a query of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _  # lazy: pybabel finds _(), shown translated

from webmap.services.analytics.base import (
    STATUS_COUNTS,
    STEPS,
    Column,
    Filters,
    Table,
    case_where,
    fetch,
    share,
    utc_now,
    work_where,
)

COUNTS = ("received", "waiting", "in_work", "done", "rejected", "duplicates", "overdue")


# The rollup's grouping sets, each named by the key it totals by (None: all the cases).
ROLLUP_SETS = ("category", "district", "bucket", "channels", None)


@dataclass
class Rollup:
    """Status counts of the filtered cases in total, by category, by district id, by the first day
    of the week or month, and by channel (a case counts for each channel of its messages)."""

    filters: Filters
    totals: dict[str | None, dict[Any, dict[str, int]]]

    def total(self, key: str | None = None) -> dict[Any, dict[str, int]]:
        return self.totals[key]


def rollup(f: Filters, now: datetime | None = None) -> Rollup:
    """One index-only scan of the period's cases (``ix_appeals_received``), grouped by each key at once."""
    if f.step not in STEPS:
        raise ValueError(f"step must be one of {STEPS}")
    where, params = case_where(f)
    starts = buckets(f)
    # The week or month of a case by width_bucket over the buckets' first moments (local midnight,
    # in UTC): a binary search per case, cheaper than a time-zone conversion per case.
    tz = ZoneInfo(f.tz)
    bounds = [datetime.combine(d, time(0), tz) for d in starts]
    keys = [k for k in ROLLUP_SETS if k]  # the subquery's column names
    rows = fetch(
        f"""
        SELECT GROUPING({", ".join(keys)}) AS grouping_set, {", ".join(keys)}, {STATUS_COUNTS}
        FROM (SELECT a.category_code AS category, a.district_id AS district, a.channels, a.status, a.deadline,
                     width_bucket(a.created_at, CAST(:bounds AS timestamptz[])) AS bucket
              FROM appeals a WHERE {where}) a
        GROUP BY GROUPING SETS ({", ".join(f"({k})" for k in keys)}, ())""",
        {**params, "now": utc_now(now), "bounds": bounds},
    )
    # GROUPING() sets a bit for each key left out, the first key's the highest.
    sets = {sum(1 << (len(keys) - 1 - i) for i, k in enumerate(keys) if k != key): key for key in ROLLUP_SETS}
    totals: dict[str | None, dict[Any, dict[str, int]]] = {
        key: defaultdict(lambda: dict.fromkeys(COUNTS, 0)) for key in ROLLUP_SETS
    }
    for row in rows:
        key = sets[row["grouping_set"]]
        counts = {name: row[name] for name in COUNTS}
        if key == "channels":
            for channel in row["channels"]:
                target = totals[key][channel]
                for name in COUNTS:
                    target[name] += counts[name]
        elif key == "bucket":
            totals[key][starts[row["bucket"] - 1]] = counts  # every case is in the period: bucket >= 1
        else:
            totals[key][row[key] if key else None] = counts
    return Rollup(f, totals)


def time_to_done(f: Filters) -> tuple[float | None, float | None]:
    """Median and 90th percentile of the days from receipt to done (percentile_cont, in SQL).

    A case closed before it was registered (imported after the fact, as the demo's are) has no
    meaningful time to done and is left out, rather than pulling the figures below zero."""
    where, params = case_where(f)
    row = fetch(
        f"""
        -- one sort for both; date_part gives double precision (extract: a slower numeric)
        SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', a.closed_at - a.created_at))
               AS seconds
        FROM appeals a WHERE {where} AND a.status = 'done' AND a.closed_at >= a.created_at""",
        params,
    )[0]
    seconds = row["seconds"] or [None, None]
    median, p90 = (None if s is None else round(s / 86400.0, 1) for s in seconds)
    return median, p90


def summary(
    f: Filters,
    now: datetime | None = None,
    *,
    cases: Rollup | None = None,
    days_to_done: tuple[float | None, float | None] | None = None,
) -> dict[str, Any]:
    """Received, waiting (new and accepted), in work, done, rejected, duplicates, overdue now, share
    done and the median and 90th percentile of the days from receipt to done."""
    cases = cases or rollup(f, now)
    figures: dict[str, Any] = dict(cases.total()[None])
    figures["share_done"] = share(figures["done"], figures["received"])
    figures["median_days"], figures["p90_days"] = days_to_done or time_to_done(f)
    return figures


SUMMARY_TABLE = (
    ("received", _("Поступило обращений"), "int"),
    ("waiting", _("Новые и принятые"), "int"),
    ("in_work", _("В работе"), "int"),
    ("done", _("Выполнено"), "int"),
    ("rejected", _("Отклонено"), "int"),
    ("duplicates", _("Объединено как дубликаты"), "int"),
    ("overdue", _("Просрочено сейчас"), "int"),
    ("share_done", _("Доля выполненных, %"), "percent"),
    ("median_days", _("Медиана срока до выполнения, дней"), "float"),
    ("p90_days", _("90-й процентиль срока до выполнения, дней"), "float"),
)


def summary_table(figures: dict[str, Any]) -> Table:
    return Table(
        "summary",
        _("Основные показатели"),
        [Column("figure", _("Показатель")), Column("value", _("Значение"), "float")],
        [{"key": key, "figure": title, "value": figures[key], "kind": kind} for key, title, kind in SUMMARY_TABLE],
    )


BREAKDOWN_COLUMNS = [
    Column("received", _("Поступило"), "int"),
    Column("in_work", _("В работе"), "int"),
    Column("done", _("Выполнено"), "int"),
    Column("rejected", _("Отклонено"), "int"),
    Column("overdue", _("Просрочено"), "int"),
    Column("share_done", _("Доля выполненных, %"), "percent"),
]


def by_category(f: Filters, now: datetime | None = None, *, cases: Rollup | None = None) -> Table:
    """Categories with cases received in the period, most first."""
    cases = cases or rollup(f, now)
    names = {r["code"]: r for r in fetch("SELECT code, name_ru, name_en FROM categories", {})}
    rows = []
    for code, counts in cases.total("category").items():
        if counts["received"]:
            rows.append(
                {
                    "code": code,
                    "name_ru": names[code]["name_ru"],
                    "name_en": names[code]["name_en"],
                    **counts,
                    "share_done": share(counts["done"], counts["received"]),
                }
            )
    rows.sort(key=lambda r: (-r["received"], r["name_ru"]))
    return Table(
        "categories", _("Обращения по категориям"), [Column("name_ru", _("Категория"))] + BREAKDOWN_COLUMNS, rows
    )


def by_district(f: Filters, now: datetime | None = None, *, cases: Rollup | None = None) -> Table:
    """Every district (those of the filter, or all, also with no cases), then cases placed in none."""
    cases = cases or rollup(f, now)
    counts = cases.total("district")
    rows = []
    for d in fetch("SELECT id, code, name, population FROM districts ORDER BY name", {}):
        if f.districts and d["id"] not in f.districts:
            continue
        rows.append({**d, **counts.get(d["id"], dict.fromkeys(COUNTS, 0))})
    if None in counts and counts[None]["received"]:
        rows.append({"id": None, "code": None, "name": _("Вне микрорайонов"), "population": None, **counts[None]})
    for r in rows:
        r["share_done"] = share(r["done"], r["received"])
        r["per_1000"] = round(1000.0 * r["received"] / r["population"], 2) if r["population"] else None
    return Table(
        "districts",
        _("Обращения по микрорайонам"),
        [
            Column("name", _("Микрорайон")),
            Column("population", _("Население"), "int"),
            Column("per_1000", _("На 1000 жителей"), "float"),
        ]
        + BREAKDOWN_COLUMNS,
        rows,
    )


def by_channel(f: Filters, *, cases: Rollup | None = None) -> Table:
    """Cases by the channels their messages came through; a case reported twice counts twice."""
    cases = cases or rollup(f)
    rows = [
        {"channel": channel, "received": counts["received"]}
        for channel, counts in cases.total("channels").items()
        if counts["received"]
    ]
    rows.sort(key=lambda r: (-r["received"], r["channel"]))
    return Table(
        "channels",
        _("Обращения по каналам"),
        [Column("channel", _("Канал")), Column("received", _("Обращений"), "int")],
        rows,
    )


def buckets(f: Filters) -> list[date]:
    """The first days of the weeks (Mondays) or months the period touches, as date_trunc gives them."""
    if f.step == "week":
        day = f.date_from - timedelta(days=f.date_from.weekday())
        out = []
        while day <= f.date_to:
            out.append(day)
            day += timedelta(days=7)
        return out
    out, year, month = [], f.date_from.year, f.date_from.month
    while date(year, month, 1) <= f.date_to:
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def trend(f: Filters, *, cases: Rollup | None = None) -> Table:
    """Cases received (and of them done now) and works done, per week or month in local time;
    empty weeks or months are zero."""
    cases = cases or rollup(f)
    per_bucket = cases.total("bucket")
    where, params = work_where(f)
    works = {
        r["bucket"]: r["works"]
        for r in fetch(
            f"""
        SELECT CAST(date_trunc(:step, w.done_at AT TIME ZONE :tz) AS date) AS bucket, count(*) AS works
        FROM works w WHERE {where} GROUP BY 1""",
            {**params, "step": f.step, "tz": f.tz},
        )
    }
    rows = [
        {
            "bucket": b,
            "received": per_bucket[b]["received"] if b in per_bucket else 0,
            "done": per_bucket[b]["done"] if b in per_bucket else 0,
            "works": works.get(b, 0),
        }
        for b in buckets(f)
    ]
    title = _("Динамика по неделям") if f.step == "week" else _("Динамика по месяцам")
    return Table(
        "trend",
        title,
        [
            Column("bucket", _("Начало недели") if f.step == "week" else _("Месяц"), "date"),
            Column("received", _("Поступило обращений"), "int"),
            Column("done", _("Из них выполнено"), "int"),
            Column("works", _("Выполнено работ"), "int"),
        ],
        rows,
    )


def works_by_type(f: Filters) -> Table:
    """Works done in the period by type; for a type done once, the district it was done in
    (looked up for that one work only: a region has tens of thousands)."""
    where, params = work_where(f)
    rows = fetch(
        f"""
        SELECT g.code, t.name_ru, t.name_en, g.count,
               CASE WHEN g.count = 1 THEN (SELECT d.name FROM works w1 JOIN districts d
                                           ON ST_Intersects(d.geom, ST_PointOnSurface(w1.geom))
                                           WHERE w1.id = g.first_id ORDER BY d.id LIMIT 1) END AS place
        FROM (SELECT w.type_code AS code, count(*) AS count, min(w.id) AS first_id
              FROM works w WHERE {where} GROUP BY w.type_code) g
        JOIN work_types t ON t.code = g.code ORDER BY g.count DESC, t.name_ru""",
        params,
    )
    for r in rows:
        if r["count"] != 1:
            r["place"] = None
    return Table(
        "works",
        _("Выполненные работы по видам"),
        [
            Column("name_ru", _("Вид работ")),
            Column("count", _("Выполнено"), "int"),
            Column("place", _("Где (если одна)")),
        ],
        rows,
    )
