"""GeoJSON layers read from PostGIS for the base map (districts, streets)."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from webmap.extensions import db
from webmap.models import District, Street


def _collection(rows: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": json.loads(g), "properties": p} for g, p in rows],
    }


def districts_geojson() -> dict[str, Any]:
    rows = db.session.execute(
        select(func.ST_AsGeoJSON(District.geom, 6), District.name, District.code).order_by(District.name)
    )
    return _collection([(g, {"name": name, "code": code}) for g, name, code in rows])


def streets_geojson() -> dict[str, Any]:
    rows = db.session.execute(select(func.ST_AsGeoJSON(Street.geom, 6), Street.full_name).order_by(Street.name))
    return _collection([(g, {"name": name}) for g, name in rows])


def town_bounds() -> tuple[tuple[float, float], tuple[float, float]] | None:
    """((south, west), (north, east)) of the districts, as Leaflet wants it; None for an empty town."""
    box = db.session.execute(
        select(func.ST_XMin(func.ST_Extent(District.geom)), func.ST_YMin(func.ST_Extent(District.geom)),
               func.ST_XMax(func.ST_Extent(District.geom)), func.ST_YMax(func.ST_Extent(District.geom)))
    ).one()
    if box[0] is None:
        return None
    west, south, east, north = box
    return (south, west), (north, east)
