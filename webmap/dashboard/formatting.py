"""How the dashboard's pages show numbers, dates and codes, in the page's language."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import format_date, format_datetime, format_decimal, format_number
from flask_babel import gettext as _

from webmap.dashboard import bp
from webmap.models.vocab import APPEAL_STATUS, CHANNEL, WORK_STATUS
from webmap.services.analytics import Column

DASH = "—"


def show(value: Any, kind: str = "text") -> str:
    """A value as text for a page (Jinja escapes it)."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return _("да") if value else _("нет")
    if isinstance(value, datetime):
        return format_datetime(value, "dd.MM.yyyy HH:mm") if kind == "datetime" else format_date(value, "dd.MM.yyyy")
    if isinstance(value, date):
        return format_date(value, "dd.MM.yyyy")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or DASH
    if kind == "int" and isinstance(value, int):
        return format_number(value)
    if kind in ("float", "percent", "int") and isinstance(value, (int, float)):
        return format_decimal(value, "#,##0.#")
    if kind == "work_status":
        return WORK_STATUS.label(value)
    return str(value)


def cell(row: dict[str, Any], column: Column) -> str:
    value = row.get(column.key)
    if column.key == "status" and column.kind == "text":
        return APPEAL_STATUS.label(value)
    if column.key == "channels" and isinstance(value, list):
        return ", ".join(CHANNEL.label(v) for v in value) or DASH
    return show(value, column.kind)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"dash_show": show, "dash_cell": cell}
