"""Map documents for meetings: one HTML file per district and period that opens with no network."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from tests.test_dashboard_data import PERIOD, SECRETS, build_town
from webmap.extensions import db

# A fetch from elsewhere: a script, style or image loaded by URL (links to leafletjs.com are fine).
LOADS = re.compile(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def _written(text: str) -> tuple[str, str]:
    """``text`` as HTML holds it and as folium's JSON holds it (non-ASCII as \\u escapes)."""
    return text, json.dumps(text)[1:-1]


def _has(html: str, text: str) -> bool:
    return any(form in html for form in _written(text))


@pytest.fixture
def town(app_ctx: None) -> Any:
    return build_town()


def _document(client: FlaskClient, **args: Any) -> Any:
    return client.get("/dashboard/export/map.html", query_string={**PERIOD, **args})


def test_document_is_one_offline_file_with_the_layers(town: Any, auth: Any, client: FlaskClient) -> None:
    auth.login("analyst")
    response = _document(client, district=str(town.districts["MKR1"]), download="1")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert _document(client).headers["Content-Disposition"].startswith("inline;")
    html = response.get_data(as_text=True)
    assert not LOADS.search(html), "the document must not load anything by URL"
    assert "L.map(" in html and "leaflet" in html.lower()  # Leaflet inlined, not linked
    assert "1-й микрорайон" in html and "01.03.2025" in html and "31.05.2025" in html  # title: place, period
    assert "Условные обозначения" in html  # the legend
    assert _has(html, "Установлена искусственная неровность (2)")  # works done in the period, by type
    assert _has(html, 'class="case-count"')  # open cases as counts per place
    assert _has(html, "Очаг №1")  # the road hot spot of the fixture town


def test_document_of_the_town_names_every_district(town: Any, auth: Any, client: FlaskClient) -> None:
    auth.login("operator")
    html = _document(client).get_data(as_text=True)
    assert "город целиком" in html
    assert _has(html, "Тёплый берег") and _has(html, "1-й микрорайон")


def test_document_carries_no_personal_data(town: Any, auth: Any, client: FlaskClient) -> None:
    auth.login("analyst")
    for args in ({}, {"district": str(town.districts["MKR1"])}, {"district": str(town.districts["SHORE"])}):
        html = _document(client, **args).get_data(as_text=True)
        for secret in SECRETS:
            assert not _has(html, secret), secret


def test_document_needs_a_dashboard_role(town: Any, auth: Any, client: FlaskClient) -> None:
    assert _document(client).status_code == 302  # to the login page
    auth.login("crew")
    assert _document(client).status_code == 403


@pytest.mark.parametrize(
    "args",
    [
        {"from": "2025-13-01"},
        {"district": "999999"},
        {"district": "<script>"},
        {"from": "2025-05-01", "to": "2025-01-01"},
    ],
)
def test_bad_filters_get_a_clear_400(town: Any, auth: Any, client: FlaskClient, args: dict[str, str]) -> None:
    auth.login("analyst")
    response = _document(client, **args)
    assert response.status_code == 400
    assert "<script>" not in response.get_data(as_text=True)


def test_hostile_note_is_inert_in_the_document(town: Any, auth: Any, client: FlaskClient) -> None:
    from webmap.models import Work

    work = db.session.scalars(db.select(Work).where(Work.status == "done")).first()
    work.public_note = "`); alert(1); (` ${alert(2)} </script><script>alert(3)</script>"
    db.session.flush()
    auth.login("analyst")
    html = _document(client).get_data(as_text=True)
    assert "</script><script>alert(3)" not in html
    assert "${alert(2)}" not in html and "`); alert(1)" not in html


def test_cli_writes_the_document(town: Any, runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "mkr1.html"
    result = runner.invoke(
        args=["export", "map", "--district", "MKR1", "--from", PERIOD["from"], "--to", PERIOD["to"], "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "1-й микрорайон" in html and not LOADS.search(html)
    bad = runner.invoke(args=["export", "map", "--district", "nowhere", "--out", str(out)])
    assert bad.exit_code != 0 and "no district" in bad.output
    bad = runner.invoke(args=["export", "map", "--from", "31.02.2025", "--out", str(tmp_path / "x.html")])
    assert bad.exit_code != 0 and not (tmp_path / "x.html").exists()


def test_printable_report_embeds_the_map(town: Any, auth: Any, client: FlaskClient) -> None:
    auth.login("analyst")
    html = client.get("/dashboard/report", query_string={**PERIOD, "district": str(town.districts["MKR1"])}).get_data(
        as_text=True
    )
    assert 'class="dash-report-doc"' in html and "L.map(" in html and "@media print" not in html
    nonce = re.search(r"'nonce-([^']+)'", client.get("/dashboard/report").headers["Content-Security-Policy"])
    assert nonce  # every inline script of the embedded map carries the page's nonce
    assert not re.search(r"<script(?![^>]*(?:nonce|src)=)[^>]*>", html)


@pytest.mark.browser
def test_document_opens_from_disk_with_the_network_cut(app: Any, committed: None, browser: Any, tmp_path: Path) -> None:
    with app.app_context():
        build_town()
        db.session.commit()
        runner = app.test_cli_runner()
        out = tmp_path / "town.html"
        result = runner.invoke(
            args=["export", "map", "--from", PERIOD["from"], "--to", PERIOD["to"], "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
    context = browser.new_context(offline=True)
    refused: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(out.as_uri())
    page.wait_for_selector(".leaflet-container .case-count")
    page.wait_for_selector(".leaflet-overlay-pane path")
    assert page.locator(".doc-title h1").inner_text() == "Покачи: город целиком"
    assert page.locator(".leaflet-control-layers-overlays label").count() >= 3  # works by type, cases, hot spots
    # district outlines, streets, and the works drawn over the case counts (their pane is below)
    assert page.locator(".leaflet-overlay-pane path").count() >= 9 + 4
    assert page.locator(".leaflet-cases-pane .case-count").count() >= 1
    assert not errors and not refused
    context.close()
