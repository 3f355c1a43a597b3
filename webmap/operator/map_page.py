"""The operator map page (/operator/map): every case, unplaced ones beside it, heat, placing by a click.

Its data comes from /api/operator/* by bbox.
"""

from __future__ import annotations

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from webmap.auth.roles import role_required
from webmap.maps.page import base_config, categories, url_template
from webmap.models.vocab import APPEAL_STATUS, OPEN
from webmap.operator import bp


def case_url_template() -> str:
    """The case page's URL with ``{appeal_id}`` for the script to fill in."""
    return url_template("operator.case_page", "appeal_id")


def page_config() -> dict[str, object]:
    cfg = base_config()
    cfg["api"].update(
        features=url_for("api.operator_features"),
        heat=url_for("api.operator_heat"),
        unplaced=url_for("api.operator_unplaced"),
        place=url_template("api.place", "case_id"),
        caseUrl=case_url_template(),
    )
    cfg["statusLabels"] = APPEAL_STATUS.labels()
    cfg["i18n"] = {
        "shown": _("На карте: %(n)s", n="%(n)s"),
        "shownClustered": _("В этой части карты: %(n)s (сгруппированы)", n="%(n)s"),
        "nothing": _("Здесь ничего не найдено."),
        "error": _("Не удалось загрузить данные"),
        "open": _("Открыть обращение"),
        "overdue": _("просрочено"),
        "deadline": _("Срок"),
        "address": _("Место"),
        "pick": _("Кликните по карте, чтобы поставить обращение №%(id)s (Esc — отмена).", id="%(id)s"),
        "placed": _("Обращение №%(id)s поставлено на карту.", id="%(id)s"),
        "conflict": _("Обращение изменили, пока вы работали; список обновлён, попробуйте ещё раз."),
        "noUnplaced": _("Все открытые обращения стоят на карте."),
        "unplacedTotal": _("Без места: %(n)s", n="%(n)s"),
        "place": _("Поставить на карту"),
        "workLabel": _("Работа"),
    }
    return cfg


@bp.get("/map")
@role_required("operator")  # admins pass too
def map_page() -> ResponseReturnValue:
    cfg = page_config()
    return render_template(
        "operator/map.html",
        map_config=cfg,
        categories=categories(),
        districts=cfg["districts"],
        statuses=APPEAL_STATUS.choices(),
        open_statuses=APPEAL_STATUS.group(OPEN),
    )
