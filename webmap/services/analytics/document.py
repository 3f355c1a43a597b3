"""What a map document for a meeting shows: outlines, streets, works done, open cases per house.

The document is built for the administration and may be e-mailed on, so it carries
no personal data at all: works with their public notes (redacted as any public text),
open cases only as counts per place, never their messages or authors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from webmap.services.analytics.base import OPEN_SQL, Filters, HotspotParams, case_where, fetch, work_where
from webmap.services.analytics.places import Hotspot, hotspots


@dataclass
class DocumentData:
    """The layers of one map document, geometries as GeoJSON dicts (lon, lat)."""

    districts: list[dict[str, Any]] = field(default_factory=list)  # name, code, geometry
    streets: list[dict[str, Any]] = field(default_factory=list)  # name, geometry
    works: list[dict[str, Any]] = field(default_factory=list)  # type_code, type, type_en, done_at, note, geometry
    open_places: list[dict[str, Any]] = field(default_factory=list)  # address, count, categories, lon, lat
    spots: list[Hotspot] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.districts


def _geometry(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "geometry": json.loads(row["geometry"])}


def district_outlines(f: Filters) -> list[dict[str, Any]]:
    """The filtered districts (every district when none is chosen)."""
    where = "d.id = ANY(:ids)" if f.districts else "true"
    rows = fetch(
        f"SELECT d.name, d.code, ST_AsGeoJSON(d.geom, 6) AS geometry FROM districts d WHERE {where} ORDER BY d.name",
        {"ids": list(f.districts)},
    )
    return [_geometry(r) for r in rows]


def streets_near(f: Filters) -> list[dict[str, Any]]:
    """Street centre lines crossing the box of the chosen districts (the whole town otherwise)."""
    where = "d.id = ANY(:ids)" if f.districts else "true"
    rows = fetch(
        f"""
        WITH box AS (SELECT ST_SetSRID(ST_Expand(ST_Extent(d.geom)::geometry, 0.002), 4326) AS g FROM districts d WHERE {where})
        SELECT s.name, ST_AsGeoJSON(ST_Intersection(s.geom, box.g), 6) AS geometry
        FROM streets s, box WHERE s.geom && box.g ORDER BY s.name""",
        {"ids": list(f.districts)},
    )
    return [_geometry(r) for r in rows if r["geometry"]]


def works_done(f: Filters) -> list[dict[str, Any]]:
    """Works done in the period under the filters, with their public notes (redacted by the caller)."""
    where, params = work_where(f)
    rows = fetch(
        f"""
        SELECT w.id, w.type_code, t.name_ru AS type, t.name_en AS type_en, w.done_at, w.public_note AS note,
               ST_AsGeoJSON(w.geom, 6) AS geometry
        FROM works w JOIN work_types t ON t.code = w.type_code
        WHERE {where} ORDER BY w.type_code, w.done_at, w.id""",
        params,
    )
    return [_geometry(r) for r in rows]


def open_cases_by_place(f: Filters) -> list[dict[str, Any]]:
    """Open placed cases received in the period, counted per point (a house, a crossing ...)."""
    where, params = case_where(f)
    return fetch(
        f"""
        SELECT coalesce(a.address, '') AS address, count(*) AS count,
               array_agg(DISTINCT c.name_ru ORDER BY c.name_ru) AS categories,
               ST_X(a.point) AS lon, ST_Y(a.point) AS lat
        FROM appeals a JOIN categories c ON c.code = a.category_code
        WHERE {where} AND a.point IS NOT NULL AND a.status IN {OPEN_SQL}
        GROUP BY a.point, coalesce(a.address, '')
        ORDER BY count(*) DESC, 1""",
        params,
    )


def document_data(f: Filters, p: HotspotParams) -> DocumentData:
    """Every layer of the document for the filters."""
    return DocumentData(
        districts=district_outlines(f),
        streets=streets_near(f),
        works=works_done(f),
        open_places=open_cases_by_place(f),
        spots=hotspots(f, p),
    )
