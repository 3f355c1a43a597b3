"""The public map page: a small Leaflet page whose points come from /api/features by bbox; the
first view's answer comes embedded (:mod:`webmap.public.first_view`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from flask import Response, current_app, render_template, stream_with_context, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from webmap.extensions import db
from webmap.maps.page import base_config, categories, url_template, work_types
from webmap.public import bp
from webmap.public.first_view import Bounds, first_view_json, script_json

# Where the rendered page is cut: nothing a template or a value renders looks like it.
FIRST_VIEW_SLOT = "\x00first-view\x00"


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
def index() -> Response:
    """The page; its query string is not read (but ``lang``, by the locale): it always embeds the
    default filters' first view, which its script draws only when the URL's hash asks for no
    other view or filters.

    The page is sent in two parts: everything before the first view at once, so that the browser
    fetches the stylesheets and scripts (deferred, in the head) while the server computes the
    first view (or takes it from its cache); then the first view and the rest."""
    cfg = page_config()
    bounds = cast("Bounds | None", cfg["bounds"])
    html = render_template(
        "public/index.html",
        map_config=cfg,
        first_view=Markup(FIRST_VIEW_SLOT) if bounds else None,
        work_types=cfg["workTypes"],
        categories=categories(),
        districts=cfg["districts"],
        fixed_days=current_app.config["WEBMAP_PUBLIC_FIXED_MAX_AGE_DAYS"],
    )
    if not bounds:
        return Response(html, mimetype="text/html")
    head, tail = html.split(FIRST_VIEW_SLOT, 1)

    def parts() -> Iterator[str]:
        yield head
        yield first_view_block(bounds)
        yield tail

    # nginx buffers a proxied answer whole unless told not to: the head would wait for the first view
    return Response(stream_with_context(parts()), mimetype="text/html", headers={"X-Accel-Buffering": "no"})


def first_view_block(bounds: Bounds) -> str:
    """The first view as the JSON block's text; ``null`` if it cannot be made (the head is sent
    already: the page then asks the API, as it does for any other view)."""
    try:
        return str(script_json(first_view_json(bounds) or "null"))
    except Exception:
        current_app.logger.exception("the public page's first view failed")
        db.session.rollback()
        return "null"
