"""A message about another settlement or region gets no point in this town, and says why."""

from __future__ import annotations

import json

import pytest

from geo.settlements import DATA, SettlementFinder, nearest_settlement, settlements
from geo.tokens import prepare, tokenize
from geo.triage import triage
from tests.geo_demo import demo, place_of


@pytest.mark.parametrize(
    "text, name",
    [
        ("Пишу из Пыть-Яха: на Советской 5 нет света", "Пыть-Ях"),
        ("г. Нефтеюганск, ул. Мира, д. 5 — яма у подъезда", "Нефтеюганск"),  # this town has a Мира 5 too
        ("в пгт Высокий на Мира 5 темно", "Высокий"),
        ("жители д. Каркатеевы просят отремонтировать дорогу на Ленина", "Каркатеевы"),
        ("Югорск, проспект Ленина 3 яма", "Югорск"),
        ("В Сургуте на Ленина 5 яма", "Сургут"),
        ("В Пыть-Яхе на Советской 3 прорвало трубу", "Пыть-Ях"),
        ("Салехард ул Мира 15 сугробы", "Салехард"),
        ("Ноябрьск Ленина 5 мусор третий день", "Ноябрьск"),
        ("Я из Нефтеюганска, у нас на Ленина 5 дорогу так и не сделали", "Нефтеюганск"),  # "у нас" is there
        ("Белоярский, ул. Молодёжная 11 — нет отопления", "Белоярский"),
        ("г Урюпинск ул Ленина 5 темно", "Урюпинск"),  # not in the list: known by "г."
        ("В городе Урюпинске на Ленина 5 фонарь", "Урюпинск"),
        ("в селе Октябрьское на улице Ленина нет фонарей", "Октябрьское"),
        ("проживаю в Мегионе, ул. Кедровая 5 — ямы", "Мегион"),
        ("жительница Радужного: на Молодёжной 9 холодные батареи", "Радужный"),
        ("Нефтеюганск 11 мкр 3 дом нет воды", "Нефтеюганск"),  # not this town's 3-й микрорайон
    ],
)
def test_another_settlement_gets_no_point_and_a_reason(text: str, name: str) -> None:
    r = triage(text, demo())
    assert (r.lon, r.lat, r.precision) == (None, None, "none")
    assert r.note == f"другой населённый пункт: {name}"


@pytest.mark.parametrize(
    "text, region",
    [
        ("Мира 5, Тюменской области, яма", "Тюменская область"),
        ("Свердловская обл., ул. Ленина 5 — сосульки", "Свердловская область"),
        ("в Советском районе на Мира 7 нет света", "Советский район"),
        ("ЯНАО, ул. Мира 3, нет воды", "ЯНАО"),
    ],
)
def test_another_region_gets_no_point(text: str, region: str) -> None:
    r = triage(text, demo())
    assert r.lon is None and r.note == f"другой регион: {region}"


@pytest.mark.parametrize(
    "text, address",
    [
        ("в Лянторе уже сделали, а у нас на Кедровой 3 до сих пор яма", "улица Кедровая, 3"),  # a comparison
        ("родственники из Сургута приехали, а на Мира 5 яма", "улица Мира, 5"),  # they came from there
        ("автобус до Лангепаса отходит от Молодёжной 7, остановки нет", "улица Молодёжная, 7"),
        ("как в Когалыме, сделайте на Мира 5 лежачий", "улица Мира, 5"),
        ("ездили в Сургут на выходных, а на Геологов 15 опять яма", "улица Геологов, 15"),
        ("ХМАО-Югра, г. Покачи, ул. Мира, д. 9 — отремонтируйте дорогу", "улица Мира, 9"),  # this town
        ("Живу в Покачах 20 лет, а на Мира 26 яма была всегда", "улица Мира, 26"),
        ("Сын живёт в Тюмени, приезжает: на Комсомольской 9 мусор неделями", "улица Комсомольская, 9"),
        ("д. 5 по Мира яма", "улица Мира, 5"),  # "д." is a house here, not a village
        ("Советская власть тут ни при чём, на Мира 5 яма", "улица Мира, 5"),
        ("у Радужного подъезда Мира 5 скользко", "улица Мира, 5"),  # a common word, not the town
        ("Ханты-Мансийский автономный округ – Югра, Тюменская область, г. Покачи, ул. Мира 5, яма", "улица Мира, 5"),
        ("г. Покачи Тюменской обл. ул. Мира 5", "улица Мира, 5"),
        ("Согласно п. 3 ст. 12 ФЗ прошу ответить, Мира 5 яма", "улица Мира, 5"),  # "п. 3" is a clause
        ("Д. Иванов, Мира 5, яма", "улица Мира, 5"),  # initials, not a village
        ("из Сургута привезли асфальт, а положили плохо на Мира 5", "улица Мира, 5"),
        ("Нижневартовский район сильно отстаёт, а у нас на Мира 5 яма", "улица Мира, 5"),
    ],
)
def test_a_mention_that_does_not_move_the_problem(text: str, address: str) -> None:
    assert place_of(text)[1] == address


def test_home_is_the_settlement_the_gazetteer_lies_in() -> None:
    assert demo().home == "Покачи"
    assert nearest_settlement(75.595, 61.742) == "Покачи"
    assert nearest_settlement(0.0, 0.0) is None


def test_the_shipped_list_covers_yugra_and_its_neighbours() -> None:
    names = {s.name for s in settlements()}
    for expected in (
        "Сургут",
        "Нижневартовск",
        "Ханты-Мансийск",
        "Пыть-Ях",
        "Лянтор",
        "Излучинск",
        "Белый Яр",
        "Каркатеевы",
        "Салым",
        "Пойковский",
        "Берёзово",
        "Игрим",
        "Тюмень",
        "Ноябрьск",
        "Томск",
    ):
        assert expected in names
    assert len(names) >= 100
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert all(s["type"] in ("g", "pgt", "p", "s", "d") for s in data["settlements"])


def test_another_town_named_home_is_never_elsewhere() -> None:
    """An index of another town: its own name anchors, Покачи is the other one."""
    finder = SettlementFinder("Сургут")
    text = "г. Сургут, ул. Мира 5"
    assert finder.elsewhere(tokenize(prepare(text), text)) is None
    text = "г. Покачи, ул. Мира 5"
    assert finder.elsewhere(tokenize(prepare(text), text)) == "другой населённый пункт: Покачи"


def test_hostile_and_empty_texts() -> None:
    finder = SettlementFinder("Покачи")
    for text in ("", "г.", "г. .", "в", "д. д. д.", "г. " * 5000, "<script>г. Сургут</script>"):
        finder.elsewhere(tokenize(prepare(text), text))  # never raises
    assert triage("г. " * 5000, demo()).lon is None
