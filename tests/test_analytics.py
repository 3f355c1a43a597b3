"""The dashboard's figures (webmap.services.analytics) against the hand-counted town of
tests/test_dashboard_data.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from flask import Flask
from flask_babel import refresh
from sqlalchemy import text as sa_text

from tests import factories
from tests.test_dashboard_data import (
    EXPECTED,
    EXPECTED_CATEGORIES,
    EXPECTED_CHANNELS,
    EXPECTED_DISTRICTS,
    EXPECTED_RECEPTION_CATEGORIES,
    EXPECTED_RECEPTION_PEOPLE,
    EXPECTED_SENTENCE,
    EXPECTED_TREND,
    EXPECTED_WORKS,
    build_town,
    utc,
)
from webmap.dashboard.phrases import WorkCount, agree, counted, plural_form, works_sentence
from webmap.extensions import db
from webmap.services import analytics as an

NOW = utc(2026, 1, 15)
SPRING = an.Filters(date(2025, 3, 1), date(2025, 5, 31))


@pytest.fixture
def town(app_ctx: None):
    return build_town()


def test_summary(town) -> None:
    assert an.summary(SPRING, NOW) == EXPECTED


def test_period_is_local_days(town) -> None:
    # c9 was created 28 Feb 20:30 UTC = 1 March 01:30 in the town: in March, not February
    march = an.summary(replace(SPRING, date_to=date(2025, 3, 1)), NOW)
    assert march["received"] == 1 and march["done"] == 1
    feb = an.summary(an.Filters(date(2025, 2, 28), date(2025, 2, 28)), NOW)
    assert feb["received"] == 1  # c11 (28 Feb 23:00 local), not c9
    june = an.summary(an.Filters(date(2025, 6, 1), date(2025, 6, 1)), NOW)
    assert june["received"] == 1  # c10: 31 May 19:30 UTC is 1 June local


def test_overdue_depends_on_now(town) -> None:
    assert an.summary(SPRING, utc(2025, 4, 1))["overdue"] == 0
    assert an.summary(SPRING, utc(2025, 5, 6))["overdue"] == 1  # c4 only (c5 due 10 May)


def test_filters_narrow(town) -> None:
    mkr1 = replace(SPRING, districts=(town.districts["MKR1"],))
    assert an.summary(mkr1, NOW)["received"] == 5
    roads = replace(SPRING, categories=("road",))
    s = an.summary(roads, NOW)
    assert (s["received"], s["done"], s["overdue"]) == (4, 3, 1)
    pos = replace(SPRING, channels=("pos",))
    assert an.summary(pos, NOW)["received"] == 2  # c2 (vk + pos) counts for pos too
    both = replace(SPRING, channels=("pos", "reception"))
    assert an.summary(both, NOW)["received"] == 4


def test_cases_closed_before_they_were_registered_have_no_time_to_done(town) -> None:
    town.cases["c3"].closed_at = utc(2025, 3, 1)  # before its created_at (1 April): imported after the fact
    db.session.flush()
    s = an.summary(SPRING, NOW)
    assert s["done"] == 4 and (s["median_days"], s["p90_days"]) == (2.0, 3.6)  # of 1, 2 and 4 days


def test_empty_period_has_no_percentiles(town) -> None:
    s = an.summary(an.Filters(date(2024, 1, 1), date(2024, 1, 31)), NOW)
    assert s["received"] == 0 and s["share_done"] is None and s["median_days"] is None and s["p90_days"] is None


def test_by_category(town) -> None:
    rows = {
        r["code"]: (r["received"], r["in_work"], r["done"], r["rejected"], r["overdue"])
        for r in an.by_category(SPRING, NOW).rows
    }
    assert rows == EXPECTED_CATEGORIES


def test_by_channel(town) -> None:
    assert {r["channel"]: r["received"] for r in an.by_channel(SPRING).rows} == EXPECTED_CHANNELS


def test_by_district_with_population(town) -> None:
    rows = {r["code"]: (r["received"], r["per_1000"]) for r in an.by_district(SPRING, NOW).rows}
    assert {k: rows[k] for k in EXPECTED_DISTRICTS} == EXPECTED_DISTRICTS
    assert rows["MKR2"] == (0, None)  # no population: no rate, but the district is listed
    only = an.by_district(replace(SPRING, districts=(town.districts["SHORE"],)), NOW).rows
    assert [r["code"] for r in only] == ["SHORE"]


def test_districts_geojson(town) -> None:
    fc = an.districts_geojson(SPRING, NOW)
    props = {f["properties"]["code"]: f["properties"] for f in fc["features"]}
    assert len(props) == 9
    assert props["SHORE"]["received"] == 6 and props["SHORE"]["per_1000"] == 4.0
    assert fc["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_trend_by_month_and_week(town) -> None:
    rows = [(r["bucket"], r["received"], r["done"], r["works"]) for r in an.trend(SPRING).rows]
    assert rows == EXPECTED_TREND
    weeks = an.trend(replace(SPRING, step="week")).rows
    assert weeks[0]["bucket"] == date(2025, 2, 24)  # the Monday of the week of 1 March
    assert all(r["bucket"].weekday() == 0 for r in weeks)
    assert sum(r["received"] for r in weeks) == EXPECTED["received"]
    assert sum(r["works"] for r in weeks) == sum(EXPECTED_WORKS.values())


def test_works_by_type_and_sentence(app: Flask, town) -> None:
    table = an.works_by_type(SPRING)
    assert {r["code"]: r["count"] for r in table.rows} == EXPECTED_WORKS
    items = [WorkCount(r["code"], r["name_ru"], r["name_en"], r["count"], r["place"]) for r in table.rows]
    with app.test_request_context("/"):
        assert works_sentence(items, SPRING.date_from, SPRING.date_to) == EXPECTED_SENTENCE
    with app.test_request_context("/?lang=en"):
        refresh()  # the app context (and its cached locale) is shared with the request above
        english = works_sentence(items, SPRING.date_from, SPRING.date_to)
    refresh()
    assert "Speed bump installed: 2" in english and "Fence built: 1 (Тёплый берег)" in english


def test_works_filtered_by_district_and_category(town) -> None:
    mkr1 = an.works_by_type(replace(SPRING, districts=(town.districts["MKR1"],)))
    assert {r["code"]: r["count"] for r in mkr1.rows} == {"speed_bump": 2}
    fences = an.works_by_type(replace(SPRING, categories=("fence",)))
    assert {r["code"]: r["count"] for r in fences.rows} == {"fence": 1}
    phone = an.works_by_type(replace(SPRING, channels=("phone",)))  # w3 answers c7 (a phone call)
    assert {r["code"]: r["count"] for r in phone.rows} == {"fence": 1}


def test_receptions(town) -> None:
    people = {r["received_by"]: (r["questions"], r["visitors"]) for r in an.receptions_by_person(SPRING).rows}
    assert people == EXPECTED_RECEPTION_PEOPLE  # "Принял" (a Russian header) is read too
    cats = {r["code"]: (r["questions"], r["visitors"]) for r in an.receptions_by_category(SPRING).rows}
    assert cats == EXPECTED_RECEPTION_CATEGORIES
    assert an.reception_totals(SPRING) == {"questions": 3, "visitors": 2}
    listed = an.reception_list(SPRING, received_by="Глава города").rows
    assert [r["visitor"] for r in listed] == ["Мария Иванова", "Мария Иванова"]
    assert [r["question"] for r in an.reception_list(SPRING, category="water").rows] == ["Нет воды в доме"]
    assert an.reception_list(SPRING, received_by="'; DROP TABLE source_messages; --").rows == []


def test_receptions_read_the_stored_field_not_the_raw_row(town) -> None:
    """Who received a visitor is the column the import filled in; the raw row is never parsed again."""
    db.session.execute(
        sa_text("UPDATE source_messages SET received_by = 'Управделами' WHERE raw->>'Принял' = 'Заместитель главы'")
    )
    people = {r["received_by"] for r in an.receptions_by_person(SPRING).rows}
    assert "Управделами" in people and "Заместитель главы" not in people


def test_hotspots(town) -> None:
    spots = an.hotspots(SPRING, an.HotspotParams())
    assert [(s.category_code, s.size) for s in spots] == [("road", 4)]  # manholes have a work 40 m away
    assert sorted(spots[0].ids) == sorted(town.cases[n].id for n in ("c1", "c2", "c3", "c4"))
    assert spots[0].open == 1 and spots[0].district == "1-й микрорайон"
    # a smaller search distance leaves the manholes uncovered: two hot spots, the larger first
    near = an.hotspots(SPRING, an.HotspotParams(distance=30))
    assert [(s.category_code, s.size) for s in near] == [("road", 4), ("manhole", 3)]
    # a tight radius splits the road cases: 20 m apart, eps 10 m -> no cluster of 3
    assert an.hotspots(SPRING, an.HotspotParams(eps=10)) == []
    assert an.hotspots(SPRING, an.HotspotParams(minpoints=5)) == []


def test_cases_lists(town) -> None:
    overdue = an.cases(SPRING, "overdue", now=NOW)
    assert {r["id"] for r in overdue} == {town.cases["c4"].id, town.cases["c5"].id}
    assert an.count_cases(SPRING, "received", NOW) == EXPECTED["received"]
    c2 = next(r for r in an.cases(SPRING, "done", now=NOW) if r["id"] == town.cases["c2"].id)
    assert sorted(c2["channels"]) == ["pos", "vk"] and c2["urls"] and c2["authors"]
    assert len(an.works(SPRING)) == 4


@pytest.mark.parametrize(
    ("n", "form"),
    [
        (1, "one"),
        (2, "few"),
        (4, "few"),
        (5, "many"),
        (11, "many"),
        (12, "many"),
        (14, "many"),
        (21, "one"),
        (22, "few"),
        (111, "many"),
    ],
)
def test_russian_plural_forms(n: int, form: str) -> None:
    assert plural_form(n) == form


@pytest.mark.parametrize(
    ("n", "phrase", "expected"),
    [
        (12, "искусственная неровность", "12 искусственных неровностей"),
        (2, "искусственная неровность", "2 искусственные неровности"),
        (21, "искусственная неровность", "21 искусственная неровность"),
        (3, "закрытый люк", "3 закрытых люка"),
        (5, "отремонтированный светильник", "5 отремонтированных светильников"),
        (2, "ограждение", "2 ограждения"),
        (11, "ограждение", "11 ограждений"),
        (3, "отремонтированный участок дороги", "3 отремонтированных участка дороги"),
        (7, "работа", "7 работ"),
    ],
)
def test_counted_phrases(n: int, phrase: str, expected: str) -> None:
    assert counted(n, phrase) == expected


def test_unknown_work_type_is_named(app: Flask) -> None:
    with app.test_request_context("/"):
        text = works_sentence(
            [WorkCount("bench", "Покрашены скамейки", "Benches painted", 3, None)], date(2025, 1, 1), date(2025, 1, 31)
        )
    assert text == "За период с 01.01.2025 по 31.01.2025 сделано: 3 работы «Покрашены скамейки»."
    assert agree(1, "работа") == "работа"


def test_receptions_count_each_visitor_once_per_group_and_a_nameless_one_not_at_all(app_ctx: None) -> None:
    clock = factories.Clock(utc(2025, 6, 1))
    for who, author in [("Глава", "Пётр Сидоров"), ("Глава", " пётр сидоров "), ("Зам", "ПЁТР СИДОРОВ"), ("Зам", None)]:
        m = factories.message("вопрос о дороге", channel="reception", author=author, days_ago=10, clock=clock)
        m.received_by = who
    db.session.flush()
    june = an.Filters(date(2025, 5, 1), date(2025, 5, 31))
    people = {r["received_by"]: (r["questions"], r["visitors"]) for r in an.receptions_by_person(june).rows}
    assert people == {"Глава": (2, 1), "Зам": (2, 1)}
    assert an.reception_totals(june) == {"questions": 4, "visitors": 1}
    assert an.reception_totals(an.Filters(date(2024, 1, 1), date(2024, 1, 31))) == {"questions": 0, "visitors": 0}
