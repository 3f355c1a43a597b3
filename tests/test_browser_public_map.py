"""The public map in a real browser (Playwright + Debian's Chromium), offline."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests import factories
from webmap.extensions import db

pytestmark = pytest.mark.browser


def test_map_draws_seeded_work_with_no_offsite_requests(app: Flask, page: Any) -> None:
    with app.app_context():
        factories.work(*factories.SCHOOL_2, note="Лежачий полицейский у второй школы")
        db.session.commit()

    page.goto(page.base_url + "/")
    page.wait_for_selector(".leaflet-container")
    marker = page.wait_for_selector(".leaflet-marker-icon.work-marker", timeout=10_000)
    assert page.locator(".leaflet-marker-icon.work-marker").count() == 1
    # the base map is the town's own: districts and streets drawn as vector paths from the gazetteer
    page.wait_for_selector("path.base-street >> nth=14", state="attached")
    assert page.locator("path.base-district").count() == 9
    marker.click()
    page.wait_for_selector(".leaflet-popup-content .popup-where")
    text = page.inner_text(".leaflet-popup-content")
    assert "Лежачий полицейский у второй школы" in text
    assert "Установлена искусственная неровность" in text
    assert page.offsite == []


def test_hostile_note_runs_no_script(app: Flask, page: Any) -> None:
    with app.app_context():
        factories.work(note='<img src=x onerror="alert(1)">`); alert(2); (` ${alert(3)}')
        db.session.commit()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(page.base_url + "/")
    page.wait_for_selector(".leaflet-marker-icon.work-marker").click()
    page.wait_for_selector(".leaflet-popup-content .popup-note")
    assert "alert(2)" in page.inner_text(".leaflet-popup-content")  # shown as text
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.locator(".leaflet-popup-content img").count() == 0


def test_english_page(app: Flask, page: Any) -> None:
    with app.app_context():
        factories.work()
        db.session.commit()
    page.goto(page.base_url + "/?lang=en")
    page.wait_for_selector(".leaflet-marker-icon.work-marker").click()
    page.wait_for_selector(".leaflet-popup-content .popup-when")
    assert "Speed bump installed" in page.inner_text(".leaflet-popup-content")
    assert "Map of works" in page.inner_text("h1")
