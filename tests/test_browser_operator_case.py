"""An operator places an unplaced case by clicking the case page's map (real browser)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests import factories
from webmap.extensions import db
from webmap.models import Appeal, StatusChange

pytestmark = pytest.mark.browser


def test_operator_places_a_case_by_a_click(app: Flask, page: Any, logged_in_page: Any) -> None:
    with app.app_context():
        case = factories.appeal(
            None, None, messages=[factories.message("Где-то во дворе темно")], category="streetlight"
        )
        db.session.commit()
        case_id = case.id
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    logged_in_page("operator", "olga")
    page.goto(f"{page.base_url}/operator/cases/{case_id}")
    page.wait_for_selector("#case-map path")
    assert "не определено" in page.inner_text("dl.facts")
    box = page.locator("#case-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#case-map[data-placed='1']")
    page.click(".place-form button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert "не определено" not in page.inner_text("dl.facts")
    assert errors == [] and page.offsite == []
    with app.app_context():
        stored = db.session.get(Appeal, case_id)
        assert stored.point is not None and stored.placed_by == "operator" and stored.district_id is not None
        assert db.session.scalar(select(StatusChange.field).where(StatusChange.appeal_id == case_id)) == "point"


def test_hostile_message_is_inert_on_the_case_page(app: Flask, page: Any, logged_in_page: Any) -> None:
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>\'); DROP TABLE appeals; --'
    with app.app_context():
        case = factories.appeal(messages=[factories.message(hostile, author='<b onmouseover="alert(3)">Иван</b>')])
        db.session.commit()
        case_id = case.id
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    logged_in_page("operator", "olga")
    page.goto(f"{page.base_url}/operator/cases/{case_id}")
    text = page.inner_text(".message-text")
    assert text == hostile  # shown as the resident wrote it...
    assert page.locator(".message img, .message script, .message b").count() == 0  # ...but as text
    page.goto(f"{page.base_url}/operator/")
    assert "DROP TABLE" in page.inner_text("table.cases")
    page.wait_for_timeout(300)
    assert dialogs == []
