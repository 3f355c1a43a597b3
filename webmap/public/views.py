"""The public map page: a small Leaflet page whose points come from /api/features by bbox."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from webmap.api.public import map_settings
from webmap.maps.audience import PUBLIC
from webmap.maps.features import TOWN_WIDE_ZOOM, features_in_view
from webmap.maps.page import base_config, categories, work_types
from webmap.maps.query import feature_query
from webmap.public import bp


def first_view(bounds: list[list[float]] | None) -> str | None:
    """The default filters' answer for the whole town, as /api/features gives it (clustered):
    the page draws it at once, before its own first request for the exact view returns."""
    if not bounds:
        return None
    (south, west), (north, east) = bounds
    query = feature_query({"bbox": f"{west},{south},{east},{north}", "zoom": str(TOWN_WIDE_ZOOM)}, PUBLIC)
    return features_in_view(query, PUBLIC, map_settings())


def page_config() -> dict[str, object]:
    cfg = base_config()
    cfg["api"].update(features=url_for("api.features"), feature=url_for("api.features") + "/")
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
    cfg = page_config()
    return render_template(
        "public/index.html",
        map_config=cfg,
        first_view=first_view(cfg["bounds"]),  # type: ignore[arg-type]
        work_types=cfg["workTypes"],
        categories=categories(),
        districts=cfg["districts"],
        fixed_days=current_app.config["WEBMAP_PUBLIC_FIXED_MAX_AGE_DAYS"],
    )
