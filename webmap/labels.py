"""Russian (translatable) names of the model's codes, for every page to share."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from flask_babel import lazy_gettext as _l

STATUS = {
    "new": _l("новое"),
    "accepted": _l("принято"),
    "in_work": _l("в работе"),
    "done": _l("выполнено"),
    "rejected": _l("отклонено"),
    "duplicate": _l("дубликат"),
}
WORK_STATUS = {"planned": _l("запланирована"), "in_work": _l("в работе"), "done": _l("выполнена")}
PRECISION = {
    "house": _l("дом"),
    "interpolated_house": _l("дом (по соседним)"),
    "street": _l("улица"),
    "intersection": _l("перекрёсток"),
    "landmark": _l("ориентир"),
    "district": _l("микрорайон"),
    "none": _l("не определено"),
}
CHANNEL = {
    "vk": _l("ВКонтакте"),
    "telegram": _l("Telegram"),
    "ok": _l("Одноклассники"),
    "pos": _l("ПОС (Госуслуги)"),
    "reception": _l("личный приём"),
    "phone": _l("телефон"),
    "manual": _l("вручную"),
    "open311": _l("Open311"),
}


def label(table: Mapping[str, object], code: str | None) -> str:
    """The label of ``code``, or the code itself for values added later (admin-defined)."""
    if code is None:
        return "—"
    return str(table.get(code, code or "—"))


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        status_label=lambda c: label(STATUS, c),
        work_status_label=lambda c: label(WORK_STATUS, c),
        precision_label=lambda c: label(PRECISION, c),
        channel_label=lambda c: label(CHANNEL, c),
    )
