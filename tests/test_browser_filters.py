"""Filters ↔ URL hash ↔ requests in a real browser: a shared link opens the same filters and asks the same."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from tests import factories
from tests.conftest import until
from webmap.extensions import db

pytestmark = pytest.mark.browser


def asked(page: Any, path: str) -> list[dict[str, list[str]]]:
    """The query strings of the page's requests to ``path``, as they are made."""
    seen: list[dict[str, list[str]]] = []

    def keep(request: Any) -> None:
        url = urlsplit(request.url)
        if url.path == path:
            seen.append(parse_qs(url.query))

    page.on("request", keep)
    return seen


def checked(page: Any, name: str) -> list[str]:
    return page.eval_on_selector_all(f"input[name={name}]:checked", "inputs => inputs.map(i => i.value)")


def test_public_filters_round_trip_through_the_hash(app: Flask, page: Any, browser: Any) -> None:
    with app.app_context():
        factories.work(*factories.SCHOOL_2, type_code="fence")
        db.session.commit()
    page.goto(page.base_url + "/")
    page.wait_for_selector(".leaflet-marker-icon.work-marker")
    types = page.eval_on_selector_all("input[name=type]", "inputs => inputs.map(i => i.value)")
    assert "fence" in types and len(types) > 2
    page.uncheck("input[name=show][value=case_in_work]")
    page.check("input[name=show][value=work_in_work]")
    page.uncheck(f"input[name=type][value={types[0]}]")
    page.check("input[name=old]")
    page.select_option("select[name=category]", "road")
    page.fill("input[name=from]", "2026-01-02")
    page.dispatch_event("input[name=from]", "change")
    until(page, "location.hash.includes('from=2026-01-02')")
    hash_ = page.evaluate("location.hash")
    for part in ("show=work_done,work_in_work", "old=1", "category=road", f"type={','.join(types[1:])}"):
        assert part in hash_, (part, hash_)
    assert "case_in_work" not in hash_

    other = page.context.new_page()  # the link, opened afresh
    requests = asked(other, "/api/features")
    other.goto(page.url)
    until(other, "document.getElementById('map-status').textContent !== ''")
    assert checked(other, "show") == ["work_done", "work_in_work"]
    assert checked(other, "type") == types[1:] and other.is_checked("input[name=old]")
    assert other.input_value("select[name=category]") == "road"
    assert other.input_value("input[name=from]") == "2026-01-02"
    last = requests[-1]
    assert last["layers"] == ["works"] and last["work_status"] == ["done,in_work"] and "case_status" not in last
    assert last["type"] == [",".join(types[1:])] and last["old"] == ["1"] and last["category"] == ["road"]
    assert last["from"] == ["2026-01-02"]

    # nothing ticked is kept too (a reload does not bring the defaults back)
    other.uncheck("input[name=show][value=work_done]")
    other.uncheck("input[name=show][value=work_in_work]")
    until(other, "location.hash.includes('show=none')")
    third = page.context.new_page()
    third.goto(other.url)
    third.wait_for_selector("#map-status:has-text('ничего')")
    assert checked(third, "show") == []
    assert page.offsite == []


def test_operator_filters_round_trip_through_the_hash(app: Flask, page: Any, logged_in_page: Any) -> None:
    logged_in_page("operator")
    page.goto(page.base_url + "/operator/map")
    page.wait_for_selector("#unplaced-list li")
    for box in checked(page, "case_status"):
        if box != "accepted":
            page.uncheck(f"input[name=case_status][value={box}]")
    page.check("input[name=works]")
    page.check("input[name=overdue]")
    page.select_option("select[name=district]", index=2)
    district = page.input_value("select[name=district]")
    until(page, f"location.hash.includes('district={district}') && location.hash.includes('overdue=1')")
    hash_ = page.evaluate("location.hash")
    assert "case_status=accepted&" in hash_ and "works=1" in hash_

    requests = asked(page, "/api/operator/features")
    page.goto("about:blank")
    page.goto(page.base_url + "/operator/map" + hash_)
    page.wait_for_selector("#unplaced-list li")
    until(page, "document.getElementById('map-status').textContent !== ''")
    assert checked(page, "case_status") == ["accepted"]
    assert page.is_checked("input[name=works]") and page.is_checked("input[name=overdue]")
    assert page.input_value("select[name=district]") == district
    last = requests[-1]
    assert last["case_status"] == ["accepted"] and last["overdue"] == ["1"] and last["district"] == [district]
    assert last["layers"] == ["cases,works"]
    assert page.offsite == []


def test_dashboard_map_keeps_its_measure_in_the_hash(app: Flask, page: Any, logged_in_page: Any) -> None:
    logged_in_page("analyst")
    page.goto(page.base_url + "/dashboard/")
    page.wait_for_selector("#dash-map[data-ready='1']", timeout=10_000)
    assert "На 1000 жителей" in page.inner_text("#dash-map-legend")
    page.check("input[name=measure][value=received]")
    page.uncheck("input[name=hotspots]")
    until(page, "location.hash.includes('measure=received') && location.hash.includes('hotspots=0')")
    shared = page.url
    page.goto("about:blank")
    page.goto(shared)
    page.wait_for_selector("#dash-map[data-ready='1']", timeout=10_000)
    assert page.is_checked("input[name=measure][value=received]") and not page.is_checked("input[name=hotspots]")
    assert "Обращений" in page.inner_text("#dash-map-legend")
    assert page.offsite == []
