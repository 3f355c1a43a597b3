"""A town's gazetteer from an OpenStreetMap extract (``.osm`` or ``.osm.pbf``, via osmium).

Named highways become streets (all ways of one name merged), buildings or
nodes with ``addr:street`` + ``addr:housenumber`` become addresses, named
amenities and a few other named features become landmarks, and named
``boundary`` or ``place`` polygons become districts. The result is a
:class:`geo.town.Town`, stored by the same loader as the GeoJSON files.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

import osmium
from shapely import wkb
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge

from geo.normalize import name_key
from geo.town import AddressRec, DistrictRec, LandmarkRec, StreetRec, Town

_T = TypeVar("_T")

STREET_TYPES = (
    "улица",
    "проспект",
    "переулок",
    "проезд",
    "бульвар",
    "шоссе",
    "площадь",
    "набережная",
    "тупик",
    "аллея",
    "микрорайон",
)
SHORT = {"улица": "ул.", "проспект": "пр-т", "переулок": "пер.", "проезд": "пр-д", "бульвар": "б-р"}
HIGHWAYS = {
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "pedestrian",
    "road",
    "footway",
}
LANDMARK_KEYS = ("amenity", "leisure", "shop", "tourism", "building")
LANDMARK_BUILDINGS = {"school", "kindergarten", "hospital", "church", "cathedral", "public", "civic"}
PLACE_DISTRICTS = {"suburb", "quarter", "neighbourhood", "city_block"}
_TYPE = re.compile(rf"^\s*({'|'.join(STREET_TYPES)})\s+|\s+({'|'.join(STREET_TYPES)})\s*$", re.I)


def split_street_name(full: str) -> tuple[str, str]:
    """``"улица Мира"`` → ``("Мира", "улица")``; ``"Школьный переулок"`` → ``("Школьный", "переулок")``."""
    m = _TYPE.search(full)
    if not m:
        return full.strip(), "улица"
    street_type = (m.group(1) or m.group(2)).lower()
    return (full[: m.start()] + full[m.end() :]).strip(), street_type


@dataclass
class OsmReport:
    """What was taken and what was left out, and why."""

    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1


class _Collector(osmium.SimpleHandler):
    def __init__(self) -> None:
        super().__init__()
        self.factory = osmium.geom.WKBFactory()
        self.street_lines: dict[str, list[LineString]] = defaultdict(list)
        self.addresses: list[tuple[str, str, Point]] = []
        self.landmarks: list[tuple[str, str, Point]] = []
        self.districts: list[tuple[str, str, BaseGeometry]] = []
        self.report = OsmReport()

    def _geom(self, make: Callable[[_T], str], obj: _T) -> BaseGeometry | None:
        try:
            return wkb.loads(make(obj), hex=True)
        except Exception:  # incomplete ways or broken polygons in an extract
            self.report.skip("incomplete geometry")
            return None

    def _point(self, n: osmium.osm.Node) -> Point | None:
        return cast("Point | None", self._geom(self.factory.create_point, n))  # the factory made a point

    def node(self, n: osmium.osm.Node) -> None:
        tags = n.tags
        if "addr:street" in tags and "addr:housenumber" in tags:
            point = self._point(n)
            if point is not None:
                self.addresses.append((tags["addr:street"], tags["addr:housenumber"], point))
        self._landmark(tags, lambda: self._point(n))

    def way(self, w: osmium.osm.Way) -> None:
        tags = w.tags
        if tags.get("highway") in HIGHWAYS and "name" in tags:
            line = cast("LineString | None", self._geom(self.factory.create_linestring, w))  # the factory made a line
            if line is not None:
                self.street_lines[tags["name"]].append(line)

    def area(self, a: osmium.osm.Area) -> None:
        tags = a.tags
        polygon = None

        def shape() -> BaseGeometry | None:
            nonlocal polygon
            if polygon is None:
                polygon = self._geom(self.factory.create_multipolygon, a)
            return polygon

        def inner_point() -> Point | None:
            poly = shape()
            return poly.representative_point() if poly is not None else None

        if "addr:street" in tags and "addr:housenumber" in tags:
            point = inner_point()
            if point is not None:
                self.addresses.append((tags["addr:street"], tags["addr:housenumber"], point))
        self._landmark(tags, inner_point)
        is_district = (tags.get("boundary") == "administrative" and tags.get("admin_level") in ("9", "10")) or tags.get(
            "place"
        ) in PLACE_DISTRICTS
        if is_district and "name" in tags:
            poly = shape()
            if poly is not None:
                self.districts.append((tags["name"], f"osm-{a.orig_id()}", poly))

    def _landmark(self, tags: osmium.osm.TagList, point: Callable[[], Point | None]) -> None:
        name = tags.get("name")
        if not name or "highway" in tags or "boundary" in tags or "place" in tags:
            return
        kind = next(
            (tags[k] for k in LANDMARK_KEYS if k in tags and (k != "building" or tags[k] in LANDMARK_BUILDINGS)), None
        )
        if kind:
            p = point()
            if p is not None:
                self.landmarks.append((name, kind, p))


def _district_of(districts: list[DistrictRec], point: Point) -> str | None:
    return next((d.name for d in districts if d.geom.contains(point)), None)


def read_osm(path: Path | str) -> tuple[Town, OsmReport]:
    """Read an OSM extract into a Town; addresses on streets the extract lacks are skipped."""
    collector = _Collector()
    collector.apply_file(str(path), locations=True)
    town = Town()
    town.districts = [DistrictRec(name, code, geom) for name, code, geom in collector.districts]
    streets: dict[str, StreetRec] = {}
    for full, lines in collector.street_lines.items():
        name, street_type = split_street_name(full)
        merged = linemerge(MultiLineString(list(lines)))
        streets[name_key(name)] = StreetRec(
            name, street_type, full, (f"{SHORT.get(street_type, street_type)} {name}",), merged
        )
    town.streets = list(streets.values())
    seen: set[tuple[str, str]] = set()
    for street_full, number, point in collector.addresses:
        name, _ = split_street_name(street_full)
        street = streets.get(name_key(name))
        if street is None:
            collector.report.skip("address on a street that is not in the extract")
            continue
        if (street.key, number) in seen:
            collector.report.skip("duplicate address")
            continue
        seen.add((street.key, number))
        town.addresses.append(
            AddressRec(street.name, number, f"{street.full}, {number}", _district_of(town.districts, point), point)
        )
    names: set[str] = set()
    for name, kind, point in collector.landmarks:
        if name in names:
            collector.report.skip("landmark name seen before")
            continue
        names.add(name)
        town.landmarks.append(LandmarkRec(name, kind, (), _district_of(town.districts, point), point))
    return town, collector.report
