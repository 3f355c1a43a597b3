"""The dashboard's pages: every hand-counted figure as shown, who may see them, hostile filters."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from flask_babel import refresh

from tests.test_dashboard_data import (
    EXPECTED,
    EXPECTED_CATEGORIES,
    EXPECTED_CHANNELS,
    EXPECTED_DISTRICTS,
    EXPECTED_RECEPTION_PEOPLE,
    EXPECTED_SENTENCE,
    EXPECTED_WORKS,
    PERIOD,
    build_town,
    figure_value,
    read_page,
)
from webmap.extensions import db
from webmap.models import Category, District, WorkType

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


@pytest.fixture
def town(app_ctx: None):
    return build_town()


def _get(client: FlaskClient, path: str, **args) -> tuple[int, str]:
    response = client.get(path, query_string={**PERIOD, **args})
    return response.status_code, response.get_data(as_text=True)


def _ru(number: float) -> str:
    return f"{number:g}".replace(".", ",")


def test_dashboard_figures_as_shown(town, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    status, html = _get(client, "/dashboard/")
    assert status == 200
    figures, tables = read_page(html)
    for key in ("received", "waiting", "in_work", "done", "rejected", "overdue", "duplicates"):
        assert figure_value(figures[key]) == str(EXPECTED[key]), key
    assert figure_value(figures["share_done"]) == "36,4"
    assert figure_value(figures["median_days"]) == "3"
    assert figure_value(figures["p90_days"]) == "8,2"
    assert figures["visitors"] == "2" and figures["questions"] == "3"
    assert EXPECTED_SENTENCE in html

    names = {c.code: c.name_ru for c in db.session.scalars(db.select(Category))}
    cats = {row[0]: row[1:6] for row in tables["categories"][1:]}
    for code, numbers in EXPECTED_CATEGORIES.items():
        assert cats[names[code]] == [str(n) for n in numbers], code

    works = {row[0]: row[1] for row in tables["works"][1:]}
    types = {t.code: t.name_ru for t in db.session.scalars(db.select(WorkType))}
    assert works == {types[code]: str(n) for code, n in EXPECTED_WORKS.items()}

    districts = {row[0]: row for row in tables["districts"][1:]}
    for code, (received, per_1000) in EXPECTED_DISTRICTS.items():
        name = db.session.scalar(db.select(District.name).where(District.code == code))
        row = districts[name]
        assert row[3] == str(received) and row[2] == _ru(per_1000)

    channels = {row[0]: row[1] for row in tables["channels"][1:]}
    assert channels == {
        "ВКонтакте": "3",
        "Одноклассники": "3",
        "ПОС (Госуслуги)": "2",
        "личный приём": "2",
        "Telegram": "1",
        "телефон": "1",
    }
    assert sum(int(v) for v in channels.values()) == sum(EXPECTED_CHANNELS.values())

    trend = list(tables["trend"][1:])
    assert [r[1:] for r in trend] == [["6", "3", "1"], ["3", "1", "2"], ["2", "0", "1"]]
    assert trend[0][0].lower().startswith("март")

    people = {row[0]: (row[2], row[1]) for row in tables["receptions_people"][1:]}
    assert people == {k: (str(q), str(v)) for k, (q, v) in EXPECTED_RECEPTION_PEOPLE.items()}


def test_dashboard_draws_charts_from_local_files(town, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    _, html = _get(client, "/dashboard/")
    assert "/static/vendor/chart.js/chart.umd.min.js" in html and "/static/vendor/leaflet/leaflet.js" in html
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    for name in ("trend", "categories", "works", "districts", "channels", "receptions_people"):
        assert f'data-chart="chart-data-{name}"' in html and f'id="table-{name}"' in html
    # no inline script runs: only JSON data blocks and files
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert 'lang="ru"' in html


def test_english_dashboard(town, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    refresh()  # the test's app context (and its cached locale) is shared with the login requests
    _, html = _get(client, "/dashboard/", lang="en")
    refresh()
    assert 'lang="en"' in html and "District dashboard" in html


def test_figures_link_to_their_cases(town, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    status, html = _get(client, "/dashboard/cases", group="overdue")
    assert status == 200
    figures, tables = read_page(html)
    assert figures["total"] == "2"
    ids = {int(row[0]) for row in tables["cases"][1:]}
    assert ids == {town.cases["c4"].id, town.cases["c5"].id}
    status, html = _get(client, "/dashboard/cases", category="road", group="done")
    assert read_page(html)[0]["total"] == "3"
    # a hostile address typed into a case is shown as text
    _, html = _get(client, "/dashboard/cases", group="in_work")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_hotspot_pages(town, auth, client: FlaskClient) -> None:
    auth.login("operator")
    status, html = _get(client, "/dashboard/hotspots")
    assert status == 200
    _, tables = read_page(html)
    rows = tables["hotspots"][1:]
    assert len(rows) == 1 and rows[0][1] == "Дороги, ямы, тротуары" and rows[0][2] == "4"
    status, html = _get(client, "/dashboard/hotspots/1")
    assert status == 200
    assert {int(r[0]) for r in read_page(html)[1]["cases"][1:]} == {town.cases[c].id for c in ("c1", "c2", "c3", "c4")}
    # an operator may open each case
    assert f"/operator/cases/{town.cases['c1'].id}" in html
    assert _get(client, "/dashboard/hotspots/2")[0] == 404
    status, html = _get(client, "/dashboard/hotspots", distance="30")
    assert len(read_page(html)[1]["hotspots"]) == 3  # header + road + manhole


def test_map_data(town, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    response = client.get("/dashboard/data/map.json", query_string=PERIOD)
    data = response.get_json()
    shore = next(f for f in data["districts"]["features"] if f["properties"]["code"] == "SHORE")
    assert shore["properties"]["received"] == 6 and shore["properties"]["per_1000"] == 4.0
    assert [(h["rank"], h["size"]) for h in data["hotspots"]] == [(1, 4)]
    assert data["hotspots"][0]["url"].startswith("/dashboard/hotspots/1?")
    assert data["streets"]["features"]


def test_reception_list_behind_the_figures(town, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    status, html = _get(client, "/dashboard/receptions", received_by="Глава города")
    assert status == 200
    rows = read_page(html)[1]["receptions"][1:]
    assert [r[1] for r in rows] == ["Мария Иванова", "Мария Иванова"]
    status, html = _get(client, "/dashboard/receptions", rcat="water")
    assert [r[2] for r in read_page(html)[1]["receptions"][1:]] == ["Нет воды в доме"]


def test_printable_report(town, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    status, html = _get(client, "/dashboard/report", district=str(town.districts["MKR1"]))
    assert status == 200
    assert "1-й микрорайон" in html and "@media print" not in html  # print rules live in the CSS file
    figures, _ = read_page(html)
    assert figures["received"] == "5" and figures["done"] == "4" and figures["overdue"] == "1"
    assert "<svg" in html and 'class="spot"' in html
    assert "сделано: 2 искусственные неровности." in html
    assert _get(client, "/dashboard/report")[0] == 200  # the whole town
    two = _get(client, "/dashboard/report", district=[str(town.districts["MKR1"]), str(town.districts["SHORE"])])
    assert two[0] == 400


# -- who may see what --------------------------------------------------------------------------------

PAGES = (
    "/dashboard/",
    "/dashboard/cases",
    "/dashboard/hotspots",
    "/dashboard/hotspots/1",
    "/dashboard/receptions",
    "/dashboard/report",
    "/dashboard/data/map.json",
    "/dashboard/export/cases.csv",
    "/dashboard/export/receptions.xlsx",
    "/dashboard/export/cases.geojson",
)


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_login(app_ctx: None, client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("path", PAGES)
def test_crew_may_not_see_the_dashboard(app_ctx: None, auth, client: FlaskClient, path: str) -> None:
    auth.login("crew")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("role", ["analyst", "operator", "admin"])
def test_dashboard_roles(app_ctx: None, auth, client: FlaskClient, role: str) -> None:
    auth.login(role)
    assert client.get("/dashboard/").status_code == 200


# -- hostile filters ---------------------------------------------------------------------------------

HOSTILE = [
    {"from": "2025-13-45"},
    {"from": "31.02.2025"},
    {"to": "0001-01-01"},
    {"from": "9999-01-01"},
    {"from": "'; DROP TABLE appeals; --"},
    {"from": "2025-05-01", "to": "2025-04-01"},
    {"from": "1990-01-01", "to": "2025-01-01"},
    {"from": "2" * 5000},
    {"district": "1 OR 1=1"},
    {"district": "99999999999999999999999999"},
    {"district": "-1"},
    {"district": "999999"},
    {"category": "<script>alert(1)</script>"},
    {"category": "road' OR '1'='1"},
    {"channel": "vk\x00"},
    {"channel": "email"},
    {"step": "year"},
    {"step": "day'); --"},
    {"eps": "1e308"},
    {"eps": "nan"},
    {"eps": "-5"},
    {"minpoints": "10000000000000000000000"},
    {"minpoints": "3.5"},
    {"distance": "inf"},
    {"district": ["1"] * 60},
    {"from": "2025-03-01\x00"},
    {"category": "road\x00"},
    {"district": "1\x00"},
]


@pytest.mark.parametrize("args", HOSTILE)
@pytest.mark.parametrize(
    "path", ["/dashboard/", "/dashboard/hotspots", "/dashboard/cases", "/dashboard/report", "/dashboard/receptions"]
)
def test_hostile_filters_get_a_form_error(app_ctx: None, auth, client: FlaskClient, path: str, args: dict) -> None:
    auth.login("analyst")
    response = client.get(path, query_string=args)
    assert response.status_code == 400, (path, args)
    html = response.get_data(as_text=True)
    assert "dash-errors" in html
    assert "<script>alert(1)" not in html and "' OR '1'='1\"" not in html


@pytest.mark.parametrize("args", HOSTILE[:6] + [{"category": "<script>alert(1)</script>"}])
@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/data/map.json",
        "/dashboard/export/cases.csv",
        "/dashboard/export/summary.xlsx",
        "/dashboard/export/all.geojson",
        "/dashboard/export/public.geojson",
    ],
)
def test_hostile_filters_in_data_and_exports(app_ctx: None, auth, client: FlaskClient, path: str, args: dict) -> None:
    auth.login("analyst")
    response = client.get(path, query_string=args)
    assert response.status_code == 400 and response.is_json
    assert response.get_json()["errors"] if "errors" in response.get_json() else response.get_json()["message"]


def test_the_hostile_value_is_escaped_where_shown(app_ctx: None, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    html = client.get("/dashboard/", query_string={"from": '"><script>alert(1)</script>'}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&#34;&gt;&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("path", "args"),
    [
        ("/dashboard/cases", {"group": "drop table"}),
        ("/dashboard/receptions", {"received_by": "x" * 1000}),
        ("/dashboard/receptions", {"received_by": "Глава\x00города"}),
        ("/dashboard/receptions", {"rcat": "road\x00"}),
        ("/dashboard/export/receptions.csv", {"received_by": "\x00"}),
        ("/dashboard/export/cases.csv", {"hotspot": "1; --"}),
        ("/dashboard/export/cases.csv", {"group": "<b>"}),
    ],
)
def test_other_bad_arguments(app_ctx: None, auth, client: FlaskClient, path: str, args: dict) -> None:
    auth.login("analyst")
    assert client.get(path, query_string=args).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/export/nothing.csv",
        "/dashboard/export/cases.pdf",
        "/dashboard/export/summary.geojson",
        "/dashboard/hotspots/99999999999",
    ],
)
def test_unknown_exports_are_404(app_ctx: None, auth, client: FlaskClient, path: str) -> None:
    auth.login("analyst")
    assert client.get(path).status_code == 404


def test_a_bad_page_number_is_the_first_page(town, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    for page in ("-1", "abc", "9" * 40):
        assert _get(client, "/dashboard/cases", page=page)[0] == 200


# -- the admin's population form ---------------------------------------------------------------------


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_population_form_is_for_admins(app_ctx: None, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    assert client.get("/dashboard/districts").status_code == 403
    assert client.post("/dashboard/districts", data={}).status_code in (400, 403)


def test_admin_sets_population(app_ctx: None, auth, client: FlaskClient) -> None:
    auth.login("admin")
    html = client.get("/dashboard/districts").get_data(as_text=True)
    shore = db.session.scalar(db.select(District).where(District.code == "SHORE"))
    mkr1 = db.session.scalar(db.select(District).where(District.code == "MKR1"))
    response = client.post(
        "/dashboard/districts", data={"csrf_token": _csrf(html), f"pop_{shore.id}": "4321", f"pop_{mkr1.id}": ""}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(District, shore.id).population == 4321
    assert db.session.get(District, mkr1.id).population is None


@pytest.mark.parametrize("value", ["-5", "abc", "99999999999999999999", "1e5", "<script>"])
def test_bad_population_is_a_form_error(app_ctx: None, auth, client: FlaskClient, value: str) -> None:
    auth.login("admin")
    html = client.get("/dashboard/districts").get_data(as_text=True)
    shore = db.session.scalar(db.select(District).where(District.code == "SHORE"))
    response = client.post("/dashboard/districts", data={"csrf_token": _csrf(html), f"pop_{shore.id}": value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "dash-field-error" in page and "<script>" not in page.split("<main>")[1].split("</main>")[0]
    db.session.expire_all()
    assert db.session.get(District, shore.id).population != -5


def test_population_form_needs_csrf(app_ctx: None, auth, client: FlaskClient) -> None:
    auth.login("admin")
    shore = db.session.scalar(db.select(District).where(District.code == "SHORE"))
    assert client.post("/dashboard/districts", data={f"pop_{shore.id}": "10"}).status_code == 400
