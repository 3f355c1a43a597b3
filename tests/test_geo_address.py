"""Address parsing and gazetteer resolution on the demo town (no database)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from shapely.geometry import LineString, Point, Polygon

from geo.address import CrossingMention, DistrictMention, LandmarkMention, StreetMention
from geo.fuzzy import trigram_similarity
from geo.housenumber import display_house, match_house
from geo.index import GazetteerIndex
from geo.town import AddressRec, DistrictRec, LandmarkRec, StreetRec, Town, read_town

TOWN_DIR = Path(__file__).parent.parent / "data" / "demo-town"


@lru_cache(maxsize=1)
def demo() -> GazetteerIndex:
    return GazetteerIndex(read_town(TOWN_DIR))


def place(text: str):
    return demo().locate(text).place


def house_of(text: str) -> tuple[str | None, str | None, str | None]:
    p = place(text)
    return (p.street, p.house, p.precision) if p else (None, None, None)


# -- streets with houses ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, street, house",
    [
        ("ул. Мира, 5 яма", "Мира", "5"),
        ("улица Мира, дом 5", "Мира", "5"),
        ("на Молодёжной 7 яма", "Молодёжная", "7"),
        ("на Молодежной 7 яма", "Молодёжная", "7"),  # ё written as е
        ("НА МОЛОДЁЖНОЙ 7 ЯМА", "Молодёжная", "7"),  # any letter case
        ("молодёжная 34 нужен лежачий", "Молодёжная", "34"),
        ("по улице Таёжной, 35", "Таёжная", "35"),
        ("у дома 5 по Мира прорвало трубу", "Мира", "5"),
        ("во дворе дома № 21 по ул. Молодёжной шумят", "Молодёжная", "21"),
        ("у дома 6а по улице промышленной", "Промышленная", "6А"),
        ("Нефтяников пр-т 3 нет света", "Нефтяников", "3"),
        ("пр. Нефтяников, 23", "Нефтяников", "23"),
        ("просп. Нефтяников 23", "Нефтяников", "23"),
        ("проспект Нефтяников 23", "Нефтяников", "23"),
        ("Ул.Кедровая д.20 течёт", "Кедровая", "20"),
        ("ул.аганская д.6.", "Аганская", "6"),
        ("Ленина дом № 5 люк", "Ленина", "5"),
        ("д. 5 ул. Ленина", "Ленина", "5"),
        ("Харьковская, 30 люк без крышки", "Харьковская", "30"),
        ("на Харьковской возле 12 дома яма", "Харьковская", "12"),
        ("у 12 дома на Харьковской яма", "Харьковская", "12"),
        ("Звёздный пр-д 3", "Звёздный", "3"),
        ("Школьный пер. 5", "Школьный", "5"),
        ("б-р Победы, 5", "Победы", "5"),
        ("на бульваре Победы 12", "Победы", "12"),
        ("мира5 яма", "Мира", "5"),
        ("Кедровая 4 выбоины по всей дороге", "Кедровая", "4"),  # "4 выбоины" could count, the house reading wins
        ("Ленина 21 фонарь не горит", "Ленина", "21"),
    ],
)
def test_street_and_house(text: str, street: str, house: str) -> None:
    s, h, precision = house_of(text)
    assert (s, h, precision) == (street, house, "house")


@pytest.mark.parametrize(
    "text, house",
    [
        ("Мира 24А яма", "24А"),
        ("Мира 24 а", "24А"),
        ("Мира 24а, яма", "24А"),
        ("Северная 8/1", "8/1"),
        ("Северная 8 / 1", "8/1"),
        ("Молодёжная 2 корп. 2 нет воды", "2 корп. 2"),
        ("Молодёжная 2к2 нет воды", "2 корп. 2"),
        ("Молодёжная 2 корпус 2", "2 корп. 2"),
        ("Северная 7 к.2", "7 корп. 2"),
        ("Северная 53 дробь 1", "53/1"),
        ("Таёжная 52-а", "52А"),
    ],
)
def test_house_number_formats(text: str, house: str) -> None:
    p = place(text)
    assert p is not None and p.precision == "house"
    assert p.house == house


def test_match_house_prefers_the_letter_but_keeps_the_plain_number() -> None:
    assert match_house("24 а", 0).keys == ("24а", "24")
    assert match_house("5 в 2 часа", 0).keys == ("5",)  # "в" is a preposition here
    assert match_house("2к2", 0).keys[0] == "2к2"
    assert match_house("5-7", 0) is None  # a range
    assert match_house("2024 г.", 0) is None  # a year
    assert display_house("2к2") == "2 корп. 2" and display_house("24а") == "24А"


# -- numbers that are not house numbers -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "на Мира 12 фонарей не горят",
        "на Северной в 2 часа ночи шумят",
        "на Мира уже 3 дня нет воды",
        "Ленина 2 фонаря не горят",
        "на Мира уже 12 домов без света",
        "Мира 5 лет не ремонтировали",
        "Мира 500 рублей",
        "Мира 5-7 яма",
    ],
)
def test_numbers_that_count_are_not_houses(text: str) -> None:
    p = place(text)
    assert p is not None and p.precision == "street" and p.street in ("Мира", "Северная", "Ленина")
    assert p.house is None


@pytest.mark.parametrize(
    "text",
    [
        "автобус №3 не ходит",
        "звоните 8-912-345-67-89",
        "пишите +7 912 345 67 89 по поводу ямы",
        "Северная 8-912-345-67-89",  # a phone after a street is not house 8
        "12.01.2024 прорвало трубу",
        "уже 3 дня нет воды",
        "заплатили 500 рублей, а яма осталась",
        "в 2 часа ночи шумят",
        "у школы 2 дня нет света",
    ],
)
def test_numbers_alone_are_no_place(text: str) -> None:
    p = place(text)
    assert p is None or p.precision == "street" and p.house is None


def test_phone_after_street_gives_street_only() -> None:
    p = place("Северная 8-912-345-67-89")
    assert p is not None and p.precision == "street" and p.house is None


# -- streets alone, crossings -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, street",
    [
        ("по улице Таёжной не чистят снег", "Таёжная"),
        ("Сломаны качели на Северной.", "Северная"),
        ("вдоль улицы нефтяников машины", "Нефтяников"),
        ("на Школьном переулке темно", "Школьный"),
        ("по Звездному проезду", "Звёздный"),
        ("не вывозят мусор на харьковской", "Харьковская"),
    ],
)
def test_street_only(text: str, street: str) -> None:
    p = place(text)
    assert p is not None and (p.precision, p.street) == ("street", street)
    line = next(s for s in demo().streets if s.name == street).geom
    assert line.distance(Point(p.lon, p.lat)) < 1e-9  # the point is on the line


@pytest.mark.parametrize(
    "text, pair",
    [
        ("на перекрёстке Комсомольской и Мира нет света", {"Комсомольская", "Мира"}),
        ("на углу Мира и Харьковской яма", {"Мира", "Харьковская"}),
        ("пересечение Ленина и Геологов", {"Ленина", "Геологов"}),
        ("на Мира угол Геологов", {"Мира", "Геологов"}),
        ("Мира/Харьковская яма", {"Мира", "Харьковская"}),
        ("на перекрестке Таёжной и Промышленной", {"Таёжная", "Промышленная"}),
        ("перекресток Нефтяников Молодежной светофор", {"Нефтяников", "Молодёжная"}),
    ],
)
def test_crossings(text: str, pair: set[str]) -> None:
    p = place(text)
    assert p is not None and p.precision == "intersection"
    assert set(p.street.split(" / ")) == pair
    a, b = (next(s for s in demo().streets if s.name == n).geom for n in pair)
    assert Point(p.lon, p.lat).distance(a.intersection(b)) < 2e-5  # ~1 m
    assert p.address.startswith("перекрёсток")


def test_crossing_address_is_human() -> None:
    assert place("на углу Мира и Харьковской").address == "перекрёсток улиц Мира и Харьковская"


def test_parallel_streets_do_not_cross() -> None:
    r = demo().locate("на перекрестке Мира и Ленина")
    assert r.place is None and "do not meet" in r.reason


# -- landmarks and districts ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, landmark",
    [
        ("у второй школы темно", "Школа № 2"),
        ("возле 2-й школы яма", "Школа № 2"),
        ("у СОШ-2 яма", "Школа № 2"),
        ("рядом со школой №1 яма", "Школа № 1"),
        ("около школы номер 4", "Школа № 4"),
        ("возле ДК скользко", "Дом культуры «Октябрь»"),
        ("у дома культуры яма", "Дом культуры «Октябрь»"),
        ("садик Сказка сломаны качели", "Детский сад «Сказка»"),
        ("возле садика Сказка яма", "Детский сад «Сказка»"),
        ("у Буратино лужа", "Детский сад «Буратино»"),
        ("у горбольницы", "Городская больница"),
        ("около поликлиники", "Поликлиника"),
        ("у стадиона Нефтяник яма", "Стадион «Нефтяник»"),
        ("в парке Победы темно", "Парк Победы"),
        ("возле мэрии", "Администрация города"),
        ("на Тёплом берегу мусор", "Тёплый берег"),
        ("напротив ТЦ Сибирь", "Торговый центр «Сибирь»"),
        ("в администрации нет воды", "Администрация города"),
        ("на стадионе темно", "Стадион «Нефтяник»"),
        ("рядом с больницей яма", "Городская больница"),
    ],
)
def test_landmarks_by_name_and_nickname(text: str, landmark: str) -> None:
    p = place(text)
    assert p is not None and (p.precision, p.landmark) == ("landmark", landmark)


@pytest.mark.parametrize(
    "text",
    [
        "Уважаемая администрация, сделайте что-нибудь",  # "администрация" is an alias, but not a place here
        "у школы темно",  # which school?
        "это не сказка, а кошмар",
        "на Нефтяниках яма",  # plural of the stadium's name, not the prospect
        "в День Победы не горели фонари",
        "школьный автобус опоздал",
        "северная часть города без света",
        "южный ветер сломал забор",
        "на Пушкина 5 яма",  # not a street of this town
        "Обращались в администрацию, ничего не сделали",  # where to, not where
        "ответ из администрации пришёл",
        "пошли на стадион, а там темно",
    ],
)
def test_not_a_place(text: str) -> None:
    assert place(text) is None


@pytest.mark.parametrize(
    "text, district",
    [
        ("в 5 мкр не вывозят мусор", "5-й микрорайон"),
        ("5-й микрорайон мусор", "5-й микрорайон"),
        ("в пятом микрорайоне нет света", "5-й микрорайон"),
        ("В мкр. 3 нет света", "3-й микрорайон"),
        ("5мкр темно", "5-й микрорайон"),
        ("в Промзоне свалка", "Промзона"),
        ("в Южном микрорайоне темно", "Южный"),
    ],
)
def test_districts(text: str, district: str) -> None:
    p = place(text)
    assert p is not None and (p.precision, p.district) == ("district", district)
    d = next(d for d in demo().districts if d.name == district)
    assert d.geom.contains(Point(p.lon, p.lat))


def test_street_narrowed_to_district() -> None:
    p = place("на Мира в 2 мкр яма")
    assert p is not None and p.precision == "street" and p.district == "2-й микрорайон"


# -- ambiguity: no place rather than a wrong one ----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Мира 5 и Ленина 7 ямы",  # two streets with houses
        "на Мира и на Ленина нет света",  # two streets
        "на Молодёжной 36 а также на Мира",
        "в 3 мкр на Ленина",  # Ленина does not pass through 3-й микрорайон
        "у второй школы и у ДК",
        "Мира Петровна пожаловалась на яму",  # a person, not улица Мира
    ],
)
def test_ambiguous_text_gives_no_place(text: str) -> None:
    assert place(text) is None


def _tiny_town(**overrides) -> Town:
    """Two streets called "Садовая" (улица and переулок), and an alias two landmarks share."""
    line1 = LineString([(75.0, 61.0), (75.01, 61.0)])
    line2 = LineString([(75.0, 61.005), (75.01, 61.005)])
    line3 = LineString([(75.005, 60.995), (75.005, 61.01)])
    area = Polygon([(74.99, 60.99), (75.02, 60.99), (75.02, 61.02), (74.99, 61.02)])
    town = Town(
        districts=[DistrictRec("Центр", "C", area)],
        streets=[
            StreetRec("Садовая", "улица", "улица Садовая", (), line1),
            StreetRec("Садовая", "переулок", "переулок Садовая", (), line2),
            StreetRec("Лесная", "улица", "улица Лесная", (), line3),
        ],
        addresses=[
            AddressRec("Лесная", n, f"улица Лесная, {n}", "Центр", Point(75.0051, 61.0 + i * 0.001))
            for i, n in enumerate(["2", "4", "8", "10"])
        ],
        landmarks=[
            LandmarkRec("Школа № 1", "school", ("школа", "первая школа"), "Центр", Point(75.001, 61.001)),
            LandmarkRec("Школа № 2", "school", ("школа", "вторая школа"), "Центр", Point(75.009, 61.009)),
        ],
    )
    for k, v in overrides.items():
        setattr(town, k, v)
    return town


def test_street_name_shared_by_two_streets_is_ambiguous() -> None:
    index = GazetteerIndex(_tiny_town())
    r = index.locate("на Садовой яма")
    assert r.place is None and "several streets" in r.reason
    assert len(r.candidates) == 2
    # the street type decides when given
    p = index.locate("ул. Садовая яма").place
    assert p is not None and p.address == "улица Садовая"


def test_alias_shared_by_two_landmarks_is_ambiguous() -> None:
    index = GazetteerIndex(_tiny_town())
    r = index.locate("возле школы яма")
    assert r.place is None and "several landmarks" in r.reason
    assert index.locate("возле второй школы").place.landmark == "Школа № 2"


# -- houses the gazetteer lacks -------------------------------------------------------


def test_missing_house_is_interpolated_on_its_side() -> None:
    index = GazetteerIndex(_tiny_town())
    p = index.locate("Лесная 6 яма").place  # between 4 and 8, even side
    assert p is not None and p.precision == "interpolated_house" and p.house == "6"
    four = next(a for a in index.town.addresses if a.housenumber == "4").geom
    eight = next(a for a in index.town.addresses if a.housenumber == "8").geom
    assert abs(p.lat - (four.y + eight.y) / 2) < 1e-9
    assert p.confidence < index.locate("Лесная 4").place.confidence


def test_missing_house_without_neighbours_is_the_street_middle() -> None:
    index = GazetteerIndex(_tiny_town())
    p = index.locate("Лесная 7 яма").place  # no odd houses at all
    assert p is not None and p.precision == "street" and p.house == "7"
    middle = index.streets[2].geom.interpolate(0.5, normalized=True)
    assert (p.lon, p.lat) == pytest.approx((middle.x, middle.y))
    p = place("на Ленина 100 яма")  # beyond the last house
    assert p.precision == "street" and p.confidence <= 0.6


def test_letter_house_uses_its_plot() -> None:
    p = place("Геологов 4Б")  # 4А exists, 4Б does not
    assert p.precision == "interpolated_house" and p.address == "улица Геологов, 4Б"
    p = place("Аганская 5а")  # 5 exists, 5А does not
    assert p.precision == "interpolated_house" and p.address == "улица Аганская, 5А"


# -- typos: fallback and the pg_trgm callback -------------------------------------------


@pytest.mark.parametrize(
    "text, street",
    [
        ("ул. Малодежная 7 нет воды", "Молодёжная"),
        ("на Комсомолськой 10 сугробы", "Комсомольская"),
        ("на Нефтяникова 23", "Нефтяников"),
        ("Харьковскя 12 яма", "Харьковская"),
    ],
)
def test_typos_fallback(text: str, street: str) -> None:
    p = place(text)
    assert p is not None and p.street == street and p.fuzzy
    assert p.confidence < 0.9  # lower than an exact match


def test_typo_in_plain_word_is_not_a_street() -> None:
    assert place("на дороге 5 ям") is None
    assert place("автобус 5 не ходит") is None


def test_fuzzy_callback_is_used_and_its_failure_falls_back() -> None:
    town = read_town(TOWN_DIR)
    names = [s.name for s in town.streets]
    calls: list[str] = []

    def trgm(candidate: str) -> list[tuple[str, float]]:
        calls.append(candidate)
        return [(n, trigram_similarity(candidate, n)) for n in names if trigram_similarity(candidate, n) > 0.3]

    index = GazetteerIndex(town, fuzzy_streets=trgm)
    p = index.locate("ул. Малодежная 7").place
    assert calls and p is not None and p.street == "Молодёжная" and p.fuzzy

    def broken(candidate: str) -> list[tuple[str, float]]:
        raise ConnectionError("database is down")

    p = GazetteerIndex(town, fuzzy_streets=broken).locate("ул. Малодежная 7").place
    assert p is not None and p.street == "Молодёжная"


def test_mentions_are_typed() -> None:
    kinds = [type(m) for m in demo().extract("у дома 5 по Мира, возле ДК, в 5 мкр, на углу Мира и Геологов")]
    assert StreetMention in kinds and LandmarkMention in kinds and DistrictMention in kinds
    assert CrossingMention in kinds
