"""Storing a town's gazetteer (read by ``geo.town``) in PostGIS, idempotently.

Each record is matched on its natural key (district code, street name and type,
street + house number, landmark name) and updated in place, so loading the same
files twice changes nothing and a corrected file updates what it corrects.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar, cast

from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select, union_all

from geo.normalize import house_key, name_key
from geo.town import Town
from webmap.extensions import db
from webmap.models import Address, District, Landmark, Street

TOWN_MARGIN_M = 3000  # how far past the districts and streets a place may still be


def town_extent(margin_m: float = TOWN_MARGIN_M) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the districts and streets, widened by ``margin_m``;
    None while the town has no gazetteer (then no place can be checked against it)."""
    parts = union_all(select(District.geom.label("g")), select(Street.geom.label("g"))).subquery()
    extent = func.ST_Extent(parts.c.g)
    box = db.session.execute(
        select(func.ST_XMin(extent), func.ST_YMin(extent), func.ST_XMax(extent), func.ST_YMax(extent))
    ).one()
    if box[0] is None:
        return None
    west, south, east, north = (float(v) for v in box)
    dlat = margin_m / 111_320
    dlon = dlat / max(0.01, math.cos(math.radians((south + north) / 2)))
    return west - dlon, south - dlat, east + dlon, north + dlat


def in_town(lon: float, lat: float) -> bool:
    """Whether the point lies within the town's extent (any point, while there is no gazetteer)."""
    box = town_extent()
    return box is None or (box[0] <= lon <= box[2] and box[1] <= lat <= box[3])


_Row = TypeVar("_Row", District, Street, Address, Landmark)


@dataclass
class LoadReport:
    """How many records of each layer were added, changed or already as given."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, layer: str, outcome: str) -> None:
        layer_counts = self.counts.setdefault(layer, {"added": 0, "changed": 0, "unchanged": 0})
        layer_counts[outcome] += 1

    def lines(self) -> list[str]:
        return [f"{layer}: " + ", ".join(f"{k} {v}" for k, v in c.items()) for layer, c in self.counts.items()]


def _multi(geom: BaseGeometry) -> BaseGeometry:
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    if isinstance(geom, LineString):
        return MultiLineString([geom])
    return geom


def _apply(obj: District | Street | Address | Landmark, values: Mapping[str, object], geom: BaseGeometry) -> bool:
    """Set the values that differ; True when anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    if not to_shape(obj.geom).equals_exact(geom, 1e-9):
        obj.geom = from_shape(geom, srid=4326)
        changed = True
    return changed


def _upsert(
    report: LoadReport,
    layer: str,
    existing: _Row | None,
    model: type[_Row],
    values: Mapping[str, object],
    geom: BaseGeometry,
) -> _Row:
    if existing is None:
        obj = model(**values, geom=from_shape(geom, srid=4326))
        db.session.add(obj)
        report.count(layer, "added")
        return obj
    report.count(layer, "changed" if _apply(existing, values, geom) else "unchanged")
    return existing


def store_town(town: Town) -> LoadReport:
    """Upsert every record of ``town``; the caller commits (or rolls back) once."""
    report = LoadReport()
    districts: dict[str, District] = {d.code: d for d in db.session.scalars(select(District))}
    by_name: dict[str, District] = {}
    for drec in town.districts:
        values: dict[str, object] = {"name": drec.name, "code": drec.code}
        by_name[drec.name] = _upsert(report, "districts", districts.get(drec.code), District, values, _multi(drec.geom))

    streets = {(s.name_key, s.type): s for s in db.session.scalars(select(Street))}
    street_by_key: dict[str, Street] = {}
    for srec in town.streets:
        key = name_key(srec.name)
        values = {
            "name": srec.name,
            "type": srec.type,
            "full_name": srec.full,
            "aliases": list(srec.aliases),
            "name_key": key,
        }
        street_by_key[key] = _upsert(
            report, "streets", streets.get((key, srec.type)), Street, values, _multi(srec.geom)
        )
    db.session.flush()

    addresses = {(a.street_id, a.house_key): a for a in db.session.scalars(select(Address))}
    for arec in town.addresses:
        street = street_by_key[name_key(arec.street)]
        district = by_name.get(arec.district) if arec.district else None
        key = house_key(arec.housenumber)
        values = {
            "street_id": street.id,
            "housenumber": arec.housenumber,
            "house_key": key,
            "full_name": arec.full,
            "district_id": district.id if district else None,
        }
        _upsert(report, "addresses", addresses.get((street.id, key)), Address, values, arec.geom)

    landmarks = {m.name: m for m in db.session.scalars(select(Landmark))}
    for lrec in town.landmarks:
        district = by_name.get(lrec.district) if lrec.district else None
        values = {
            "name": lrec.name,
            "kind": lrec.kind,
            "aliases": list(lrec.aliases),
            "name_key": name_key(lrec.name),
            "district_id": district.id if district else None,
        }
        _upsert(report, "landmarks", landmarks.get(lrec.name), Landmark, values, lrec.geom)
    db.session.flush()
    return report


def _single(geom: BaseGeometry) -> BaseGeometry:
    """A one-part multi-geometry as its part (the GeoJSON files' shape)."""
    parts = getattr(geom, "geoms", None)
    return parts[0] if parts is not None and len(parts) == 1 else geom


def town_from_db() -> Town:
    """The stored gazetteer as ``geo.town`` records, for the in-memory index of triage."""
    from geo.town import AddressRec, DistrictRec, LandmarkRec, StreetRec

    districts = {d.id: d for d in db.session.scalars(select(District))}
    streets = {s.id: s for s in db.session.scalars(select(Street))}
    town = Town()
    town.districts = [DistrictRec(d.name, d.code, to_shape(d.geom)) for d in districts.values()]
    town.streets = [
        StreetRec(s.name, s.type, s.full_name, tuple(s.aliases or ()), _single(to_shape(s.geom)))
        for s in streets.values()
    ]
    town.addresses = [
        AddressRec(
            streets[a.street_id].name,
            a.housenumber,
            a.full_name,
            districts[a.district_id].name if a.district_id else None,
            cast(Point, to_shape(a.geom)),  # a Point column
        )
        for a in db.session.scalars(select(Address))
    ]
    town.landmarks = [
        LandmarkRec(
            m.name,
            m.kind,
            tuple(m.aliases or ()),
            districts[m.district_id].name if m.district_id else None,
            cast(Point, to_shape(m.geom)),  # a Point column
        )
        for m in db.session.scalars(select(Landmark))
    ]
    return town
