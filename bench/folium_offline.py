"""Serve folium's front-end libraries from ``static/vendor`` instead of CDNs (maps_bench's folium pages).

folium names each library it needs (``leaflet``, ``markerclusterjs`` ...) and
points it at a CDN. The town's map must work with no network, so every named
library is mapped to the copy installed from the npm registry at set-up; a
library with no local copy is an error rather than a silent CDN request.
"""

from __future__ import annotations

from collections.abc import Iterator

from branca.element import Element
from flask import url_for

# folium resource name -> path under static/vendor (see the Makefile's vendor step)
LOCAL_ASSETS: dict[str, str] = {
    "leaflet": "leaflet/leaflet.js",
    "jquery": "jquery/jquery.min.js",  # folium's popups build their HTML with $()
    "leaflet_css": "leaflet/leaflet.css",
    "markerclusterjs": "leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/MarkerCluster.Default.css",
}
# Pulled in by folium.Map for widgets this project does not use.
UNUSED = {
    "bootstrap",
    "awesome_markers",
    "bootstrap_css",
    "glyphicons_css",
    "awesome_markers_font_css",
    "awesome_markers_css",
    "awesome_rotate_css",
}


class MissingLocalAsset(LookupError):
    """A folium element wants a library that set-up does not install."""


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _local(resources: list[tuple[str, str]]) -> list[tuple[str, str]]:
    local = []
    for name, url in resources:
        if name in UNUSED:
            continue
        if name not in LOCAL_ASSETS:
            raise MissingLocalAsset(f"no local copy of {name} ({url}); add it to package.json and LOCAL_ASSETS")
        local.append((name, url_for("static", filename=f"vendor/{LOCAL_ASSETS[name]}")))
    return local


def make_offline(root: Element) -> None:
    """Point every element under ``root`` at local copies; call before rendering."""
    for element in _walk(root):
        for attr in ("default_js", "default_css"):
            resources = getattr(element, attr, None)
            if resources:
                setattr(element, attr, _local(resources))  # instance attribute: class lists stay as folium ships them
