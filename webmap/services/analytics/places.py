"""Maps for planning: districts with their figures (a choropleth), hot spots without works
(ST_ClusterDBSCAN in a metric projection, ST_DWithin on geography) and the printable report's
small map (SVG drawn by PostGIS).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _  # lazy: pybabel finds _(), shown translated
from sqlalchemy import text

from webmap.extensions import db
from webmap.models.names import name_column
from webmap.models.vocab import APPEAL_STATUS, OPEN
from webmap.services.analytics.base import Column, Filters, HotspotParams, Table, case_where, fetch, tune
from webmap.services.analytics.figures import by_district


def districts_geojson(f: Filters, now: datetime | None = None) -> dict[str, Any]:
    """Districts as GeoJSON with their case counts and cases per 1,000 residents."""
    tune()
    stats = {r["id"]: r for r in by_district(f, now).rows if r["id"] is not None}
    features = []
    for did, geometry in db.session.execute(text("SELECT id, ST_AsGeoJSON(geom, 6) FROM districts ORDER BY name")):
        s = stats.get(did)
        if s is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(geometry),
                "properties": {
                    "id": did,
                    "name": s["name"],
                    "code": s["code"],
                    "population": s["population"],
                    "received": s["received"],
                    "per_1000": s["per_1000"],
                    "overdue": s["overdue"],
                    "done": s["done"],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def metric_scale() -> tuple[float, float]:
    """Metres per degree of longitude and of latitude at the town's latitude.

    Clustering multiplies lon/lat by these (ST_Scale: an affine map, far cheaper than
    ST_Transform to a UTM zone) so DBSCAN's ``eps`` is in metres; across a town of a few
    kilometres the error is well under 1 %. Cached per app; an empty town uses 60°N.
    """
    cached = current_app.extensions.get("webmap.metric_scale")
    if cached:
        return cached
    lat = db.session.execute(text("SELECT ST_Y(ST_Centroid(ST_Extent(geom)::geometry)) FROM districts")).scalar()
    phi = math.radians(60.0 if lat is None else lat)
    scale = (
        111_412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi),
        111_132.92 - 559.82 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi),
    )
    if lat is not None:
        current_app.extensions["webmap.metric_scale"] = scale
    return scale


@dataclass
class Hotspot:
    rank: int
    category_code: str
    category: str
    size: int
    open: int
    lon: float
    lat: float
    first: datetime
    last: datetime
    district: str | None
    ids: list[int]


HOTSPOT_COLUMNS = [
    Column("rank", _("№"), "int"),
    Column("category", _("Категория")),
    Column("size", _("Обращений"), "int"),
    Column("open", _("Из них открыто"), "int"),
    Column("district", _("Микрорайон")),
    Column("first", _("Первое"), "datetime"),
    Column("last", _("Последнее"), "datetime"),
    Column("lon", _("Долгота"), "float"),
    Column("lat", _("Широта"), "float"),
]


def hotspots(f: Filters, p: HotspotParams) -> list[Hotspot]:
    """Clusters of placed cases of one category (DBSCAN, ``eps`` metres, ``minpoints``) with no work
    of that category within ``distance`` metres of any of their cases; largest first.

    A work is of the category by its type or by a case of that category it answers; its status
    does not matter (a planned work is an answer too). Rejected and duplicate cases are left out.
    """
    tune()
    kx, ky = metric_scale()
    where, params = case_where(f)
    rows = fetch(
        f"""
        WITH c AS (
            SELECT a.id, a.category_code, a.point, a.created_at, a.status, a.district_id,
                   ST_ClusterDBSCAN(ST_Scale(a.point, :kx, :ky), eps => :eps, minpoints => :minpoints)
                       OVER (PARTITION BY a.category_code) AS cid
            FROM appeals a
            WHERE {where} AND a.point IS NOT NULL AND a.status NOT IN ('duplicate', 'rejected')),
        g AS (
            SELECT category_code, cid, count(*) AS size, count(*) FILTER (WHERE {APPEAL_STATUS.sql_group("status", OPEN)}) AS open,
                   array_agg(id ORDER BY id) AS ids, ST_Collect(point) AS pts,
                   min(created_at) AS first, max(created_at) AS last,
                   mode() WITHIN GROUP (ORDER BY district_id) AS district_id
            FROM c WHERE cid IS NOT NULL GROUP BY category_code, cid)
        SELECT g.category_code, {name_column("cat")} AS category, g.size, g.open, g.ids, g.first, g.last,
               ST_X(ST_Centroid(g.pts)) AS lon, ST_Y(ST_Centroid(g.pts)) AS lat, d.name AS district
        FROM g JOIN categories cat ON cat.code = g.category_code
        LEFT JOIN districts d ON d.id = g.district_id
        WHERE NOT EXISTS (
            SELECT 1 FROM works w
            WHERE w.geom && ST_Expand(ST_Envelope(g.pts), :distance / :kx * 1.1, :distance / :ky * 1.1)
              AND (w.type_code = g.category_code OR EXISTS (
                   SELECT 1 FROM work_appeals wa JOIN appeals wa_a ON wa_a.id = wa.appeal_id
                   WHERE wa.work_id = w.id AND wa_a.category_code = g.category_code))
              -- planar metres first (cheap, within 2 %), then the exact test on the spheroid;
              -- CASE keeps that order (the planner may not)
              AND CASE WHEN ST_DWithin(ST_Scale(w.geom, :kx, :ky), ST_Scale(g.pts, :kx, :ky), :distance * 1.02)
                       THEN ST_DWithin(w.geom::geography, g.pts::geography, :distance) ELSE false END)
        ORDER BY g.size DESC, g.category_code, g.ids[1]""",
        {**params, "kx": kx, "ky": ky, "eps": p.eps, "minpoints": p.minpoints, "distance": p.distance},
    )
    return [
        Hotspot(
            rank=i,
            category_code=r["category_code"],
            category=r["category"],
            size=r["size"],
            open=r["open"],
            lon=r["lon"],
            lat=r["lat"],
            first=r["first"],
            last=r["last"],
            district=r["district"],
            ids=list(r["ids"]),
        )
        for i, r in enumerate(rows, start=1)
    ]


def hotspots_table(spots: list[Hotspot]) -> Table:
    return Table(
        "hotspots",
        _("Очаги без работ"),
        HOTSPOT_COLUMNS,
        [{**s.__dict__, "lon": round(s.lon, 6), "lat": round(s.lat, 6)} for s in spots],
    )


# -- the printable report's small map --------------------------------------------------------------


def district_svg(district_id: int | None, spots: list[Hotspot]) -> dict[str, Any] | None:
    """Outlines of the district (or of every district) and nearby streets as SVG paths, longitude
    scaled by cos(latitude) so the shape is true; hot spots as circles. None for an empty town."""
    where = "d.id = :id" if district_id is not None else "true"
    box = db.session.execute(
        text(f"""
        SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
        FROM (SELECT ST_Extent(d.geom)::geometry AS e FROM districts d WHERE {where}) s"""),
        {"id": district_id},
    ).one()
    if box[0] is None:
        return None
    xmin, ymin, xmax, ymax = box
    k = math.cos(math.radians((ymin + ymax) / 2))
    districts = (
        db.session.execute(
            text(f"""
        SELECT d.name, ST_AsSVG(ST_Scale(d.geom, :k, 1), 0, 6) AS path,
               ST_X(ST_PointOnSurface(d.geom)) AS lon, ST_Y(ST_PointOnSurface(d.geom)) AS lat
        FROM districts d WHERE {where} ORDER BY d.name"""),
            {"id": district_id, "k": k},
        )
        .mappings()
        .all()
    )
    streets = db.session.scalars(
        text("""
        SELECT ST_AsSVG(ST_Scale(ST_Intersection(s.geom, ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)), :k, 1), 0, 6)
        FROM streets s WHERE s.geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)"""),
        {"x0": xmin, "y0": ymin, "x1": xmax, "y1": ymax, "k": k},
    ).all()
    width, height = (xmax - xmin) * k, ymax - ymin
    pad = max(width, height) * 0.03
    size = max(width, height)
    return {
        "viewbox": f"{xmin * k - pad:.6f} {-ymax - pad:.6f} {width + 2 * pad:.6f} {height + 2 * pad:.6f}",
        "ratio": (height + 2 * pad) / (width + 2 * pad),
        "stroke": size / 300,
        "districts": [{"name": d["name"], "path": d["path"], "x": d["lon"] * k, "y": -d["lat"]} for d in districts],
        "streets": [s for s in streets if s],
        "spots": [
            {"rank": s.rank, "x": s.lon * k, "y": -s.lat, "r": size / 60 * (1 + math.log(s.size, 3))} for s in spots
        ],
        "font": size / 35,
    }
