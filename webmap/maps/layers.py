"""The town's own base map from the gazetteer in PostGIS: districts, streets, house numbers.

The map needs no tile server: districts and streets are drawn as vector
layers at every zoom (simplified to the screen's pixel at low zooms), house
numbers as small labels at high zoom, fetched by bbox like everything else.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select, text

from webmap.extensions import db
from webmap.maps.params import BBox
from webmap.models import District

HOUSE_LABEL_MIN_ZOOM = 16
MAX_HOUSES = 3000


def _collection(rows: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": json.loads(g), "properties": p} for g, p in rows],
    }


def districts_geojson() -> dict[str, Any]:
    rows = db.session.execute(
        select(
            func.ST_AsGeoJSON(District.geom, 6),
            District.name,
            District.code,
            func.ST_AsGeoJSON(func.ST_PointOnSurface(District.geom), 6),
        ).order_by(District.name)
    )
    return _collection(
        [(g, {"name": name, "code": code, "label": json.loads(label)["coordinates"]}) for g, name, code, label in rows]
    )


def district_list() -> list[dict[str, Any]]:
    """Each district's code, name and bounds [west, south, east, north], for the selector."""
    rows = db.session.execute(
        select(
            District.code,
            District.name,
            func.ST_XMin(District.geom),
            func.ST_YMin(District.geom),
            func.ST_XMax(District.geom),
            func.ST_YMax(District.geom),
        ).order_by(District.name)
    )
    return [
        {"code": code, "name": name, "bbox": [round(v, 6) for v in (w, s, e, n)]} for code, name, w, s, e, n in rows
    ]


def pixel_degrees(zoom: int) -> float:
    return 360.0 / (256 * 2**zoom)


def streets_geojson(bbox: BBox | None = None, zoom: int | None = None) -> dict[str, Any]:
    """Street centre lines (inside ``bbox``, simplified to half a pixel at ``zoom``) with a label point."""
    tolerance = pixel_degrees(zoom) / 2 if zoom is not None else 0.0
    where = "TRUE"
    params: dict[str, Any] = {"tol": tolerance}
    if bbox is not None:
        where = "geom && ST_MakeEnvelope(:west, :south, :east, :north, 4326)"
        params.update(west=bbox.west, south=bbox.south, east=bbox.east, north=bbox.north)
    rows = db.session.execute(
        text(
            "SELECT ST_AsGeoJSON(ST_Simplify(geom, :tol), 6), full_name, name, "
            "ST_AsGeoJSON(ST_LineInterpolatePoint(ST_LineMerge(longest), 0.5), 6) "
            "FROM (SELECT s.*, (SELECT d.geom FROM ST_Dump(s.geom) d ORDER BY ST_Length(d.geom) DESC LIMIT 1) AS longest "
            f"      FROM streets s WHERE {where}) q ORDER BY name"
        ),
        params,
    )
    return _collection(
        [(g, {"name": full, "short": name, "label": json.loads(label)["coordinates"]}) for g, full, name, label in rows]
    )


def houses_geojson(bbox: BBox, zoom: int) -> dict[str, Any]:
    """House numbers inside ``bbox`` at zoom 16 and closer; nothing further out (too many to read)."""
    if zoom < HOUSE_LABEL_MIN_ZOOM:
        return {"type": "FeatureCollection", "features": [], "min_zoom": HOUSE_LABEL_MIN_ZOOM}
    rows = db.session.execute(
        text(
            "SELECT ST_AsGeoJSON(geom, 6), housenumber, full_name FROM addresses "
            "WHERE geom && ST_MakeEnvelope(:west, :south, :east, :north, 4326) ORDER BY id LIMIT :lim"
        ),
        {"west": bbox.west, "south": bbox.south, "east": bbox.east, "north": bbox.north, "lim": MAX_HOUSES},
    )
    return _collection([(g, {"number": number, "name": full}) for g, number, full in rows])


def landmarks_geojson() -> dict[str, Any]:
    rows = db.session.execute(text("SELECT ST_AsGeoJSON(geom, 6), name, kind FROM landmarks ORDER BY name"))
    return _collection([(g, {"name": name, "kind": kind}) for g, name, kind in rows])


def town_bounds() -> tuple[tuple[float, float], tuple[float, float]] | None:
    """((south, west), (north, east)) of the districts, as Leaflet wants it; None for an empty town."""
    box = db.session.execute(
        select(
            func.ST_XMin(func.ST_Extent(District.geom)),
            func.ST_YMin(func.ST_Extent(District.geom)),
            func.ST_XMax(func.ST_Extent(District.geom)),
            func.ST_YMax(func.ST_Extent(District.geom)),
        )
    ).one()
    if box[0] is None:
        return None
    west, south, east, north = box
    return (south, west), (north, east)
