"""The public map page: a small Leaflet page whose points come from /api/features by bbox; the
first view's answer comes embedded (:mod:`webmap.public.first_view`)."""

from __future__ import annotations

from typing import cast

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from webmap.maps.page import base_config, categories, url_template, work_types
from webmap.public import bp
from webmap.public.first_view import Bounds, first_view_json, script_json


def page_config() -> dict[str, object]:
    cfg = base_config()
    cfg["api"].update(features=url_for("api.features"), feature=url_template("api.feature", "kind", "item_id"))
    cfg["workTypes"] = work_types()
    cfg["i18n"] = {
        "shown": _("На карте: %(n)s", n="%(n)s"),
        "shownClustered": _("В этой части карты: %(n)s (приблизьте, чтобы увидеть по отдельности)", n="%(n)s"),
        "nothing": _("Здесь ничего не найдено: измените фильтры или сдвиньте карту."),
        "loading": _("Загрузка…"),
        "error": _("Не удалось загрузить данные"),
        "photo": _("Фото после работы"),
        "askedWork": _("Сделано по обращениям:"),
        "askedCase": _("Обращения:"),
    }
    return cfg


@bp.get("/")
def index() -> str:
    """The page; its query string is not read (but ``lang``, by the locale): it always embeds the
    default filters' first view, which its script draws only when the URL's hash asks for no
    other view or filters."""
    cfg = page_config()
    first = first_view_json(cast("Bounds | None", cfg["bounds"]))
    return render_template(
        "public/index.html",
        map_config=cfg,
        first_view=script_json(first) if first else None,
        work_types=cfg["workTypes"],
        categories=categories(),
        districts=cfg["districts"],
        fixed_days=current_app.config["WEBMAP_PUBLIC_FIXED_MAX_AGE_DAYS"],
    )
