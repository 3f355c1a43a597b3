"""Exports of the dashboard's tables (CSV, XLSX) and of its cases and works (GeoJSON).

What an export carries depends on who asks: the dashboard's roles see every
column; a public export carries only the columns and properties the privacy gate
(:mod:`webmap.privacy`) lists, so a field added to the internal export never
leaks by default. Public text (a work's note) passes through the gate's
redaction; messages' texts and authors are never in a public export.

CSV: UTF-8 with a BOM and ``;`` between cells, which is what Excel in a Russian
locale opens directly. A text cell starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return is prefixed with ``'`` so no spreadsheet runs it as a
formula (the same in XLSX, where openpyxl would otherwise store a formula).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from webmap.labels import CHANNEL, STATUS, WORK_STATUS, label
from webmap.privacy import EXPORT_CASE_FIELDS, EXPORT_WORK_FIELDS, public_text
from webmap.services.analytics import Column, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """A text cell no spreadsheet takes for a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def plain(value: Any, column: Column, tz: str) -> Any:
    """A cell's value as a spreadsheet should hold it: numbers stay numbers, times are local."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("да") if value else _("нет")
    if isinstance(value, datetime):
        local = _local(value, tz) if value.tzinfo else value
        return local.replace(tzinfo=None) if column.kind == "datetime" else local.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (list, tuple)):
        if column.key == "channels":
            value = [label(CHANNEL, v) for v in value]
        return ", ".join(str(v) for v in value)
    if column.kind == "work_status":
        return label(WORK_STATUS, value)
    if column.key == "status":
        return label(STATUS, value)
    if isinstance(value, (int, float)):
        return value
    return str(value)


def _text_cell(value: Any) -> Any:
    """A cell as CSV text (already made formula-safe)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def _cells(table: Table, personal: bool, tz: str) -> Iterator[list[Any]]:
    """Each row's cells in the columns ``personal`` allows; free text redacted for the public."""
    columns = table.visible_columns(personal)
    for row in table.rows:
        cells = []
        for c in columns:
            value = plain(row.get(c.key), c, tz)
            if c.free_text and not personal and isinstance(value, str):
                value = public_text(value)
            cells.append(safe_text(value) if isinstance(value, str) else value)
        yield cells


def to_csv(table: Table, *, personal: bool, tz: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_text(str(c.title)) for c in table.visible_columns(personal)])
    for cells in _cells(table, personal, tz):
        writer.writerow([_text_cell(v) for v in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table, *, personal: bool, tz: str) -> bytes:
    """The table as one sheet (write-only: rows are streamed, so large lists stay cheap)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    columns = table.visible_columns(personal)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.name[:31])
    for i, column in enumerate(columns):
        letter = chr(ord("A") + i) if i < 26 else None
        if letter:
            sheet.column_dimensions[letter].width = max(10, min(60, len(str(column.title)) + 4))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=safe_text(str(column.title)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = {"datetime": "yyyy-mm-dd hh:mm", "date": "yyyy-mm-dd"}
    for values in _cells(table, personal, tz):
        row = []
        for value, column in zip(values, columns):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            elif column.kind in formats and value is not None:
                cell.number_format = formats[column.kind]
            row.append(cell)
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- GeoJSON ---------------------------------------------------------------------------------------


def _iso(value: datetime | None, tz: str) -> str | None:
    return None if value is None else _local(value, tz).isoformat(timespec="seconds")


def _day(value: datetime | None, tz: str) -> str | None:
    return None if value is None else _local(value, tz).date().isoformat()


def case_feature(row: dict[str, Any], *, personal: bool, tz: str) -> dict[str, Any]:
    geometry = (
        None
        if row.get("lon") is None
        else {"type": "Point", "coordinates": [round(row["lon"], 6), round(row["lat"], 6)]}
    )
    if personal:
        props = {
            "kind": "case",
            "id": row["id"],
            "category_code": row["category_code"],
            "category": row["category"],
            "status": row["status"],
            "status_label": label(STATUS, row["status"]),
            "district": row["district"],
            "address": row["address"],
            "created_at": _iso(row["created_at"], tz),
            "deadline": _iso(row["deadline"], tz),
            "closed_at": _iso(row["closed_at"], tz),
            "overdue": row["overdue"],
            "channels": row["channels"],
            "urls": row["urls"],
            "authors": row["authors"],
            "public_note": row["public_note"],
        }
    else:  # the gate's public list: a field not named there is dropped
        props = {
            "kind": "case",
            "id": row["id"],
            "category_code": row["category_code"],
            "category": row["category"],
            "status": row["status"],
            "status_label": label(STATUS, row["status"]),
            "district": row["district"],
            "created": _day(row["created_at"], tz),
            "closed": _day(row["closed_at"], tz),
            "urls": row["urls"],  # public posts only (the rows of a public export hold no other)
            "public_note": public_text(row["public_note"]),
        }
        props = {k: props[k] for k in EXPORT_CASE_FIELDS}
    return {"type": "Feature", "geometry": geometry, "properties": props}


def work_feature(row: dict[str, Any], *, personal: bool, tz: str) -> dict[str, Any]:
    props = {
        "kind": "work",
        "id": row["id"],
        "type_code": row["type_code"],
        "type": row["type"],
        "status": row["status"],
        "status_label": label(WORK_STATUS, row["status"]),
        "district": row["district"],
    }
    if personal:
        props.update(done_at=_iso(row["done_at"], tz), public_note=row["public_note"], appeals=list(row["appeals"]))
    else:
        props.update(done=_day(row["done_at"], tz), public_note=public_text(row["public_note"]))
        props = {k: props[k] for k in EXPORT_WORK_FIELDS}
    return {"type": "Feature", "geometry": json.loads(row["geometry"]), "properties": props}


def feature_collection(
    cases: Iterable[dict[str, Any]], works: Iterable[dict[str, Any]], *, personal: bool, tz: str
) -> dict[str, Any]:
    features = [case_feature(r, personal=personal, tz=tz) for r in cases]
    features += [work_feature(r, personal=personal, tz=tz) for r in works]
    return {"type": "FeatureCollection", "features": features}
