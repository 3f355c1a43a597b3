"""What a map page tells its script: where the APIs are, the town's bounds, vocabularies, UI strings.

Pages embed this small object (a few KB) in a ``data-config`` attribute; the
points themselves are always fetched by bbox.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask_babel import get_locale

from webmap.maps.layers import HOUSE_LABEL_MIN_ZOOM, district_list, town_bounds
from webmap.models.queries import reference


def locale() -> str:
    return str(get_locale() or "ru")


def work_types() -> list[dict[str, str]]:
    return reference.work_type_names()


def categories() -> list[dict[str, str]]:
    return reference.category_names()


_URL_SLOT = 1_987_654_320  # an id no row has: url_for builds it into the path, url_template names it


def url_template(endpoint: str, *slots: str) -> str:
    """The URL of ``endpoint`` with ``{slot}`` where each of ``slots`` goes, for a script to fill in
    (``WebMap.fillUrl``), so that no script guesses a route's shape: ``/api/cases/{case_id}/place``."""
    values: dict[str, Any] = {slot: _URL_SLOT + i for i, slot in enumerate(slots)}
    url = url_for(endpoint, **values)
    for i, slot in enumerate(slots):
        url = url.replace(str(_URL_SLOT + i), "{" + slot + "}", 1)
    return url


def base_config() -> dict[str, Any]:
    config = current_app.config
    bounds = town_bounds()
    tiles = (
        {"url": config["WEBMAP_TILE_URL"], "attribution": config["WEBMAP_TILE_ATTRIBUTION"]}
        if config.get("WEBMAP_TILE_URL")
        else None
    )
    return {
        "locale": locale(),
        "bounds": [list(bounds[0]), list(bounds[1])] if bounds else None,
        "tiles": tiles,
        "houseMinZoom": HOUSE_LABEL_MIN_ZOOM,
        "districts": district_list(),
        "api": {
            "districts": url_for("api.base_districts"),
            "streets": url_for("api.base_streets"),
            "houses": url_for("api.base_houses"),
            "landmarks": url_for("api.base_landmarks"),
        },
    }
