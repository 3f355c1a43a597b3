"""The dashboard's tables by name (for pages and exports), the links behind their figures,
and the chart specs drawn from them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, request, url_for
from flask_babel import get_locale  # lazy: pybabel finds _(), shown translated
from flask_babel import lazy_gettext as _
from werkzeug.routing import BuildError

from webmap.dashboard.filters import Parsed, query_args
from webmap.labels import CHANNEL, label
from webmap.services import analytics as an
from webmap.services.analytics import Table

CASE_GROUP_TITLES = {
    "received": _("Поступившие обращения"),
    "waiting": _("Новые и принятые обращения"),
    "in_work": _("Обращения в работе"),
    "done": _("Выполненные обращения"),
    "rejected": _("Отклонённые обращения"),
    "duplicates": _("Объединённые дубликаты"),
    "overdue": _("Просроченные обращения"),
}


def category_name(row: dict[str, Any]) -> str:
    if str(get_locale()) == "en" and row.get("name_en"):
        return row["name_en"]
    return row.get("name_ru") or row.get("code") or "—"


def case_group(value: str | None) -> str:
    group = value or "received"
    if group not in an.CASE_GROUPS:
        abort(400, description=str(_("Нет такой группы обращений.")))
    return group


def hotspot_or_404(parsed: Parsed, rank: int) -> an.Hotspot:
    spots = an.hotspots(parsed.filters, parsed.hotspot)
    if not 1 <= rank <= len(spots):
        abort(404)
    return spots[rank - 1]


def cases_table(
    parsed: Parsed, group: str, ids: list[int] | None = None, *, limit: int | None = None, offset: int = 0
) -> Table:
    rows = an.cases(parsed.filters, group, ids=ids, limit=limit, offset=offset)
    return Table("cases", CASE_GROUP_TITLES[group], an.CASE_COLUMNS, rows)


def reception_filters() -> tuple[str | None, str | None]:
    """``received_by`` and ``rcat`` of a reception list (any text: it is only compared, bound)."""
    who = request.args.get("received_by")
    rcat = request.args.get("rcat")
    for value, longest in ((who, 300), (rcat, 50)):
        if value is not None and (len(value) > longest or "\x00" in value):
            abort(400, description=str(_("Неверный запрос.")))
    return who, rcat


# export name -> the table it builds from the parsed filters (Table.public says whether anyone may have it)
BUILDERS: dict[str, Callable[[Parsed], Table]] = {
    "summary": lambda p: an.summary_table(an.summary(p.filters)),
    "categories": lambda p: an.by_category(p.filters),
    "districts": lambda p: an.by_district(p.filters),
    "channels": lambda p: an.by_channel(p.filters),
    "trend": lambda p: an.trend(p.filters),
    "works": lambda p: an.works_by_type(p.filters),
    "hotspots": lambda p: an.hotspots_table(an.hotspots(p.filters, p.hotspot)),
    "receptions_people": lambda p: an.receptions_by_person(p.filters),
    "receptions_categories": lambda p: an.receptions_by_category(p.filters),
    "receptions": lambda p: an.reception_list(p.filters, *reception_filters(), limit=100_000),
    "cases": lambda p: _cases_export(p),
    "works_list": lambda p: Table("works_list", _("Выполненные работы"), an.WORK_COLUMNS, an.works(p.filters)),
}


def _cases_export(parsed: Parsed) -> Table:
    group = case_group(request.args.get("group"))
    rank = request.args.get("hotspot", "")
    if rank:
        if not rank.isdigit() or len(rank) > 6:
            abort(400)
        spot = hotspot_or_404(parsed, int(rank))
        return cases_table(parsed, "received", spot.ids)
    return cases_table(parsed, group)


def build(name: str, parsed: Parsed) -> Table:
    builder = BUILDERS.get(name)
    if builder is None:
        abort(404)
    table = builder(parsed)
    for row in table.rows:  # names for people, in the page's language
        if "name_ru" in row:
            row["name_ru"] = category_name(row) if "code" in row else row["name_ru"]
        if name == "channels":
            row["channel"] = label(CHANNEL, row["channel"])
    return table


def export_links(name: str, parsed: Parsed, **extra: Any) -> dict[str, str]:
    args = {**query_args(parsed.filters, parsed.hotspot), **extra}
    return {fmt: url_for("dashboard.export", name=name, fmt=fmt, **args) for fmt in ("csv", "xlsx")}


def case_link(appeal_id: int | None) -> str | None:
    """The operator's page of a case, for those who may open it."""
    from webmap.auth.roles import has_role

    if appeal_id is None or not has_role("operator"):
        return None
    try:
        return url_for("operator.case_page", appeal_id=appeal_id)
    except BuildError:
        return None


def chart(
    table: Table,
    labels: str,
    series: list[tuple[str, Any]],
    kind: str = "bar",
    *,
    horizontal: bool = False,
    label_fn: Callable[[dict[str, Any]], str] | None = None,
) -> dict[str, Any]:
    """What static/js/dashboard.js draws: the same rows as the table below the chart."""
    return {
        "type": kind,
        "horizontal": horizontal,
        "labels": [label_fn(r) if label_fn else str(r[labels]) for r in table.rows],
        "datasets": [{"label": str(title), "data": [r[key] for r in table.rows]} for key, title in series],
    }
