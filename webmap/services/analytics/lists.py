"""The cases and works behind the figures, for list pages and exports (CSV, XLSX, GeoJSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _  # lazy: pybabel finds _(), shown translated
from sqlalchemy.orm import aliased

from webmap import privacy
from webmap.models import SourceMessage
from webmap.models import filters as fl
from webmap.models.filters import CASE
from webmap.services.analytics.base import (
    CASE_GROUPS,
    OPEN_SQL,
    Column,
    Filters,
    case_where,
    fetch,
    utc_now,
    work_where,
)

MESSAGE = aliased(SourceMessage, name="m")

CASE_COLUMNS = [
    Column("id", _("№"), "int"),
    Column("created_at", _("Поступило"), "datetime"),
    Column("category", _("Категория")),
    Column("status", _("Статус")),
    Column("district", _("Микрорайон")),
    Column("address", _("Адрес"), personal=True),
    Column("deadline", _("Срок"), "datetime"),
    Column("closed_at", _("Закрыто"), "datetime"),
    Column("overdue", _("Просрочено"), "text"),
    Column("channels", _("Каналы")),
    Column("urls", _("Публикации")),
    Column("authors", _("Авторы"), personal=True),
]


def cases(
    f: Filters,
    group: str = "received",
    *,
    ids: list[int] | None = None,
    now: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
    geometry: bool = False,
) -> list[dict[str, Any]]:
    """The filtered cases of one group (see CASE_GROUPS), oldest first; ``ids`` narrows further.

    For a public export (``f.public``) the privacy gate decides: its cases only, each at its public
    point, links to public posts only, and no address or authors at all."""
    where, params = case_where(f, now)
    where += f" AND {CASE_GROUPS[group]}"
    if ids is not None:
        where += " AND a.id = ANY(:ids)"
        params["ids"] = list(ids)
    if f.public:
        point, point_params = fl.expression_sql(CASE, privacy.public_point(CASE), "pub")
        post, post_params = fl.to_sql(MESSAGE, privacy.public_post(MESSAGE), prefix="post")
        params.update(**point_params, **post_params)
        personal = "NULL AS address"
        urls = f"array_agg(DISTINCT m.url) FILTER (WHERE {post})"
        authors = "NULL::text[]"
    else:
        point, personal, authors = "a.point", "a.address", "array_remove(array_agg(DISTINCT m.author), NULL)"
        urls = "array_remove(array_agg(DISTINCT m.url) FILTER (WHERE m.channel IN ('vk', 'telegram', 'ok')), NULL)"
    geom = ", ST_X(p.point) AS lon, ST_Y(p.point) AS lat" if geometry else ""
    shown = f" CROSS JOIN LATERAL (SELECT {point} AS point OFFSET 0) p" if geometry else ""
    paging = " LIMIT :limit OFFSET :offset" if limit is not None else ""
    rows = fetch(
        f"""
        SELECT a.id, a.created_at, a.category_code, c.name_ru AS category, c.name_en AS category_en,
               a.status, d.name AS district, {personal}, a.deadline, a.closed_at, a.public_note,
               (a.status IN {OPEN_SQL} AND a.deadline < :now) AS is_overdue,
               msg.channels, msg.urls, msg.authors{geom}
        FROM appeals a JOIN categories c ON c.code = a.category_code
        LEFT JOIN districts d ON d.id = a.district_id
        LEFT JOIN LATERAL (
            SELECT array_agg(DISTINCT m.channel) AS channels, {urls} AS urls, {authors} AS authors
            FROM source_messages m WHERE m.appeal_id = a.id) msg ON true{shown}
        WHERE {where} ORDER BY a.created_at, a.id{paging}""",
        {**params, "now": utc_now(now), "limit": limit, "offset": offset},
    )
    for r in rows:
        r["overdue"] = r.pop("is_overdue")
        for key in ("channels", "urls", "authors"):
            r[key] = list(r[key] or [])
    return rows


def count_cases(f: Filters, group: str = "received", now: datetime | None = None) -> int:
    where, params = case_where(f)
    return fetch(
        f"SELECT count(*) AS n FROM appeals a WHERE {where} AND {CASE_GROUPS[group]}", {**params, "now": utc_now(now)}
    )[0]["n"]


def works(f: Filters, *, geometry: bool = False, now: datetime | None = None) -> list[dict[str, Any]]:
    """The works done in the period under the filters, in the order they were done (for a public
    export, those the public map shows; a work's geometry is public)."""
    where, params = work_where(f, now)
    geom = ", ST_AsGeoJSON(w.geom, 6) AS geometry" if geometry else ""
    return fetch(
        f"""
        SELECT w.id, w.type_code, t.name_ru AS type, t.name_en AS type_en, w.status, w.done_at,
               w.public_note, place.name AS district,
               ARRAY(SELECT wa.appeal_id FROM work_appeals wa WHERE wa.work_id = w.id ORDER BY 1) AS appeals
               {geom}
        FROM works w JOIN work_types t ON t.code = w.type_code
        LEFT JOIN LATERAL (SELECT d.name FROM districts d WHERE ST_Intersects(d.geom, ST_PointOnSurface(w.geom))
                           ORDER BY d.id LIMIT 1) place ON true
        WHERE {where} ORDER BY w.done_at, w.id""",
        params,
    )


WORK_COLUMNS = [
    Column("id", _("№"), "int"),
    Column("type", _("Вид работ")),
    Column("status", _("Статус"), "work_status"),
    Column("done_at", _("Выполнено"), "datetime"),
    Column("district", _("Микрорайон")),
    Column("public_note", _("Примечание"), free_text=True),
    Column("appeals", _("Обращения")),
]
