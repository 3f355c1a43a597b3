"""A case on a stretch of a street is drawn as a line on the operator's map and its case page (real browser)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import until
from webmap.extensions import db
from webmap.ingest.pipeline import Importer
from webmap.ingest.readers import RawMessage
from webmap.models import SourceMessage
from webmap.services.triage import triage_message

pytestmark = pytest.mark.browser


def test_a_stretch_is_a_line_for_the_operator(app: Flask, logged_in_page: Any) -> None:
    with app.app_context():
        raw = RawMessage(
            channel="vk",
            external_id="line-1",
            text="на Геологов от Мира до Ленина сплошные ямы",
            posted_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
            raw={"id": "line-1"},
        )
        Importer(triage_message).run([raw])
        db.session.commit()
        case = db.session.scalar(select(SourceMessage).where(SourceMessage.external_id == "line-1")).appeal
        assert case is not None and case.precision == "segment"
        case_id = case.id
    page = logged_in_page("operator", "op-lines")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page.base_url + "/operator/map#map=16/61.7443/75.5872")
    page.wait_for_selector("path.case-line")
    until(page, "document.querySelectorAll('.leaflet-marker-icon.case-marker').length >= 1")
    page.goto(f"{page.base_url}/operator/cases/{case_id}")
    page.wait_for_selector("#case-map path.case-line")
    assert "участок улицы" in page.inner_text("dl.facts")
    assert errors == [] and page.offsite == []
