"""A stretch of a street («от ул. A до ул. B», «между домами 21 и 25») is a line, precision "segment"."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, shape

from geo.triage import triage
from tests.geo_demo import demo


def _street(name: str):
    return next(s.geom for s in demo().streets if s.name == name)


@pytest.mark.parametrize(
    "text, street, ends",
    [
        ("на участке от ул. Мира до ул. Ленина по Геологов ямы", "Геологов", ("Мира", "Ленина")),
        ("на Геологов от Мира до Ленина ямы", "Геологов", ("Мира", "Ленина")),
        ("участок улицы Мира от Геологов до Харьковской не освещён", "Мира", ("Геологов", "Харьковская")),
        ("по Мира между Геологов и Кедровой нет света", "Мира", ("Геологов", "Кедровая")),
        ("на участке Комсомольской от Ленина до Молодёжной темно", "Комсомольская", ("Ленина", "Молодёжная")),
        (
            "прошу отремонтировать проспект Нефтяников на участке от ул. Молодёжной до ул. Таёжной",
            "Нефтяников",
            ("Молодёжная", "Таёжная"),
        ),
    ],
)
def test_stretch_between_crossing_streets(text: str, street: str, ends: tuple[str, str]) -> None:
    r = triage(text, demo())
    assert r.precision == "segment" and r.geometry is not None and r.geometry["type"] == "LineString"
    line, main = shape(r.geometry), _street(street)
    start, end = Point(line.coords[0]), Point(line.coords[-1])
    near = [min(ends, key=lambda e: _street(e).distance(p)) for p in (start, end)]
    assert set(near) == set(ends)  # one end at each crossing street ...
    assert max(_street(e).distance(p) for e, p in zip(near, (start, end))) < 2e-4  # ... within ~10 m of it
    assert line.length < main.length and main.buffer(1e-6).contains(line)  # a part of the street, on it
    assert line.distance(Point(r.lon, r.lat)) < 1e-6  # the point stands on the line


@pytest.mark.parametrize(
    "text, houses",
    [
        ("на Мира между домами 21 и 27 темно", ("21", "27")),
        ("на Мира от дома 3 до дома 11 ямы", ("3", "11")),
        ("от д. 3 до д. 11 по ул. Мира разбит асфальт", ("3", "11")),
        ("Мира с 3 по 11 дом нет воды", ("3", "11")),
    ],
)
def test_stretch_between_houses(text: str, houses: tuple[str, str]) -> None:
    r = triage(text, demo())
    assert r.precision == "segment" and r.address == f"улица Мира, от дома {houses[0]} до дома {houses[1]}"
    line, main = shape(r.geometry), _street("Мира")
    points = [a.geom for a in demo().town.addresses if a.street == "Мира" and a.housenumber in houses]
    ends = sorted(main.project(p) for p in points)
    got = sorted(main.project(Point(c)) for c in (line.coords[0], line.coords[-1]))
    assert got == pytest.approx(ends, abs=1e-5)  # within a metre


@pytest.mark.parametrize(
    "text",
    [
        "на участке от ул. Мира до ул. Ленина ямы",  # which of the streets crossing both?
        "от Мира до Ленина и от Северной до Таёжной всё разбито по Геологов и Кедровой",
    ],
)
def test_an_unclear_stretch_gets_no_point(text: str) -> None:
    assert triage(text, demo()).lon is None


def test_a_stretch_whose_house_is_unknown_keeps_the_street() -> None:
    r = triage("на Мира между домами 21 и 95 темно", demo())
    assert r.precision == "street" and r.review and r.geometry is not None


def test_dates_are_no_stretch() -> None:
    r = triage("на Мира с 3 по 11 января не было воды", demo())
    assert r.precision == "street"
