"""Exports: the hand-counted figures in CSV, XLSX (read back with openpyxl) and GeoJSON; what a
public export may carry; formulas that must not run."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.test_dashboard_data import (
    EXPECTED,
    EXPECTED_CATEGORIES,
    EXPECTED_CHANNELS,
    EXPECTED_RECEPTION_PEOPLE,
    EXPECTED_WORKS,
    PERIOD,
    SECRETS,
    build_town,
)
from webmap.extensions import db
from webmap.models import Category, WorkType
from webmap.services.exports import safe_text


@pytest.fixture
def town(app_ctx: None):
    return build_town()


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def _xlsx(response) -> list[list[object]]:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _export(client: FlaskClient, name: str, fmt: str, **args):
    return client.get(f"/dashboard/export/{name}.{fmt}", query_string={**PERIOD, **args})


def _names() -> dict[str, str]:
    return {c.code: c.name_ru for c in db.session.scalars(db.select(Category))}


def test_summary_in_csv_and_xlsx(town, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    rows = _csv(_export(client, "summary", "csv"))
    assert rows[0] == ["Показатель", "Значение"]
    values = [r[1] for r in rows[1:]]
    assert values == ["11", "5", "1", "4", "1", "1", "2", "36.4", "3.0", "8.2"]
    sheet = _xlsx(_export(client, "summary", "xlsx"))
    assert [r[1] for r in sheet[1:]] == [
        EXPECTED[k]
        for k in (
            "received",
            "waiting",
            "in_work",
            "done",
            "rejected",
            "duplicates",
            "overdue",
            "share_done",
            "median_days",
            "p90_days",
        )
    ]


def test_tables_in_csv_and_xlsx(town, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    names = _names()
    for fmt, read in (("csv", _csv), ("xlsx", _xlsx)):
        rows = read(_export(client, "categories", fmt))
        got = {r[0]: [int(v) for v in r[1:6]] for r in rows[1:]}
        assert got == {names[c]: list(v) for c, v in EXPECTED_CATEGORIES.items()}, fmt

        rows = read(_export(client, "channels", fmt))
        assert {r[0]: int(r[1]) for r in rows[1:]} == {
            "ВКонтакте": 3,
            "Одноклассники": 3,
            "ПОС (Госуслуги)": 2,
            "личный приём": 2,
            "Telegram": 1,
            "телефон": 1,
        }
        assert sum(int(r[1]) for r in rows[1:]) == sum(EXPECTED_CHANNELS.values())

        rows = read(_export(client, "trend", fmt))
        assert [[int(v) for v in r[1:]] for r in rows[1:]] == [[6, 3, 1], [3, 1, 2], [2, 0, 1]]
        assert str(rows[1][0]).startswith("2025-03-01")

        types = {t.code: t.name_ru for t in db.session.scalars(db.select(WorkType))}
        rows = read(_export(client, "works", fmt))
        assert {r[0]: int(r[1]) for r in rows[1:]} == {types[c]: n for c, n in EXPECTED_WORKS.items()}

        rows = read(_export(client, "districts", fmt))
        by_name = {r[0]: r for r in rows[1:]}
        assert int(by_name["Тёплый берег"][3]) == 6 and float(by_name["Тёплый берег"][2]) == 4.0
        assert int(by_name["1-й микрорайон"][1]) == 2000

        rows = read(_export(client, "receptions_people", fmt))
        assert {r[0]: (int(r[2]), int(r[1])) for r in rows[1:]} == EXPECTED_RECEPTION_PEOPLE

        rows = read(_export(client, "hotspots", fmt))
        assert [(r[1], int(r[2])) for r in rows[1:]] == [("Дороги, ямы, тротуары", 4)]

        rows = read(_export(client, "cases", fmt, group="overdue"))
        assert {int(r[0]) for r in rows[1:]} == {town.cases["c4"].id, town.cases["c5"].id}
        rows = read(_export(client, "cases", fmt, hotspot="1"))
        assert len(rows) == 5


def test_xlsx_keeps_numbers_and_dates(town, auth, client: FlaskClient) -> None:
    from datetime import datetime

    auth.login("analyst")
    sheet = _xlsx(_export(client, "cases", "xlsx"))
    header = sheet[0]
    first = dict(zip(header, sheet[1]))
    assert isinstance(first["№"], int) and isinstance(first["Поступило"], datetime)
    assert first["Поступило"] == datetime(2025, 3, 1, 1, 30)  # c9, local time


def test_geojson_of_cases_and_works(town, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    response = _export(client, "cases", "geojson")
    assert response.mimetype == "application/geo+json"
    cases = json.loads(response.get_data())
    assert cases["type"] == "FeatureCollection" and len(cases["features"]) == EXPECTED["received"]
    statuses = [f["properties"]["status"] for f in cases["features"]]
    assert statuses.count("done") == EXPECTED["done"] and statuses.count("rejected") == EXPECTED["rejected"]
    assert sum(f["properties"]["overdue"] for f in cases["features"]) == EXPECTED["overdue"]
    c2 = next(f for f in cases["features"] if f["properties"]["id"] == town.cases["c2"].id)
    assert c2["geometry"]["type"] == "Point" and "Олег Заявителев" in c2["properties"]["authors"]
    works = json.loads(_export(client, "works", "geojson").get_data())
    kinds = [f["properties"]["type_code"] for f in works["features"]]
    assert sorted(kinds) == sorted(k for k, n in EXPECTED_WORKS.items() for _ in range(n))
    assert {f["geometry"]["type"] for f in works["features"]} == {"Point", "LineString"}
    both = json.loads(_export(client, "all", "geojson").get_data())
    assert len(both["features"]) == EXPECTED["received"] + sum(EXPECTED_WORKS.values())
    roads = json.loads(
        _export(client, "cases", "geojson", category="road", district=str(town.districts["MKR1"])).get_data()
    )
    assert len(roads["features"]) == 4


def test_internal_exports_carry_personal_data_for_the_dashboard_roles(town, auth, client: FlaskClient) -> None:
    auth.login("operator")
    body = _export(client, "cases", "csv").get_data(as_text=True)
    assert "Олег Заявителев" in body and "Анна Смирнова" in body
    body = _export(client, "receptions", "csv").get_data(as_text=True)
    assert "Мария Иванова" in body and "Свет не горит у подъезда" in body


# -- public exports ------------------------------------------------------------------------------------

PUBLIC = [
    ("/dashboard/export/public.geojson", {}),
    ("/dashboard/export/all.geojson", {"public": "1"}),
    ("/dashboard/export/cases.geojson", {"public": "1"}),
    ("/dashboard/export/cases.csv", {"public": "1"}),
    ("/dashboard/export/cases.xlsx", {"public": "1"}),
    ("/dashboard/export/works_list.csv", {"public": "1"}),
    ("/dashboard/export/works_list.xlsx", {"public": "1"}),
    ("/dashboard/export/categories.csv", {"public": "1"}),
    ("/dashboard/export/hotspots.xlsx", {"public": "1"}),
]


def _all_text(response) -> str:
    """Every string in the body, XLSX unzipped, so a secret cannot hide in compression."""
    body = response.get_data()
    if response.mimetype.endswith("spreadsheetml.sheet"):
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return body.decode("utf-8")


@pytest.mark.parametrize(("path", "args"), PUBLIC)
def test_public_exports_need_no_login_and_carry_no_personal_data(
    town, client: FlaskClient, path: str, args: dict
) -> None:
    response = client.get(path, query_string={**PERIOD, **args})
    assert response.status_code == 200, path
    text = _all_text(response)
    if path.endswith(".geojson"):
        text = text + json.dumps(json.loads(text), ensure_ascii=False)  # \u-escapes decoded
    for secret in SECRETS + ("Иван Петров", "Иванов И. И.", "tg_user", "HYPERLINK", "onerror"):
        assert secret not in text, (path, secret)
    assert "=HYPERLINK" not in text


# What the public map shows of the town in PERIOD: accepted, in work and done cases (c1-c4, c6, c9;
# never the new c5, c10-c14, the rejected c7 or the duplicate c8), and the done works; those fixed
# before the public map's age (180 days, and PERIOD is 2025) only with old=1.
PUBLIC_CASES = ("c1", "c2", "c3", "c4", "c6", "c9")
RECENT_PUBLIC_CASES = ("c4", "c6")  # not fixed: shown without old=1


def test_public_geojson_figures(town, client: FlaskClient) -> None:
    data = client.get("/dashboard/export/public.geojson", query_string={**PERIOD, "old": "1"}).get_json(force=True)
    cases = [f for f in data["features"] if f["properties"]["kind"] == "case"]
    works = [f for f in data["features"] if f["properties"]["kind"] == "work"]
    assert {f["properties"]["id"] for f in cases} == {town.cases[c].id for c in PUBLIC_CASES}
    assert len(works) == sum(EXPECTED_WORKS.values())
    recent = client.get("/dashboard/export/public.geojson", query_string=PERIOD).get_json(force=True)
    assert {f["properties"]["id"] for f in recent["features"]} == {town.cases[c].id for c in RECENT_PUBLIC_CASES}
    allowed = {
        "kind",
        "id",
        "category_code",
        "category",
        "status",
        "status_label",
        "district",
        "created",
        "closed",
        "urls",
        "public_note",
    }
    assert all(set(f["properties"]) <= allowed for f in cases)
    c2 = next(f for f in cases if f["properties"]["id"] == town.cases["c2"].id)
    assert c2["properties"]["urls"] == [town.cases["c2"].messages[0].url]  # the VK post, not the ПОС message
    fence = next(f for f in works if f["properties"]["type_code"] == "fence")
    assert "[e-mail]" in fence["properties"]["public_note"]


@pytest.mark.parametrize("name", ["receptions", "receptions_people", "receptions_categories"])
def test_reception_tables_are_never_public(town, client: FlaskClient, name: str) -> None:
    for fmt in ("csv", "xlsx"):
        assert _export(client, name, fmt, public="1").status_code == 404


def test_public_csv_drops_personal_columns(town, client: FlaskClient) -> None:
    rows = _csv(_export(client, "cases", "csv", public="1", old="1"))
    assert "Авторы" not in rows[0] and "Адрес" not in rows[0]
    assert len(rows) - 1 == len(PUBLIC_CASES)
    assert {int(r[0]) for r in rows[1:]} == {town.cases[c].id for c in PUBLIC_CASES}


# -- formulas ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+7 912", "'+7 912"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("Мира 5", "Мира 5"),
        ("", ""),
    ],
)
def test_safe_text(value: str, safe: str) -> None:
    assert safe_text(value) == safe


def test_formula_in_a_cell_stays_text(town, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    rows = _csv(_export(client, "cases", "csv"))
    column = rows[0].index("Адрес")
    assert '\'=HYPERLINK("http://evil")' in [r[column] for r in rows[1:]]
    sheet = load_workbook(io.BytesIO(_export(client, "cases", "xlsx").get_data())).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.value.startswith("'") and c.data_type == "s" for c in cells)
