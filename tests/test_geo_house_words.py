"""A house number after its street with words between; a house the gazetteer lacks is never guessed."""

from __future__ import annotations

import pytest
from shapely.geometry import shape

from geo.triage import triage
from tests.geo_demo import demo, place_of


@pytest.mark.parametrize(
    "text, address",
    [
        ("по ул. Мира возле д. 8 яма", "улица Мира, 8"),
        ("на Кедровой в районе дома 3 темно", "улица Кедровая, 3"),
        ("на проспекте Нефтяников у д. 6 лужа", "проспект Нефтяников, 6"),
        ("улица Ленина напротив дома № 4 люк", "улица Ленина, 4"),
        ("улица Ленина, дом 9, во дворе качели сломаны", "улица Ленина, 9"),
        ("ул. Ленина, д. 12, кв. 40 нет отопления", "улица Ленина, 12"),  # кв. is a flat
        ("ул. Ленина д.12 кв.40 нет отопления", "улица Ленина, 12"),
        ("Таежная, около дома 5 яма", "улица Таёжная, 5"),
        ("на Мира, рядом с домом 7 фонарь", "улица Мира, 7"),
        ("Геологов, возле 5 подъезда дома 9 мусор", "улица Геологов, 9"),  # 5 is an entrance
        ("у дома 15 яма, это на Ленина", "улица Ленина, 15"),
        ("ул. Мира, д. 5, подъезд 2, кв. 17 не греют батареи", "улица Мира, 5"),
        ("прошу закрыть колодец напротив дома № 18 по пр-ту Нефтяников", "проспект Нефтяников, 18"),
    ],
)
def test_house_with_words_between(text: str, address: str) -> None:
    assert place_of(text) == ("house", address)


def test_an_unknown_house_keeps_the_street_line_and_asks_the_operator() -> None:
    r = triage("на Северной возле дома 120 яма", demo())
    assert r.precision == "street" and r.address == "улица Северная"
    assert "120" in r.review  # the case is marked for the operator
    street = next(s for s in demo().streets if s.name == "Северная")
    assert r.geometry is not None and shape(r.geometry).equals_exact(street.geom, 1e-6)  # the whole street's line
    assert (
        r.lon is not None and shape(r.geometry).distance(shape({"type": "Point", "coordinates": [r.lon, r.lat]})) < 1e-6
    )


def test_a_known_house_has_no_line_and_no_review() -> None:
    r = triage("по ул. Мира возле д. 8 яма", demo())
    assert r.geometry is None and r.review == ""


def test_two_different_loose_houses_are_not_bound() -> None:
    assert place_of("у дома 15 и у дома 19 ямы, это на Ленина") == ("street", "улица Ленина")


@pytest.mark.parametrize(
    "text, name",
    [
        ("по ул. Садовой возле д. 8 яма", "Садовая"),  # this town has no Садовая: no guess
        ("на ул. Пушкина 5 яма", "Пушкина"),
        ("Садовая улица 3 темно", "Садовая"),
        ("на углу ул. Мира и ул. Пушкина яма", "Пушкина"),  # half a crossing is no crossing
        ("На остановке «Площадь Ленина» нет павильона", "площадь Ленина"),  # not улица Ленина
        ("переулок Мира 3 нет воды", "переулок Мира"),
    ],
)
def test_a_street_the_gazetteer_lacks_gives_no_point(text: str, name: str) -> None:
    r = triage(text, demo())
    assert r.lon is None and r.note == f"улица не найдена в справочнике: {name}"


@pytest.mark.parametrize("text", ["ул. Малодежная 7 яма", "Ул. Молодежная 7 яма", "на улице Мира 5 темно"])
def test_known_streets_with_typos_or_capitals_still_place(text: str) -> None:
    assert place_of(text) == ("house", "улица Молодёжная, 7" if "жная" in text else "улица Мира, 5")
