"""geo.scoring: the rules that say whether a triage result is right (shared by the bench and the CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import Point

from geo.scoring import Town, metres, score

TOWN = Town(Path(__file__).resolve().parent.parent / "data" / "demo-town")


def _house(street: str, number: str) -> tuple[float, float]:
    lon, lat = TOWN.houses[(street.lower(), number.lower())]
    return lon, lat


def test_house_within_tolerance() -> None:
    lon, lat = _house("Мира", "5")
    expect = {"kind": "house", "street": "Мира", "house": "5"}
    assert TOWN.right(expect, lon + 0.0003, lat)  # ~16 m east
    assert not TOWN.right(expect, lon + 0.003, lat)  # ~160 m
    assert not TOWN.right(expect, None, None)
    assert metres((lon, lat), (lon, lat + 0.001)) == pytest.approx(111.2, abs=0.1)


def test_segment_between_two_houses() -> None:
    numbers = sorted((h for s, h in TOWN.houses if s == "мира" and h.isdigit()), key=int)
    first, last, far = numbers[0], numbers[len(numbers) // 3], numbers[-1]
    expect = {"kind": "segment", "street": "Мира", "houses": [first, last]}
    a, b = _house("Мира", first), _house("Мира", last)
    line = TOWN.streets["мира"]
    middle = line.interpolate((line.project(Point(a)) + line.project(Point(b))) / 2)
    assert TOWN.right(expect, middle.x, middle.y)
    end = _house("Мира", far)
    if metres(end, b) > 200:
        assert not TOWN.right(expect, *end)


def test_score_counts_wrong_points_and_refuses_unknown_names() -> None:
    lon, lat = _house("Мира", "5")
    labels = [
        {"id": 1, "text": "", "expect": {"kind": "house", "street": "Мира", "house": "5"}, "category": "road"},
        {"id": 2, "text": "", "expect": {"kind": "none"}, "category": "other"},
        {"id": 3, "text": "", "expect": {"kind": "none"}, "category": "other"},
    ]
    results = {
        "1": {"lon": lon, "lat": lat, "category": "road"},
        "2": {"lon": lon, "lat": lat, "category": "water"},
    }
    s = score(labels, results, TOWN)
    assert s.summary() == {
        "n": 3,
        "place_accuracy": round(2 / 3, 4),
        "wrong_point_rate": round(1 / 3, 4),
        "category_accuracy": round(1 / 3, 4),
        "missing": 1,
    }
    with pytest.raises(KeyError, match="Вымышленная"):
        score([{"id": 1, "expect": {"kind": "street", "street": "Вымышленная"}, "category": "road"}], {}, TOWN)
