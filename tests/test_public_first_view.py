"""The public page's embedded first view: the API's own answer for the town at the default filters,
safe inside the page, kept a few seconds per locale, and unmoved by whatever the query string says."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import refresh

from tests import factories
from webmap.extensions import db
from webmap.maps.layers import town_bounds
from webmap.models import WorkType
from webmap.public.first_view import TTLCache, first_view_args, fit_zoom, script_json

BLOCK = re.compile(r'<script type="application/json" id="map-first-view">(.*?)</script>', re.S)
# What the page's form asks for when nothing is changed (public-map.js url()).
FORM_DEFAULTS = {"layers": "works,cases", "work_status": "done", "case_status": "in_work"}
CLUSTER_SQL = "FROM works w"  # the counting, gridding and fetching statements of features_in_view


def get(client: FlaskClient, url: str, **query: str) -> Any:
    refresh()  # the test's app context outlives the request: forget the last request's language
    return client.get(url, query_string=query or None)


def embedded(client: FlaskClient, url: str = "/") -> dict[str, Any]:
    response = get(client, url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    page = response.get_data(as_text=True)
    found = BLOCK.findall(page)
    assert len(found) == 1, "the page embeds its first view once"
    return json.loads(found[0])


def api_answer(client: FlaskClient, **extra: str) -> dict[str, Any]:
    bounds = town_bounds()
    assert bounds is not None
    response = get(client, "/api/features", **first_view_args(bounds), **extra)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def seed() -> None:
    """Works and cases of each kind; committed (into the test's own transaction, rolled back after
    it), since ``count_queries`` starts with a fresh session."""
    factories.work(*factories.SCHOOL_2)
    factories.work(75.58, 61.73, type_code="fence", line=[(75.58, 61.73), (75.581, 61.73)])
    factories.work(75.59, 61.74, status="in_work")  # not shown by default
    factories.appeal(75.6, 61.745, status="in_work")
    factories.appeal(75.61, 61.745, status="new")  # never public
    db.session.commit()


def test_the_embedded_first_view_is_the_apis_answer_for_the_town(app_ctx: None, client: FlaskClient) -> None:
    seed()
    first = embedded(client)
    assert first == api_answer(client)
    assert first == api_answer(client, **FORM_DEFAULTS)  # the form's defaults are the API's defaults
    assert first["clustered"] is False and first["total"] == 3
    assert sorted(f["properties"]["kind"] for f in first["features"]) == ["case", "work", "work"]
    bounds = town_bounds()
    assert bounds is not None and first["zoom"] == fit_zoom(bounds)


def test_the_clustered_first_view_is_the_apis_answer(
    app: Flask, app_ctx: None, client: FlaskClient, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_MAP_MAX_FEATURES", 3)
    for i in range(8):
        factories.work(75.59 + i * 0.00002, 61.74)
    factories.appeal(75.6, 61.745, status="in_work")
    db.session.flush()
    first = embedded(client)
    assert first["clustered"] is True and first["total"] == 9
    assert any(f["properties"].get("cluster") for f in first["features"])
    assert first == api_answer(client)


def test_each_locale_gets_its_own_first_view(app_ctx: None, client: FlaskClient) -> None:
    seed()
    english = embedded(client, "/?lang=en")
    assert english == api_answer(client, lang="en")
    assert "Speed bump installed" in {f["properties"]["title"] for f in english["features"]}
    russian = embedded(client)
    assert "Установлена искусственная неровность" in {f["properties"]["title"] for f in russian["features"]}
    assert russian == api_answer(client, lang="ru")


def test_fit_zoom_is_leaflets_fit_bounds_zoom() -> None:
    town = ((61.72, 75.54), (61.765, 75.66))  # the demo town: 0.12 x 0.045 degrees
    assert fit_zoom(town, (976, 760)) == 13
    assert fit_zoom(town, (360, 500)) == 12  # a phone
    assert fit_zoom(((61.74, 75.59), (61.7401, 75.5901))) == 19  # a single house: the map's highest zoom
    assert fit_zoom(((50.0, 60.0), (70.0, 90.0))) == 10  # a region: the map's lowest


def test_no_value_can_close_the_script_block() -> None:
    hostile = json.dumps({"title": "</script><script>alert(1)</script><!-- & \u2028"}, ensure_ascii=False)
    safe = str(script_json(hostile))
    assert "<" not in safe and ">" not in safe and "&" not in safe and "\u2028" not in safe
    assert json.loads(safe) == json.loads(hostile)


def test_a_hostile_work_type_name_stays_data_in_the_page(app_ctx: None, client: FlaskClient) -> None:
    db.session.get(WorkType, "speed_bump").name_ru = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'
    factories.work()
    db.session.flush()
    page = get(client, "/").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert [f["properties"]["title"] for f in embedded(client)["features"]] == [
        '</script><script>alert("x")</script><img src=x onerror=alert(1)>'
    ]


HOSTILE_QUERIES = [
    "/?bbox=nan,nan,nan,nan&zoom=99999",
    "/?bbox=1&bbox=2&zoom=-1",
    "/?type=%3Cscript%3Ealert(1)%3C/script%3E&category=%27%3B%20DROP%20TABLE%20appeals%3B--",
    "/?district=" + "x" * 5000,
    "/?old=maybe&overdue=1&layers=secrets&case_status=new,rejected&work_status=planned",
    "/?%ff%fe=%c0%af&from=2024-02-30&to=yesterday",
    "/?lang=%3Cscript%3E",
    "/?lang=en&lang=ru",
]


@pytest.mark.parametrize("url", HOSTILE_QUERIES)
def test_the_page_ignores_its_query_string_but_the_language(app_ctx: None, client: FlaskClient, url: str) -> None:
    """The page reads no filter from its query string: any value there gets the default first view
    (never a 500, never a new or rejected case, never the value echoed into the page)."""
    seed()
    default = embedded(client)
    response = get(client, url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>alert" not in page and "DROP TABLE" not in page and "x" * 5000 not in page
    first = embedded(client, url)
    assert {f["properties"]["status"] for f in first["features"]} <= {"done", "in_work"}
    if "lang=en" not in url:
        assert first == default


def test_the_cache_serves_the_next_visitor_and_expires(
    app: Flask, app_ctx: None, client: FlaskClient, count_queries, monkeypatch
) -> None:
    now = [1000.0]
    monkeypatch.setitem(app.config, "WEBMAP_FIRST_VIEW_CACHE_SECONDS", 30)
    monkeypatch.setitem(app.extensions, "webmap_first_view", TTLCache(clock=lambda: now[0]))
    seed()
    with count_queries() as cold:
        first = embedded(client)
    assert any(CLUSTER_SQL in q for q in cold) and first["total"] == 3
    factories.work(75.57, 61.735)  # a new work: the cached first view does not know it yet
    db.session.commit()
    now[0] += 29
    with count_queries() as warm:
        assert embedded(client) == first
    assert not any(CLUSTER_SQL in q for q in warm)
    assert len(warm) < len(cold)
    with count_queries() as english:
        assert embedded(client, "/?lang=en")["total"] == 4  # its own key: computed afresh
    assert any(CLUSTER_SQL in q for q in english)
    now[0] += 2  # 31 s after the first: expired
    with count_queries() as expired:
        fresh = embedded(client)
    assert any(CLUSTER_SQL in q for q in expired)
    assert fresh["total"] == 4 and fresh == api_answer(client)


def test_no_cache_when_it_is_turned_off(app: Flask, app_ctx: None, client: FlaskClient, count_queries) -> None:
    assert app.config["WEBMAP_FIRST_VIEW_CACHE_SECONDS"] == 0  # the tests' setting
    seed()
    embedded(client)
    with count_queries() as again:
        embedded(client)
    assert any(CLUSTER_SQL in q for q in again)


def test_the_cache_keeps_thirty_seconds_unless_told(monkeypatch) -> None:
    from webmap.config import from_env

    monkeypatch.delenv("WEBMAP_FIRST_VIEW_CACHE_SECONDS", raising=False)
    assert from_env()["WEBMAP_FIRST_VIEW_CACHE_SECONDS"] == 30
    monkeypatch.setenv("WEBMAP_FIRST_VIEW_CACHE_SECONDS", "0")
    assert from_env()["WEBMAP_FIRST_VIEW_CACHE_SECONDS"] == 0


def test_a_failing_first_view_leaves_a_working_page(app_ctx: None, client: FlaskClient, monkeypatch) -> None:
    """The head is sent before the first view is made: if making it fails, the block says null (the
    script then asks the API) and the page is whole."""

    def broken(bounds: object) -> str:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("webmap.public.views.first_view_json", broken)
    response = get(client, "/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and BLOCK.findall(page) == ["null"]
    assert page.rstrip().endswith("</html>") and "/static/js/public-map.js" in page


def test_the_page_tells_a_proxy_not_to_hold_its_head_back(app_ctx: None, client: FlaskClient) -> None:
    """The head is sent before the first view is computed; nginx would buffer the whole answer."""
    response = client.get("/")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["X-Accel-Buffering"] == "no"
    assert response.get_data(as_text=True).rstrip().endswith("</html>")
