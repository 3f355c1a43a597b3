"""A town's gazetteer read from GeoJSON files, validated before anything is stored.

The files are shaped like ``data/demo-town/``: ``districts.geojson``,
``streets.geojson``, ``addresses.geojson`` and ``landmarks.geojson``. Reading is
all-or-nothing: the first bad feature raises :class:`GazetteerFileError` naming
the file, the feature number and the reason, so a loader never stores half a town.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast, overload

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from geo.normalize import house_key, name_key

T = TypeVar("T")


class GazetteerFileError(ValueError):
    """A gazetteer file that cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class DistrictRec:
    name: str
    code: str
    geom: BaseGeometry  # Polygon or MultiPolygon


@dataclass(frozen=True)
class StreetRec:
    name: str  # bare name: "Мира"
    type: str  # "улица", "проспект", ...
    full: str
    aliases: tuple[str, ...]
    geom: BaseGeometry  # LineString or MultiLineString

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True)
class AddressRec:
    street: str
    housenumber: str
    full: str
    district: str | None
    geom: Point

    @property
    def key(self) -> tuple[str, str]:
        return name_key(self.street), house_key(self.housenumber)


@dataclass(frozen=True)
class LandmarkRec:
    name: str
    kind: str
    aliases: tuple[str, ...]
    district: str | None
    geom: Point  # a polygon's representative point for a building or an area


@dataclass
class Town:
    districts: list[DistrictRec] = field(default_factory=list)
    streets: list[StreetRec] = field(default_factory=list)
    addresses: list[AddressRec] = field(default_factory=list)
    landmarks: list[LandmarkRec] = field(default_factory=list)


GEOMETRY_TYPES = {
    "districts": ("Polygon", "MultiPolygon"),
    "streets": ("LineString", "MultiLineString"),
    "addresses": ("Point",),
    "landmarks": ("Point",),
}


@overload
def _text(props: dict[str, Any], key: str) -> str: ...
@overload
def _text(props: dict[str, Any], key: str, required: bool) -> str | None: ...
def _text(props: dict[str, Any], key: str, required: bool = True) -> str | None:
    value = props.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(f"missing property '{key}'")
        return None
    if not isinstance(value, str):
        raise ValueError(f"property '{key}' must be text, not {type(value).__name__}")
    return value.strip()


def _aliases(props: dict[str, Any]) -> tuple[str, ...]:
    value = props.get("aliases") or []
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise ValueError("property 'aliases' must be a list of text")
    return tuple(a.strip() for a in value if a.strip())


def _geometry(feature: dict[str, Any], allowed: tuple[str, ...]) -> BaseGeometry:
    raw = feature.get("geometry")
    if not isinstance(raw, dict):
        raise ValueError("missing geometry")
    if raw.get("type") not in allowed:
        raise ValueError(f"geometry type {raw.get('type')!r}, expected {' or '.join(allowed)}")
    try:
        geom = shape(raw)
    except Exception as exc:  # shapely raises several types for bad coordinates
        raise ValueError(f"broken geometry: {exc}") from exc
    if geom.is_empty:
        raise ValueError("empty geometry")
    if not geom.is_valid:
        from shapely.validation import explain_validity

        raise ValueError(f"invalid geometry: {explain_validity(geom)}")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValueError("coordinates outside lon/lat range (the file must be EPSG:4326)")
    return geom


def _district(props: dict[str, Any], geom: BaseGeometry) -> DistrictRec:
    return DistrictRec(_text(props, "name"), _text(props, "code"), geom)


def _street(props: dict[str, Any], geom: BaseGeometry) -> StreetRec:
    name, type_ = _text(props, "name"), _text(props, "type")
    full = _text(props, "full", required=False) or f"{type_} {name}"
    return StreetRec(name, type_, full, _aliases(props), geom)


def _address(props: dict[str, Any], geom: BaseGeometry) -> AddressRec:
    street, number = _text(props, "street"), _text(props, "housenumber")
    full = _text(props, "full", required=False) or f"{street}, {number}"
    point = cast(Point, geom)  # GEOMETRY_TYPES admits only points here
    return AddressRec(street, number, full, _text(props, "district", required=False), point)


def _landmark(props: dict[str, Any], geom: BaseGeometry) -> LandmarkRec:
    return LandmarkRec(
        _text(props, "name"),
        _text(props, "kind", required=False) or "other",
        _aliases(props),
        _text(props, "district", required=False),
        cast(Point, geom),  # GEOMETRY_TYPES admits only points here
    )


BUILDERS: dict[str, Callable[[dict[str, Any], BaseGeometry], Any]] = {
    "districts": _district,
    "streets": _street,
    "addresses": _address,
    "landmarks": _landmark,
}


def read_layer(path: Path, layer: str) -> list[Any]:
    """Read one layer's features; raise GazetteerFileError at the first bad one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GazetteerFileError(f"{path.name}: cannot read GeoJSON: {exc}") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if data.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise GazetteerFileError(f"{path.name}: not a GeoJSON FeatureCollection")
    records = []
    for number, feature in enumerate(features, start=1):
        try:
            if not isinstance(feature, dict):
                raise ValueError("not a GeoJSON feature")
            props = feature.get("properties") or {}
            geom = _geometry(feature, GEOMETRY_TYPES[layer])
            records.append(BUILDERS[layer](props, geom))
        except ValueError as exc:
            raise GazetteerFileError(f"{path.name}: feature {number}: {exc}") from exc
    return records


def read_town(directory: Path | str) -> Town:
    """Read all four layers of a town directory; missing files are an error."""
    directory = Path(directory)
    town = Town()
    for layer in BUILDERS:
        path = directory / f"{layer}.geojson"
        if not path.exists():
            raise GazetteerFileError(f"{path.name}: file not found in {directory}")
        setattr(town, layer, read_layer(path, layer))
    _check_references(town)
    return town


def _check_references(town: Town) -> None:
    """Every address must name a street of the town, every district reference a district."""
    streets = {s.key for s in town.streets}
    districts = {d.name for d in town.districts}
    for number, addr in enumerate(town.addresses, start=1):
        if name_key(addr.street) not in streets:
            raise GazetteerFileError(f"addresses.geojson: feature {number}: unknown street {addr.street!r}")
        if addr.district and addr.district not in districts:
            raise GazetteerFileError(f"addresses.geojson: feature {number}: unknown district {addr.district!r}")
    for number, mark in enumerate(town.landmarks, start=1):
        if mark.district and mark.district not in districts:
            raise GazetteerFileError(f"landmarks.geojson: feature {number}: unknown district {mark.district!r}")
