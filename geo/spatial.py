"""Metric helpers for one town: distances in metres without a projection library.

A town spans a few kilometres, so an equirectangular projection around its
centre is accurate to well under a metre; distance checks ("is this house
within 200 m of that street?") run on shapely geometries in that frame.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import MultiLineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

EARTH_M_PER_DEG = 111_195.0


class LocalMetric:
    """Lon/lat ↔ metres around a reference point."""

    def __init__(self, lon0: float, lat0: float) -> None:
        self.lon0, self.lat0 = lon0, lat0
        self.kx = math.cos(math.radians(lat0)) * EARTH_M_PER_DEG
        self.ky = EARTH_M_PER_DEG

    @classmethod
    def around(cls, geoms: list[BaseGeometry]) -> LocalMetric:
        if not geoms:
            return cls(0.0, 0.0)
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
        return cls((minx + maxx) / 2, (miny + maxy) / 2)

    def to_metric(self, geom: BaseGeometry) -> BaseGeometry:
        def f(coords: np.ndarray) -> np.ndarray:
            return np.column_stack(((coords[:, 0] - self.lon0) * self.kx, (coords[:, 1] - self.lat0) * self.ky))

        return shapely.transform(geom, f)

    def point(self, lon: float, lat: float) -> Point:
        return Point((lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky)

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        return self.lon0 + x / self.kx, self.lat0 + y / self.ky


def line_middle(line: BaseGeometry) -> Point:
    """The point halfway along a street's line (its longest part if it is split)."""
    if isinstance(line, MultiLineString):
        line = max(line.geoms, key=lambda g: g.length)
    return line.interpolate(0.5, normalized=True)


def meeting_point(a: BaseGeometry, b: BaseGeometry, same_place: float = 50.0) -> tuple[Point | None, float]:
    """Where two (metric) lines cross, or the middle of their nearest points, and the gap.

    Lines that cross at two distinct places (further apart than ``same_place``)
    give no point: "the corner of X and Y" does not say which corner.
    """
    x = a.intersection(b)
    if not x.is_empty:
        points = list(getattr(x, "geoms", [x]))
        centre = x.centroid
        if any(p.distance(centre) > same_place for p in points):
            return None, 0.0
        return centre, 0.0
    pa, pb = nearest_points(a, b)
    return Point((pa.x + pb.x) / 2, (pa.y + pb.y) / 2), pa.distance(pb)


def lerp(a: Point, b: Point, t: float) -> Point:
    return Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
