"""The public page's first view: the answer ``/api/features`` gives for the whole town at the
default filters, embedded in the page so that its first markers wait for no request.

It is computed by the API's own code (:func:`webmap.maps.query.feature_query` on the arguments
``bbox`` and ``zoom`` alone, so the public audience's default filters, then
:func:`webmap.maps.features.features_in_view` with the public audience and the API's
:func:`webmap.api.public.map_settings`): it carries exactly what the privacy gate lets
``/api/features`` carry, no more.

The view is the town's bounds at the zoom Leaflet's ``fitBounds`` picks for them on a desktop
screen (the page opens there when its URL names no view): a browser of that size then asks for
the same cells and gets the same answer, which the page does not redraw.

The answer is the same for every visitor with the default filters, so it is kept a few seconds
(``WEBMAP_FIRST_VIEW_CACHE_SECONDS``, 0 turns it off) in the process: a page request does not run
the clustering queries for every visitor. Staleness is harmless: the page's script asks
``/api/features`` for its exact view at once and replaces what it drew with that answer.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable, Sequence

from flask import current_app
from markupsafe import Markup

from webmap.api.public import map_settings
from webmap.maps.audience import PUBLIC
from webmap.maps.features import TILE_PX, features_in_view
from webmap.maps.query import feature_query

# The map's part of a 1280x800 desktop window (the filter panel and the top bar aside).
FIRST_VIEW_SIZE = (976, 760)
MIN_ZOOM, MAX_ZOOM = 10, 19  # the page's map (webmap-map.js createMap)
CACHE_ENTRIES = 16  # locales x settings: a handful; more means the settings churn

Bounds = Sequence[Sequence[float]]  # ((south, west), (north, east)), as Leaflet wants them


def _mercator_y(lat: float) -> float:
    """The Web Mercator y of ``lat`` at zoom 0, in pixels (0 at the top)."""
    s = math.sin(math.radians(max(min(lat, 85.0511), -85.0511)))
    return (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * TILE_PX


def fit_zoom(bounds: Bounds, size: tuple[int, int] = FIRST_VIEW_SIZE) -> int:
    """The zoom at which Leaflet's ``fitBounds(bounds)`` shows ``bounds`` on a map of ``size`` pixels
    (``getBoundsZoom``: the largest whole zoom at which they fit, within the map's zoom range)."""
    (south, west), (north, east) = bounds
    width = max((east - west) / 360.0 * TILE_PX, 1e-9)
    height = max(_mercator_y(south) - _mercator_y(north), 1e-9)
    zoom = math.log2(min(size[0] / width, size[1] / height))
    zoom = round(zoom * 100) / 100  # Leaflet does not drop a level for a 1 % miss
    return max(MIN_ZOOM, min(MAX_ZOOM, math.floor(zoom)))


def first_view_args(bounds: Bounds) -> dict[str, str]:
    """The ``/api/features`` arguments of the first view: the town's bbox and its fitting zoom; no
    filter, so the API's defaults for the public, the ones the page's form opens with."""
    (south, west), (north, east) = bounds
    return {"bbox": f"{west:.6f},{south:.6f},{east:.6f},{north:.6f}", "zoom": str(fit_zoom(bounds))}


class TTLCache:
    """A small thread-safe cache whose entries live ``seconds`` (read at each call: a setting)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[float, str]] = {}

    def get(self, key: Hashable, seconds: float, compute: Callable[[], str]) -> str:
        if seconds <= 0:
            return compute()
        now = self._clock()
        with self._lock:
            found = self._entries.get(key)
        if found and found[0] > now:
            return found[1]
        value = compute()  # outside the lock: a slow query does not hold other keys up
        with self._lock:
            self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
            while len(self._entries) >= CACHE_ENTRIES:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = (now + seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def cache() -> TTLCache:
    """The app's first-view cache (one per app and process)."""
    found: TTLCache = current_app.extensions.setdefault("webmap_first_view", TTLCache())
    return found


def first_view_json(bounds: Bounds | None) -> str | None:
    """The first view's FeatureCollection as JSON text, as ``/api/features`` gives it; None for a
    town without districts (the page then opens on a default spot and asks the API)."""
    if not bounds:
        return None
    args = first_view_args(bounds)
    settings = map_settings()  # the locale, cluster cell and limits: all that changes the answer
    seconds = float(current_app.config["WEBMAP_FIRST_VIEW_CACHE_SECONDS"])
    key = (settings, args["bbox"], args["zoom"])
    return cache().get(key, seconds, lambda: features_in_view(feature_query(args, PUBLIC), PUBLIC, settings))


def script_json(text: str) -> Markup:
    """JSON text made safe inside ``<script type="application/json">``: ``<``, ``>`` and ``&`` (which
    JSON has only inside strings) become ``\\u`` escapes, so no value can close the tag or open a
    comment; ``JSON.parse`` reads the same values back."""
    escaped = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(escaped.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
