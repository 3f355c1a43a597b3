"""/api/features: GeoJSON by bbox with filters, server-side clustering, the public field set."""

from __future__ import annotations

import gzip
import json
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from webmap.extensions import db

TOWN = "75.54,61.72,75.66,61.765"
WORK_FIELDS = {"kind", "id", "type", "icon", "title", "status", "date", "anchor"}
CASE_FIELDS = {"kind", "id", "category", "title", "status", "date"}


def get(client: FlaskClient, **params: Any) -> dict[str, Any]:
    params.setdefault("bbox", TOWN)
    params.setdefault("zoom", 14)
    response = client.get("/api/features", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def ids(collection: dict[str, Any]) -> set[str]:
    return {f["id"] for f in collection["features"]}


def test_rfc7946_feature_collection_of_done_works_and_cases_in_work(app_ctx: None, client: FlaskClient) -> None:
    w = factories.work(75.6, 61.74)
    c = factories.appeal(75.59, 61.745, status="in_work")
    db.session.flush()
    fc = get(client)
    assert fc["type"] == "FeatureCollection" and fc["clustered"] is False and fc["total"] == 2
    by_id = {f["id"]: f for f in fc["features"]}
    work, case = by_id[f"work-{w.id}"], by_id[f"case-{c.id}"]
    assert work["type"] == "Feature" and work["geometry"] == {"type": "Point", "coordinates": [75.6, 61.74]}
    assert set(work["properties"]) == WORK_FIELDS
    assert work["properties"]["title"] == "Установлена искусственная неровность"
    assert case["geometry"]["coordinates"] == [75.59, 61.745]  # lon, lat
    assert set(case["properties"]) == CASE_FIELDS


def test_public_sees_neither_planned_works_nor_new_rejected_duplicate_cases(app_ctx: None, client: FlaskClient) -> None:
    hidden = [factories.work(status="planned"), factories.work(status="in_work")]
    shown = factories.work(status="done")
    new = factories.appeal(status="new")
    rejected = factories.appeal(status="rejected")
    db.session.flush()
    fc = get(client)
    assert ids(fc) == {f"work-{shown.id}"}
    # the public may ask for works in progress, never for planned works or new cases
    assert f"work-{hidden[1].id}" in ids(get(client, work_status="in_work", layers="works"))
    for bad in (
        {"work_status": "planned"},
        {"case_status": "new"},
        {"case_status": "rejected"},
        {"case_status": "duplicate"},
    ):
        response = client.get("/api/features", query_string={"bbox": TOWN, "zoom": 14, **bad})
        assert response.status_code == 400
    assert f"case-{new.id}" not in ids(get(client, case_status="accepted,in_work,done"))
    assert f"case-{rejected.id}" not in ids(get(client, case_status="accepted,in_work,done"))


def test_bbox_limits_what_comes_back(app_ctx: None, client: FlaskClient) -> None:
    inside = factories.work(75.60, 61.74)
    outside = factories.work(75.62, 61.75)
    db.session.flush()
    got = ids(get(client, bbox="75.59,61.73,75.61,61.745", zoom=16))
    assert f"work-{inside.id}" in got and f"work-{outside.id}" not in got


def test_filters_type_category_status_district_period(app_ctx: None, client: FlaskClient) -> None:
    bump = factories.work(type_code="speed_bump")
    light = factories.work(type_code="streetlight")
    road = factories.appeal(category="road", status="in_work")
    snow = factories.appeal(category="snow", status="in_work")
    old_case = factories.appeal(category="road", days_ago=400, status="in_work")
    db.session.flush()
    assert ids(get(client, layers="works", type="streetlight")) == {f"work-{light.id}"}
    assert ids(get(client, layers="works", type="streetlight,speed_bump")) == {f"work-{light.id}", f"work-{bump.id}"}
    got = ids(get(client, layers="cases", category="snow"))
    assert got == {f"case-{snow.id}"}
    assert f"case-{road.id}" in ids(get(client, layers="cases"))
    # period: cases by their arrival, works by their completion (town's dates)
    recent = (date.today() - timedelta(days=30)).isoformat()
    got = ids(get(client, **{"from": recent}))
    assert f"case-{old_case.id}" not in got and f"case-{road.id}" in got and f"work-{bump.id}" in got
    got = ids(get(client, to=(date.today() - timedelta(days=300)).isoformat()))
    assert got == {f"case-{old_case.id}"}


def test_district_filter(app_ctx: None, client: FlaskClient) -> None:
    from sqlalchemy import select

    from webmap.models import District
    from webmap.services.cases import district_at

    d = district_at(*factories.SCHOOL_2)
    assert d is not None
    inside_work = factories.work(*factories.SCHOOL_2)
    far_work = factories.work(75.64, 61.73)
    case = factories.appeal(*factories.SCHOOL_2, status="in_work")
    case.district_id = d.id
    db.session.flush()
    got = ids(get(client, district=d.code))
    assert got == {f"work-{inside_work.id}", f"case-{case.id}"}
    assert f"work-{far_work.id}" not in got
    assert db.session.scalar(select(District.code).where(District.id == d.id)) == d.code


def test_old_fixed_items_hidden_by_default(
    app: Flask, app_ctx: None, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = factories.work(days_ago=10)
    old = factories.work(days_ago=400)
    old_case = factories.appeal(status="done")
    old_case.closed_at = factories.now() - timedelta(days=400)
    db.session.flush()
    got = ids(get(client, case_status="done,in_work"))
    assert f"work-{fresh.id}" in got and f"work-{old.id}" not in got and f"case-{old_case.id}" not in got
    got = ids(get(client, case_status="done,in_work", old=1))
    assert {f"work-{old.id}", f"case-{old_case.id}"} <= got
    monkeypatch.setitem(app.config, "WEBMAP_PUBLIC_FIXED_MAX_AGE_DAYS", 5)
    assert f"work-{fresh.id}" not in ids(get(client))


def test_line_works_come_as_lines_with_an_anchor(app_ctx: None, client: FlaskClient) -> None:
    fence = factories.work(type_code="fence", line=[(75.594, 61.742), (75.596, 61.742)])
    db.session.flush()
    feature = next(f for f in get(client)["features"] if f["id"] == f"work-{fence.id}")
    assert feature["geometry"]["type"] == "LineString"
    lon, lat = feature["properties"]["anchor"]
    assert 75.594 <= lon <= 75.596 and lat == pytest.approx(61.742)


def test_clusters_on_the_server_when_the_view_holds_too_many(
    app: Flask, app_ctx: None, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_MAP_MAX_FEATURES", 5)
    # 12 works in a tight group in the north-west, 3 cases in the south-east, 1 lonely work far east
    for i in range(12):
        factories.work(75.560 + i * 0.0001, 61.755 + (i % 3) * 0.0001)
    for i in range(3):
        factories.appeal(75.630 + i * 0.0001, 61.728, status="in_work")
    lonely = factories.work(75.650, 61.740)
    db.session.flush()
    fc = get(client, zoom=13)
    assert fc["clustered"] is True and fc["total"] == 16
    clusters = [f for f in fc["features"] if f["properties"].get("cluster")]
    singles = [f for f in fc["features"] if not f["properties"].get("cluster")]
    counts = sorted(f["properties"]["count"] for f in clusters)
    assert counts == [3, 12]
    assert sum(counts) + len(singles) == fc["total"]
    works_cluster = next(f for f in clusters if f["properties"]["count"] == 12)
    assert works_cluster["properties"]["works"] == 12 and works_cluster["properties"]["cases"] == 0
    cases_cluster = next(f for f in clusters if f["properties"]["count"] == 3)
    assert cases_cluster["properties"]["cases"] == 3
    west, south, east, north = works_cluster["properties"]["bbox"]
    lon, lat = works_cluster["geometry"]["coordinates"]
    assert west <= lon <= east and south <= lat <= north
    # a cell holding one item comes back as that item, with its fields
    assert [f["id"] for f in singles] == [f"work-{lonely.id}"]
    assert set(singles[0]["properties"]) == WORK_FIELDS
    # zoomed in on the group (fewer than the limit in view), the same works come one by one
    monkeypatch.setitem(app.config, "WEBMAP_MAP_MAX_FEATURES", 20)
    fc = get(client, bbox="75.5595,61.7545,75.5615,61.7556", zoom=19)
    assert fc["clustered"] is False and fc["total"] == 12


def test_cluster_counts_respect_filters(
    app: Flask, app_ctx: None, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_MAP_MAX_FEATURES", 2)
    for i in range(4):
        factories.work(75.600 + i * 0.0001, 61.740, type_code="road")
    for i in range(3):
        factories.work(75.600 + i * 0.0001, 61.7401, type_code="manhole")
    db.session.flush()
    fc = get(client, zoom=12, type="manhole", layers="works")
    assert fc["clustered"] is True and fc["total"] == 3
    assert [f["properties"]["count"] for f in fc["features"]] == [3]


def test_hostile_zoom_and_world_bbox_stay_bounded(
    app: Flask, app_ctx: None, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_MAP_MAX_FEATURES", 3)
    for i in range(30):
        factories.work(75.55 + i * 0.003, 61.73 + (i % 5) * 0.005)
    db.session.flush()
    fc = get(client, bbox="-180,-90,180,90", zoom=22)
    assert fc["clustered"] is True and fc["total"] == 30
    assert fc["cells"] <= 64 * 64


def test_gzip_when_the_client_takes_it(app: Flask, app_ctx: None, client: FlaskClient) -> None:
    for i in range(40):
        factories.work(75.58 + i * 0.001, 61.74)
    db.session.flush()
    response = client.get(f"/api/features?bbox={TOWN}&zoom=14", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.data))["total"] == 40


def test_english_titles(app_ctx: None, client: FlaskClient) -> None:
    factories.work()
    db.session.flush()
    fc = get(client, lang="en")
    assert fc["features"][0]["properties"]["title"] == "Speed bump installed"
