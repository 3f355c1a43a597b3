"""The public map page as served: a small page with local Leaflet; points and base map come by bbox."""

from __future__ import annotations

import html
import json
import re

from flask.testing import FlaskClient

from tests import factories
from webmap.extensions import db

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)
TOWN = "75.54,61.72,75.66,61.765"


def page_config(page: str) -> dict:
    found = re.search(r'data-config="([^"]*)"', page)
    assert found, "the map element carries its config"
    return json.loads(html.unescape(found.group(1)))


def test_map_page_is_small_offline_and_local(app_ctx: None, client: FlaskClient) -> None:
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert "/static/vendor/leaflet/leaflet.js" in page and "/static/js/public-map.js" in page
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "cdn" not in page.lower()
    assert "<script>" not in page  # no inline script: the CSP allows only files and nonced tags
    assert 'lang="ru"' in page and "Карта работ" in page
    assert len(response.data) < 40_000
    cfg = page_config(page)
    assert "1-й микрорайон" in [d["name"] for d in cfg["districts"]]  # the district selector
    assert {w["code"] for w in cfg["workTypes"]} >= {"speed_bump", "fence", "streetlight", "manhole", "road"}
    assert cfg["api"]["features"] == "/api/features"


def test_no_page_embeds_points(app_ctx: None, client: FlaskClient) -> None:
    factories.work(note="Готово у школы")
    db.session.flush()
    assert "Готово у школы" not in client.get("/").get_data(as_text=True)
    fc = client.get(f"/api/features?bbox={TOWN}&zoom=14").get_json()
    assert len(fc["features"]) == 1


def test_base_map_from_the_gazetteer(app_ctx: None, client: FlaskClient) -> None:
    districts = client.get("/api/base/districts").get_json()
    assert len(districts["features"]) == 9 and "1-й микрорайон" in {
        f["properties"]["name"] for f in districts["features"]
    }
    streets = client.get(f"/api/base/streets?bbox={TOWN}&zoom=14").get_json()
    assert "улица Мира" in {f["properties"]["name"] for f in streets["features"]}
    assert all(f["geometry"]["type"] in ("LineString", "MultiLineString") for f in streets["features"])
    far = client.get("/api/base/houses?bbox=75.59,61.735,75.60,61.745&zoom=14").get_json()
    assert far["features"] == []  # house numbers only when near
    near = client.get("/api/base/houses?bbox=75.59,61.735,75.60,61.745&zoom=17").get_json()
    assert near["features"] and all(f["properties"]["number"] for f in near["features"])
    landmarks = client.get("/api/base/landmarks").get_json()
    assert "Школа № 1" in {f["properties"]["name"] for f in landmarks["features"]}


def test_only_done_works_are_drawn(app_ctx: None, client: FlaskClient) -> None:
    done = factories.work(note="Готово у школы", status="done")
    factories.work(note="Ещё в планах", status="planned")
    db.session.flush()
    fc = client.get(f"/api/features?bbox={TOWN}&zoom=14&layers=works").get_json()
    assert [f["id"] for f in fc["features"]] == [f"work-{done.id}"]


def test_hostile_note_is_data_not_markup(app_ctx: None, client: FlaskClient) -> None:
    work = factories.work(note='<script>alert("x")</script><img src=x onerror=alert(1)>`); alert(2); (` ${alert(3)}')
    db.session.flush()
    response = client.get(f"/api/features/work/{work.id}")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_json()["properties"]["note"].startswith("<script>")  # shown with textContent
    assert "<script>alert" not in client.get("/").get_data(as_text=True)


def test_english_is_available(app_ctx: None, client: FlaskClient) -> None:
    page = client.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in page and "Map of works" in page and "Карта работ" not in page
    assert page_config(page)["locale"] == "en"


def test_map_pages_give_their_scripts_url_templates(app, app_ctx: None, client: FlaskClient, auth) -> None:
    """Scripts fill ``{name}`` slots of URLs url_for made; none of them guesses a route's shape."""
    from webmap.maps.page import url_template

    with app.test_request_context():
        assert url_template("api.place", "case_id") == "/api/cases/{case_id}/place"
        assert url_template("api.feature", "kind", "item_id") == "/api/features/{kind}/{item_id}"
    feature = page_config(client.get("/").get_data(as_text=True))["api"]["feature"]
    work = factories.work()
    db.session.flush()
    filled = feature.replace("{kind}", "work").replace("{item_id}", str(work.id))
    assert client.get(filled).get_json()["properties"]["title"]
    auth.login("operator")
    api = page_config(client.get("/operator/map").get_data(as_text=True))["api"]
    assert api["place"] == "/api/cases/{case_id}/place" and api["caseUrl"] == "/operator/cases/{appeal_id}"
