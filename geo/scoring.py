"""Scoring triage results against labels: place (within a tolerance), wrong points, category.

A place counts as right when the point lies within 60 m of the labelled house,
60 m of the street's centre line (and, for a segment, between its two ends),
80 m of the crossing, 150 m of the landmark,
inside the district, or when no point is given for a message that names no
place. A *wrong point* is a point given where it is not right: worse than none,
since a crew would be sent to the wrong place. The bench script
(bench/score_triage.py) and ``webmap triage evaluate`` both score through here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import Point, shape

TOL = {"house": 60, "street": 60, "intersection": 80, "landmark": 150}


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance in metres between two (lon, lat) points, equirectangular (fine within a town)."""
    (x1, y1), (x2, y2) = a, b
    k = math.cos(math.radians((y1 + y2) / 2))
    return math.hypot((x2 - x1) * k, y2 - y1) * 111_195.0


def _norm(s: str) -> str:
    return s.replace("ё", "е").replace("Ё", "Е").lower()


def _features(town: Path, name: str) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads((town / name).read_text(encoding="utf-8"))["features"]
    return features


class Town:
    """The labelled town's geometry, read from its GeoJSON files."""

    def __init__(self, town: Path) -> None:
        self.houses = {
            (_norm(f["properties"]["street"]), _norm(f["properties"]["housenumber"])): f["geometry"]["coordinates"]
            for f in _features(town, "addresses.geojson")
        }
        self.streets = {
            _norm(f["properties"]["name"]): shape(f["geometry"]) for f in _features(town, "streets.geojson")
        }
        self.landmarks = {
            _norm(f["properties"]["name"]): f["geometry"]["coordinates"] for f in _features(town, "landmarks.geojson")
        }
        self.districts = {
            _norm(f["properties"]["name"]): shape(f["geometry"]) for f in _features(town, "districts.geojson")
        }

    def check(self, expect: Mapping[str, Any]) -> None:
        """Raise KeyError naming what ``expect`` refers to that this town does not hold."""
        kind = expect["kind"]
        if kind == "house" and (_norm(expect["street"]), _norm(expect["house"])) not in self.houses:
            raise KeyError(f"{expect['street']} {expect['house']}")
        names = {
            "street": [expect.get("street")],
            "segment": [expect.get("street"), *(expect.get("between") or [])],
            "intersection": expect.get("streets") or [],
        }.get(kind, [])
        for name in names:
            if _norm(str(name)) not in self.streets:
                raise KeyError(str(name))
        if kind == "landmark" and _norm(expect["landmark"]) not in self.landmarks:
            raise KeyError(expect["landmark"])
        if kind == "district" and _norm(expect["district"]) not in self.districts:
            raise KeyError(expect["district"])

    def right(self, expect: Mapping[str, Any], lon: float | None, lat: float | None) -> bool:
        """Whether (lon, lat) — or no point, when both are None — answers ``expect``. KeyError: unknown name."""
        kind = expect["kind"]
        if kind == "none":
            return lon is None
        if lon is None or lat is None:
            return False
        p = (lon, lat)
        if kind == "house":
            return metres(p, self.houses[(_norm(expect["street"]), _norm(expect["house"]))]) <= TOL["house"]
        if kind == "street":
            line = self.streets[_norm(expect["street"])]
            near = line.interpolate(line.project(Point(p)))
            return metres(p, (near.x, near.y)) <= TOL["street"]
        if kind == "intersection":
            a, b = (self.streets[_norm(s)] for s in expect["streets"])
            x = a.intersection(b)
            if x.is_empty:  # streets that meet at an end: nearest points
                x = Point(a.interpolate(a.project(b.centroid)).coords[0])
            c = x.centroid
            return metres(p, (c.x, c.y)) <= TOL["intersection"]
        if kind == "segment":
            return self._on_segment(expect, p)
        if kind == "landmark":
            return metres(p, self.landmarks[_norm(expect["landmark"])]) <= TOL["landmark"]
        if kind == "district":
            return bool(self.districts[_norm(expect["district"])].contains(Point(p)))
        raise ValueError(f"unknown kind {kind}")

    def _on_segment(self, expect: Mapping[str, Any], p: tuple[float, float]) -> bool:
        """A stretch of a street ({"street", "between": [two crossing streets]} or {"street", "houses": [two]}):
        within 60 m of the street's line and between the two ends, with 60 m of slack each side."""
        line = self.streets[_norm(expect["street"])]
        near = line.interpolate(line.project(Point(p)))
        if metres(p, (near.x, near.y)) > TOL["street"]:
            return False
        ends = []
        if "between" in expect:
            for name in expect["between"]:
                other = self.streets[_norm(name)]
                x = line.intersection(other)
                x = x.centroid if not x.is_empty else line.interpolate(line.project(other.centroid))
                ends.append(line.project(x))
        else:
            ends = [line.project(Point(self.houses[(_norm(expect["street"]), _norm(h))])) for h in expect["houses"]]
        a, b = line.interpolate(0), line.interpolate(line.length)
        per_unit = metres((a.x, a.y), (b.x, b.y)) / line.length  # metres per unit along the line
        lo, hi = sorted(ends)
        return bool(lo - TOL["street"] / per_unit <= line.project(Point(p)) <= hi + TOL["street"] / per_unit)


@dataclass
class Score:
    """The figures of one scored set; ``misses`` lists (label, result, place_ok) for what went wrong."""

    n: int = 0
    place_ok: int = 0
    category_ok: int = 0
    wrong_points: int = 0
    missing: int = 0
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)
    misses: list[tuple[dict[str, Any], dict[str, Any] | None, bool]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The machine-readable line: rates rounded to 4 places."""
        n = self.n or 1
        return {
            "n": self.n,
            "place_accuracy": round(self.place_ok / n, 4),
            "wrong_point_rate": round(self.wrong_points / n, 4),
            "category_accuracy": round(self.category_ok / n, 4),
            "missing": self.missing,
        }

    def lines(self) -> list[str]:
        """The human-readable report."""
        n = self.n or 1
        out = [f"messages: {self.n}, without a result line: {self.missing}"]
        out += [f"  {k:13s} {good}/{tot}" for k, (tot, good) in sorted(self.by_kind.items())]
        out.append(
            f"place accuracy {self.place_ok / n:.3f}  wrong points {self.wrong_points / n:.3f}  "
            f"category accuracy {self.category_ok / n:.3f}"
        )
        return out


def score(labels: Iterable[Mapping[str, Any]], results: Mapping[str, Mapping[str, Any]], town: Town) -> Score:
    """Score result records (by str(id)) against label records ({id, expect, category})."""
    out = Score()
    for lab in labels:
        out.n += 1
        r = results.get(str(lab["id"]))
        if r is None:
            out.missing += 1
            lon = lat = cat = None
        else:
            lon, lat, cat = r.get("lon"), r.get("lat"), r.get("category")
        town.check(lab["expect"])
        ok = town.right(lab["expect"], lon, lat)
        kind = lab["expect"]["kind"]
        tot, good = out.by_kind.get(kind, (0, 0))
        out.by_kind[kind] = (tot + 1, good + ok)
        out.place_ok += ok
        out.wrong_points += lon is not None and not ok
        out.category_ok += cat == lab["category"]
        if not ok or cat != lab["category"]:
            out.misses.append((dict(lab), None if r is None else dict(r), ok))
    return out


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a JSON-lines file (blank lines skipped)."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
