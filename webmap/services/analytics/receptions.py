"""Personal receptions: visitors and their questions by period, by who received them and by category,
and the list of visitors behind each figure (personal data: for the dashboard's roles only).

A reception is a SourceMessage of channel ``reception``; who received the visitor is its
``received_by`` (read from the log's column, whatever its header, at import); its category is its
case's, or triage's for a question that made no case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _  # lazy: pybabel finds _(), shown translated

from webmap.services.analytics.base import Column, Filters, Table, fetch

RECEIVED_BY = "coalesce(m.received_by, '')"  # '': the log did not say; one group of its own


def _reception_where(f: Filters) -> tuple[str, dict[str, Any]]:
    parts = ["m.channel = 'reception'", "m.posted_at >= :start", "m.posted_at < :end"]
    params: dict[str, Any] = {"start": f.start, "end": f.end}
    if f.districts:
        parts.append("a.district_id = ANY(:districts)")
        params["districts"] = list(f.districts)
    if f.categories:
        parts.append(f"{RECEPTION_CATEGORY} = ANY(:categories)")
        params["categories"] = list(f.categories)
    return " AND ".join(parts), params


# The case's category, else triage's (read from the message's row only for a question that made no
# case: the rest comes from ix_source_messages_reception and the case).
RECEPTION_CATEGORY = (
    "coalesce(a.category_code, (SELECT t.triage->>'category' FROM source_messages t WHERE t.id = m.id), 'other')"
)
_VISITOR = "lower(btrim(m.author))"


@dataclass
class Receptions:
    people: Table
    categories: Table
    totals: dict[str, int]


# Questions and distinct visitors by who received them, by category and in all, from the period's
# receptions ``r``: (group, visitor) pairs hashed, then counted (count DISTINCT would sort them once
# per grouping set); a visitor the log did not name asked questions but is no one to count.
RECEPTION_GROUPS = """
    SELECT 'person' AS kind, received_by, NULL AS code, sum(n) AS questions, count(visitor) AS visitors
    FROM (SELECT received_by, visitor, count(*) AS n FROM r GROUP BY received_by, visitor) p GROUP BY received_by
    UNION ALL
    SELECT 'category', NULL, code, sum(n), count(visitor)
    FROM (SELECT code, visitor, count(*) AS n FROM r GROUP BY code, visitor) p GROUP BY code
    UNION ALL
    SELECT 'all', NULL, NULL, sum(n), count(visitor) FROM (SELECT visitor, count(*) AS n FROM r GROUP BY visitor) p"""


def receptions(f: Filters) -> Receptions:
    """Questions and visitors of the personal receptions by who received them, by category and in
    all, from one read of the period's reception messages."""
    where, params = _reception_where(f)
    rows = fetch(
        f"""
        WITH r AS MATERIALIZED (
            SELECT {RECEIVED_BY} AS received_by, {RECEPTION_CATEGORY} AS code, {_VISITOR} AS visitor
            FROM source_messages m LEFT JOIN appeals a ON a.id = m.appeal_id WHERE {where})
        SELECT g.*, c.name_ru, c.name_en FROM ({RECEPTION_GROUPS}) g
        LEFT JOIN categories c ON c.code = g.code
        ORDER BY g.questions DESC NULLS LAST, g.received_by, c.name_ru""",
        params,
    )
    people = [
        {"received_by": r["received_by"], "questions": r["questions"], "visitors": r["visitors"]}
        for r in rows
        if r["kind"] == "person"
    ]
    categories = [
        {
            "code": r["code"],
            "name_ru": r["name_ru"] or r["code"],
            "name_en": r["name_en"],
            "questions": r["questions"],
            "visitors": r["visitors"],
        }
        for r in rows
        if r["kind"] == "category"
    ]
    everyone = next(r for r in rows if r["kind"] == "all")  # one row, with NULL questions if none came
    return Receptions(
        Table(
            "receptions_people",
            _("Личный приём: кто принимал"),
            [
                Column("received_by", _("Кто принимал")),
                Column("visitors", _("Посетителей"), "int"),
                Column("questions", _("Вопросов"), "int"),
            ],
            people,
            public=False,
        ),
        Table(
            "receptions_categories",
            _("Личный приём: с какими вопросами"),
            [
                Column("name_ru", _("Категория")),
                Column("visitors", _("Посетителей"), "int"),
                Column("questions", _("Вопросов"), "int"),
            ],
            categories,
            public=False,
        ),
        {"questions": everyone["questions"] or 0, "visitors": everyone["visitors"]},
    )


def receptions_by_person(f: Filters) -> Table:
    return receptions(f).people


def receptions_by_category(f: Filters) -> Table:
    return receptions(f).categories


def reception_totals(f: Filters) -> dict[str, int]:
    return receptions(f).totals


def reception_list(
    f: Filters, received_by: str | None = None, category: str | None = None, limit: int = 1000, offset: int = 0
) -> Table:
    """The visitors behind a reception figure: personal data, for the dashboard's roles only."""
    where, params = _reception_where(f)
    if received_by is not None:
        where += f" AND {RECEIVED_BY} = :who"
        params["who"] = received_by
    if category is not None:
        where += f" AND {RECEPTION_CATEGORY} = :rcat"
        params["rcat"] = category
    rows = fetch(
        f"""
        SELECT m.id, m.posted_at, m.author AS visitor, m.text AS question,
               {RECEIVED_BY} AS received_by, {RECEPTION_CATEGORY} AS code, c.name_ru,
               m.appeal_id
        FROM source_messages m LEFT JOIN appeals a ON a.id = m.appeal_id
        LEFT JOIN categories c ON c.code = {RECEPTION_CATEGORY}
        WHERE {where} ORDER BY m.posted_at, m.id LIMIT :limit OFFSET :offset""",
        {**params, "limit": limit, "offset": offset},
    )
    return Table(
        "receptions",
        _("Личный приём: посетители"),
        [
            Column("posted_at", _("Дата"), "datetime"),
            Column("visitor", _("Посетитель"), personal=True),
            Column("question", _("Вопрос"), personal=True),
            Column("received_by", _("Кто принимал")),
            Column("name_ru", _("Категория")),
            Column("appeal_id", _("Обращение №"), "int"),
        ],
        rows,
        public=False,
    )
