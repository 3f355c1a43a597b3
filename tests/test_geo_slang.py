"""Street nicknames and short forms residents use, from general rules and gazetteer aliases."""

from __future__ import annotations

import pytest

from geo.names import street_nicknames
from geo.triage import triage
from tests.geo_demo import demo, place_of


@pytest.mark.parametrize(
    "text, expected",
    [
        ("на Комсомолке яма", ("street", "улица Комсомольская")),
        ("на Комсомолке 12 яма", ("house", "улица Комсомольская, 12")),
        ("на Молодёжке темно", ("street", "улица Молодёжная")),
        ("на молодежке 5 мусорка горит", ("house", "улица Молодёжная, 5")),
        ("на Таежке опять перекопали", ("street", "улица Таёжная")),
        ("на Кедровке 5 люк без крышки", ("house", "улица Кедровая, 5")),
        ("на Харьковке 12 яма", ("house", "улица Харьковская, 12")),
        ("на Геологах сугробы по колено", ("street", "улица Геологов")),
        ("на Геологах 24 ямы во дворе", ("house", "улица Геологов, 24")),
        ("на Нефтянке фонари не горят", ("street", "проспект Нефтяников")),  # an alias in streets.geojson
        ("на Нефтянке 12 ямы", ("house", "проспект Нефтяников, 12")),
        ("в 5 мкр. мусор не вывозят", ("district", "5-й микрорайон")),
        ("в мкр. 5 темно", ("district", "5-й микрорайон")),
        ("в 3-м мкрн детская площадка сломана", ("district", "3-й микрорайон")),
        ("р-н Южный — ямы на всех дорогах", ("district", "Южный")),
        ("в р-не Южного темно по вечерам", ("district", "Южный")),
        ("в р-не второй школы гололёд", ("landmark", "Школа № 2")),  # not the 2nd micro-district
    ],
)
def test_nicknames_and_short_forms(text: str, expected: tuple[str, str]) -> None:
    assert place_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "комсомолка комсомолке сказала",  # a person, no preposition of place
        "работаю в нефтянке",  # the oil industry
        "на Нефтяниках яма",  # the stadium «Нефтяник» in the plural too: unclear
        "Молодёжка у нас хорошая",  # a youth club
    ],
)
def test_nickname_words_that_are_no_street(text: str) -> None:
    assert place_of(text) == ("none", None)


def test_the_rules() -> None:
    assert {"комсомолке", "комсомолка"} <= set().union(*street_nicknames("Комсомольская"))
    assert {"молодежке"} <= set().union(*street_nicknames("Молодёжная"))
    assert {"геологах"} <= set().union(*street_nicknames("Геологов"))
    assert street_nicknames("Лесная") == []  # "леска" is a fishing line
    assert street_nicknames("Мира") == []


@pytest.mark.parametrize(
    "text, note",
    [
        ("в мкр. Солнечный на Мира 5 яма", "микрорайон не найден в справочнике: Солнечный"),
        ("в микрорайоне Пойма темно", "микрорайон не найден в справочнике: Пойма"),
    ],
)
def test_a_micro_district_the_gazetteer_lacks_gives_no_point(text: str, note: str) -> None:
    r = triage(text, demo())
    assert r.lon is None and r.note == note
