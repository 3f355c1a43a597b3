"""Map documents for the administration: one self-contained HTML file per district and period.

folium is made for such documents: the map, its layers, a legend and a title in one
file that opens on a meeting's laptop or from an e-mail with no network. Leaflet's
script and style are inlined from ``static/vendor`` (installed from npm at set-up),
its images become data URIs, and no tile server is used: the town's own districts
and streets are the base map.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import folium
from branca.element import Element, Figure
from flask import current_app
from flask_babel import gettext as _
from markupsafe import escape

from webmap.privacy import public_text
from webmap.services.analytics.document import DocumentData

# Colours of work types (admin-defined types get the last one).
WORK_COLOURS = {
    "speed_bump": "#d97706",
    "fence": "#7c3aed",
    "streetlight": "#eab308",
    "manhole": "#0f766e",
    "road": "#475569",
}
OTHER_WORK_COLOUR = "#2563eb"
CASE_COLOUR = "#dc2626"
SPOT_COLOUR = "#b91c1c"
DISTRICT_STYLE = {"color": "#1e3a8a", "weight": 2, "fill": False}
STREET_STYLE = {"color": "#94a3b8", "weight": 3, "opacity": 0.9}
# Case counts are markers; their own pane lies just under the overlay pane (400), so the works
# (vector paths there) are drawn over them. Outlines and hot spots are unfilled: they do not hide the counts.
CASES_PANE = "cases"
_CSS_IMAGE = re.compile(r"url\((?:['\"])?images/([\w.-]+\.png)(?:['\"])?\)")


class MissingVendorFile(FileNotFoundError):
    """Set-up has not installed Leaflet into static/vendor (``make setup`` does)."""


@dataclass(frozen=True)
class DocumentTitle:
    place: str  # the district's name, or the town
    period: str  # "с 01.01.2026 по 31.03.2026"
    town: str
    made_at: datetime

    def heading(self) -> str:
        return f"{self.town}: {self.place}"


def _vendor(relative: str) -> Path:
    path = Path(current_app.static_folder or "static") / "vendor" / relative
    if not path.is_file():
        raise MissingVendorFile(f"{path} is missing: run make setup (npm ci copies Leaflet there)")
    return path


def _inline_css(path: Path) -> str:
    """Leaflet's CSS with its images as data URIs, so nothing is fetched from a folder beside the file."""
    images = path.parent / "images"

    def data_uri(match: re.Match[str]) -> str:
        image = images / match.group(1)
        if not image.is_file():
            return "none"
        return f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode('ascii')})"

    return _CSS_IMAGE.sub(data_uri, path.read_text(encoding="utf-8"))


def _script_text(source: str) -> str:
    """Inline script text that cannot close its own element early."""
    return source.replace("</script", "<\\/script")


def label(text: Any) -> str:
    """Text for a tooltip: HTML-escaped, and safe inside the JavaScript template literal folium writes."""
    return str(escape(str(text))).replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def _work_colour(code: str) -> str:
    return WORK_COLOURS.get(code, OTHER_WORK_COLOUR)


def _local(moment: datetime | None, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%d.%m.%Y") if moment else "—"


def _latlons(coords: list[Any]) -> list[list[float]]:
    return [[float(lat), float(lon)] for lon, lat, *_rest in coords]


def _add_work(group: folium.FeatureGroup, work: dict[str, Any], tz: str) -> None:
    geometry = work["geometry"]
    colour = _work_colour(work["type_code"])
    note = public_text(work.get("note")) or ""
    tip = label(f"{work['type']}, {_local(work['done_at'], tz)}" + (f": {note}" if note else ""))
    if geometry["type"] == "Point":
        lon, lat = geometry["coordinates"][:2]
        folium.CircleMarker(
            [lat, lon],
            radius=8,
            color="#ffffff",
            weight=2,
            fill=True,
            fill_color=colour,
            fill_opacity=1,
            tooltip=tip,
        ).add_to(group)
    elif geometry["type"] == "LineString":
        folium.PolyLine(_latlons(geometry["coordinates"]), color=colour, weight=6, tooltip=tip).add_to(group)
    elif geometry["type"] == "MultiLineString":
        for part in geometry["coordinates"]:
            folium.PolyLine(_latlons(part), color=colour, weight=6, tooltip=tip).add_to(group)


def _legend(data: DocumentData, work_types: dict[str, str]) -> str:
    rows = [
        f'<li><span class="sw" style="background:{_work_colour(code)}"></span>{escape(name)}</li>'
        for code, name in work_types.items()
    ]
    rows.append(
        f'<li><span class="sw round" style="background:{CASE_COLOUR}"></span>'
        f"{escape(_('открытые обращения (число у дома)'))}</li>"
    )
    rows.append(
        f'<li><span class="sw ring" style="border-color:{SPOT_COLOUR}"></span>{escape(_("очаги без работ"))}</li>'
    )
    return (
        '<div class="doc-legend"><strong>'
        + str(escape(_("Условные обозначения")))
        + "</strong><ul>"
        + "".join(rows)
        + "</ul></div>"
    )


DOCUMENT_CSS = """
html, body { height: 100%; margin: 0; font-family: sans-serif; }
.doc-title { position: absolute; z-index: 1000; top: 8px; left: 56px; max-width: calc(100% - 420px); background: rgba(255,255,255,.92);
  padding: 6px 12px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.doc-title h1 { font-size: 18px; margin: 0; } .doc-title p { margin: 2px 0 0; font-size: 13px; color: #334155; }
.doc-legend { position: absolute; z-index: 1000; bottom: 56px; left: 8px; background: rgba(255,255,255,.92);
  padding: 8px 12px; border-radius: 4px; font-size: 13px; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.doc-legend ul { list-style: none; margin: 4px 0 0; padding: 0; } .doc-legend li { margin: 2px 0; }
.doc-legend .sw { display: inline-block; width: 14px; height: 14px; margin-right: 6px; vertical-align: -2px; }
.doc-legend .sw.round { border-radius: 50%; } .doc-legend .sw.ring { border: 2px solid; border-radius: 50%; }
.case-count { background: #dc2626; color: #fff; border-radius: 50%; text-align: center; font-weight: bold;
  font-size: 10px; line-height: 16px; border: 1px solid #fff; opacity: .85; }
"""


def build_map(data: DocumentData, title: DocumentTitle, *, inline_leaflet: bool = True) -> folium.Map:
    """The folium map of one document (not yet rendered).

    ``inline_leaflet=False`` leaves Leaflet out, for a page of the app that loads it from static/vendor.
    """
    tz = current_app.config["WEBMAP_TIMEZONE"]
    english = current_app.config.get("BABEL_DEFAULT_LOCALE") == "en"
    fmap = folium.Map(tiles=None, control_scale=True, prefer_canvas=False, zoom_control=True)
    fmap.default_js, fmap.default_css = [], []  # inlined below: the file opens with no network
    folium.map.CustomPane(CASES_PANE, z_index=390, pointer_events=True).add_to(fmap)

    outlines = folium.FeatureGroup(name=_("Микрорайоны"), control=False).add_to(fmap)
    for district in data.districts:
        folium.GeoJson(
            {"type": "Feature", "geometry": district["geometry"], "properties": {}},
            style_function=lambda _f: DISTRICT_STYLE,
            tooltip=label(district["name"]),
        ).add_to(outlines)
    streets = folium.FeatureGroup(name=_("Улицы"), control=False).add_to(fmap)
    for street in data.streets:
        folium.GeoJson(
            {"type": "Feature", "geometry": street["geometry"], "properties": {}},
            style_function=lambda _f: STREET_STYLE,
            tooltip=label(street["name"]),
        ).add_to(streets)

    work_types: dict[str, str] = {}
    groups: dict[str, folium.FeatureGroup] = {}
    for work in data.works:
        code = work["type_code"]
        name = work["type_en"] if english and work.get("type_en") else work["type"]
        if code not in groups:
            count = sum(1 for w in data.works if w["type_code"] == code)
            group = folium.FeatureGroup(name=label(f"{name} ({count})"))
            group.add_to(fmap)
            groups[code] = group
            work_types[code] = name
        _add_work(groups[code], work, tz)

    cases = folium.FeatureGroup(name=label(_("Открытые обращения"))).add_to(fmap)
    for place in data.open_places:
        tip = label(
            _("%(address)s: %(n)s открытых обращений (%(categories)s)")
            % {
                "address": place["address"] or _("без адреса"),
                "n": place["count"],
                "categories": ", ".join(place["categories"]),
            }
        )
        folium.Marker(
            [place["lat"], place["lon"]],
            icon=folium.DivIcon(
                html=f'<div class="case-count">{int(place["count"])}</div>', icon_size=(18, 18), icon_anchor=(9, 9)
            ),
            tooltip=tip,
            pane=CASES_PANE,
        ).add_to(cases)

    spots = folium.FeatureGroup(name=label(_("Очаги без работ"))).add_to(fmap)
    for spot in data.spots:
        tip = label(
            _("Очаг №%(n)s: %(category)s, %(size)s обращений")
            % {"n": spot.rank, "category": spot.category, "size": spot.size}
        )
        folium.Circle(
            [spot.lat, spot.lon], radius=120, color=SPOT_COLOUR, weight=3, dash_array="6 4", fill=False, tooltip=tip
        ).add_to(spots)

    folium.LayerControl(collapsed=False).add_to(fmap)
    bounds = _bounds(data)
    if bounds:
        fmap.fit_bounds(bounds, padding=(10, 10))

    root = _figure(fmap)
    root.header.add_child(Element(f"<title>{escape(title.heading())}</title>"), name="doc_title")
    root.header.add_child(Element(f"<style>{DOCUMENT_CSS}</style>"), name="doc_css")
    if inline_leaflet:
        css = _inline_css(_vendor("leaflet/leaflet.css"))
        root.header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css")
        script = _script_text(_vendor("leaflet/leaflet.js").read_text(encoding="utf-8"))
        root.header.add_child(Element(f"<script>{script}</script>"), name="leaflet_js")
    made = title.made_at.astimezone(ZoneInfo(tz)).strftime("%d.%m.%Y %H:%M")
    root.html.add_child(
        Element(
            f'<div class="doc-title"><h1>{escape(title.heading())}</h1>'
            f"<p>{escape(_('Период'))}: {escape(title.period)}. {escape(_('Составлено'))} {escape(made)}.</p></div>"
        ),
        name="doc_heading",
    )
    root.html.add_child(Element(_legend(data, work_types)), name="doc_legend")
    return fmap


def _figure(fmap: folium.Map) -> Figure:
    root = fmap.get_root()
    assert isinstance(root, Figure)  # folium.Map always lives in a branca Figure
    return root


def _bounds(data: DocumentData) -> list[list[float]] | None:
    lons: list[float] = []
    lats: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            lons.append(float(coords[0]))
            lats.append(float(coords[1]))
        else:
            for part in coords:
                walk(part)

    for district in data.districts:
        walk(district["geometry"]["coordinates"])
    if not lons:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def render_document(data: DocumentData, title: DocumentTitle) -> str:
    """The whole document as one HTML string."""
    return build_map(data, title).get_root().render()


def map_parts(data: DocumentData, title: DocumentTitle) -> dict[str, str]:
    """The map's header, body and script, to embed the same map in a page that loads Leaflet itself
    (the printable report)."""
    root = _figure(build_map(data, title, inline_leaflet=False))
    root.render()
    return {"header": root.header.render(), "html": root.html.render(), "script": root.script.render()}
