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
        factories.work(75.6006986, 61.7396618, note="Лежачий полицейский у второй школы")
        db.session.commit()

    page.goto(page.base_url + "/")
    page.wait_for_selector(".leaflet-container")
    marker = page.wait_for_selector(".leaflet-marker-icon.work-marker", timeout=10_000)
    assert page.locator(".leaflet-marker-icon.work-marker").count() == 1
    # the base map is the town's own: districts and streets drawn as vector paths
    assert page.locator("path.leaflet-interactive").count() >= 9 + 15
    marker.click()
    popup = page.wait_for_selector(".leaflet-popup-content")
    assert "Лежачий полицейский у второй школы" in popup.inner_text()
    assert "Установлена искусственная неровность" in popup.inner_text()
    assert page.offsite == []


def test_hostile_note_runs_no_script(app: Flask, page: Any) -> None:
    with app.app_context():
        factories.work(note='<img src=x onerror="alert(1)">`); alert(2); (` ${alert(3)}')
        db.session.commit()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(page.base_url + "/")
    page.wait_for_selector(".leaflet-marker-icon.work-marker").click()
    popup = page.wait_for_selector(".leaflet-popup-content")
    assert "alert(2)" in popup.inner_text()  # shown as text
    page.wait_for_timeout(300)
    assert dialogs == []
