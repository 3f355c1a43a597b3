"""The dashboard in a real browser (Playwright + Debian's Chromium): charts and maps drawn from
local files only, under the app's CSP, with the hand-counted town."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask

from tests.test_dashboard_data import PERIOD, build_town
from webmap.extensions import db
from webmap.models import District

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(app: Flask, committed: None) -> Any:
    """The hand-counted town, committed; district populations put back afterwards."""
    with app.app_context():
        before = {d.id: d.population for d in db.session.scalars(db.select(District))}
        build_town()
        db.session.commit()
    yield
    with app.app_context():
        for district in db.session.scalars(db.select(District)):
            district.population = before[district.id]
        db.session.commit()


def test_dashboard_draws_charts_and_maps(seeded: None, page: Any, logged_in_page: Any) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    logged_in_page("analyst", "dash-browser")
    page.goto(page.base_url + "/dashboard/?" + urlencode(PERIOD))
    page.wait_for_selector("#dash-map[data-ready='1']", timeout=10_000)
    for name in ("trend", "categories", "works", "districts", "channels", "receptions_people"):
        assert page.locator(f"#chart-{name}[data-drawn='1']").count() == 1, name
    # nine districts and the streets as vector paths, one hot spot
    assert page.locator("#dash-map path.leaflet-interactive").count() >= 9 + 1
    assert page.get_attribute("#dash-map", "data-hotspots") == "1"
    legend = page.inner_text("#dash-map-legend")
    assert "На 1000 жителей" in legend
    page.check("input[name=measure][value=received]")
    assert "Обращений" in page.inner_text("#dash-map-legend")
    assert page.offsite == [] and errors == []


def test_hotspot_popup_links_to_its_cases(seeded: None, page: Any, logged_in_page: Any) -> None:
    logged_in_page("analyst", "dash-browser")
    page.goto(page.base_url + "/dashboard/hotspots?" + urlencode(PERIOD))
    page.wait_for_selector("#dash-map[data-ready='1']", timeout=10_000)
    spot = page.locator("#dash-map path.leaflet-interactive[stroke='#c92a2a']")
    assert spot.count() == 1
    spot.first.click()
    link = page.wait_for_selector(".leaflet-popup-content a")
    assert "Очаг №1" in link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert "/dashboard/hotspots/1" in page.url
    assert page.locator("#table-cases tbody tr").count() == 4
    assert page.offsite == []


def test_report_prints_on_one_page(seeded: None, page: Any, logged_in_page: Any) -> None:
    logged_in_page("analyst", "dash-browser")
    page.goto(page.base_url + "/dashboard/?" + urlencode(PERIOD))
    href = page.get_attribute("#table-districts a[href*='/dashboard/report']", "href")
    page.goto(page.base_url + href)
    assert "1-й микрорайон" in page.inner_text("h1")
    page.emulate_media(media="print")
    assert page.locator(".topbar").is_hidden() and page.locator(".no-print").is_hidden()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    assert page.offsite == []
