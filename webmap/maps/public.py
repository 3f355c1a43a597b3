"""The public map: the town's own base map and the works done."""
from __future__ import annotations

import html

import folium
from flask import current_app
from flask_babel import format_date, gettext as _
from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webmap.extensions import db
from webmap.maps.layers import districts_geojson, streets_geojson, town_bounds
from webmap.maps.offline import make_offline
from webmap.models import Work

DEFAULT_CENTRE = (61.742, 75.595)  # the demo town's centre, for an empty database


def base_map() -> folium.Map:
    """A map of the town's districts and streets; raster tiles only if configured."""
    bounds = town_bounds()
    m = folium.Map(location=DEFAULT_CENTRE, zoom_start=14, tiles=None, control_scale=True,
                   prefer_canvas=False)
    tile_url = current_app.config.get("WEBMAP_TILE_URL")
    if tile_url:
        folium.TileLayer(tile_url, attr=current_app.config.get("WEBMAP_TILE_ATTRIBUTION") or "tiles",
                         name=_("Подложка")).add_to(m)
    folium.GeoJson(
        districts_geojson(), name=_("Микрорайоны"),
        style_function=lambda f: {"color": "#5b6b7a", "weight": 2, "fillColor": "#dfe7ee", "fillOpacity": 0.35},
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
    ).add_to(m)
    folium.GeoJson(
        streets_geojson(), name=_("Улицы"),
        style_function=lambda f: {"color": "#8a8f98", "weight": 5, "opacity": 0.8},
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
    ).add_to(m)
    if bounds:
        m.fit_bounds(bounds)
    return m


def escape(text: str) -> str:
    """HTML-escape text that folium puts inside a JS template literal: ` and $ too."""
    return html.escape(text).replace("`", "&#96;").replace("$", "&#36;")


def _work_popup(work: Work) -> str:
    """Popup HTML; every value is escaped, since notes are typed by people."""
    parts = [f"<strong>{escape(work.type.name_ru)}</strong>"]
    if work.done_at:
        parts.append(escape(_("Выполнено: %(date)s", date=format_date(work.done_at))))
    if work.public_note:
        parts.append(escape(work.public_note))
    return "<br>".join(parts)


def add_done_works(m: folium.Map) -> int:
    """Add a marker for each completed work; returns how many."""
    works = db.session.scalars(
        select(Work).options(joinedload(Work.type)).where(Work.status == "done").order_by(Work.done_at)
    ).all()
    layer = folium.FeatureGroup(name=_("Выполненные работы")).add_to(m)
    for work in works:
        point = to_shape(work.geom).representative_point()
        icon = folium.DivIcon(html="", class_name=f"work-marker work-{escape(work.type.icon)}",
                              icon_size=(18, 18), icon_anchor=(9, 9))
        folium.Marker((point.y, point.x), icon=icon, popup=folium.Popup(_work_popup(work), max_width=300),
                      tooltip=escape(work.type.name_ru)).add_to(layer)
    return len(works)


def public_map() -> folium.Map:
    m = base_map()
    add_done_works(m)
    folium.LayerControl(collapsed=True).add_to(m)
    make_offline(m.get_root())
    return m
