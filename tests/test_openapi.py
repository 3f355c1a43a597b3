"""The OpenAPI document: a valid OpenAPI 3.1 that names every /api and /open311/v2 route, and
the map API's real answers (successes and errors, as each audience gets them) match it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from tests import factories as seed
from tests.conftest import AuthActions
from tests.open311_client import check_against_openapi
from webmap.api.openapi import document
from webmap.extensions import db

TOWN = "75.54,61.72,75.66,61.765"
UNDOCUMENTED = {"api.docs", "open311.unknown"}  # a page, and the catch-all that answers 404


def test_the_document_is_valid_openapi_3_1_and_served(client: FlaskClient) -> None:
    validate(document("http://localhost/"))
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    served = response.get_json()
    assert served["openapi"] == "3.1.0"
    assert served == document("http://localhost/")
    validate(served)


def _openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: ``<int:x>`` -> ``{x}``, ``<fmt>`` -> ``{format}``."""
    path = re.sub(r"<(?:[a-z]+:)?fmt>", "{format}", rule)
    path = re.sub(r"<(?:[a-z]+:)?code>", "{service_code}", path)
    path = re.sub(r"<(?:[a-z]+:)?request_id>", "{service_request_id}", path)
    return re.sub(r"<(?:[a-z]+:)?(\w+)>", r"{\1}", path)


def test_every_api_and_open311_route_is_documented_with_its_methods(app: Flask) -> None:
    paths = document("http://localhost/")["paths"]
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/api/", "/open311/")) or rule.endpoint in UNDOCUMENTED:
            continue
        documented = paths.get(_openapi_path(rule.rule), {})
        for method in set(rule.methods or ()) - {"HEAD", "OPTIONS"}:
            if method.lower() not in documented:
                missing.append(f"{method} {rule.rule}")
    assert not missing, missing
    for item in paths.values():
        for operation in item.values():
            assert operation["responses"], operation


@pytest.fixture
def mapped(app_ctx: None) -> dict[str, Any]:
    work = seed.work()
    case = seed.appeal(status="in_work", messages=[seed.message(channel="vk", url="https://vk.com/wall-21835_1001")])
    unplaced = seed.appeal(None, None, status="new", messages=[seed.message()])
    db.session.commit()
    return {"work": work.id, "case": case.id, "unplaced": unplaced.id, "version": case.version}


def _checked(client: FlaskClient, method: str, path: str, status: int, **kwargs: Any) -> Any:
    response = client.open(path, method=method, **kwargs)
    assert response.status_code == status, (path, response.data[:300])
    check_against_openapi(response)
    return response


def test_public_map_answers_match_the_document(client: FlaskClient, mapped: dict[str, Any]) -> None:
    _checked(client, "GET", f"/api/features?bbox={TOWN}&zoom=15", 200)
    _checked(client, "GET", f"/api/features?bbox={TOWN}&zoom=15&layers=cases&case_status=in_work&lang=en", 200)
    _checked(client, "GET", "/api/features?zoom=15", 400)
    _checked(client, "GET", f"/api/features?bbox={TOWN}&zoom=99", 400)
    _checked(client, "GET", f"/api/features/work/{mapped['work']}", 200)
    _checked(client, "GET", f"/api/features/case/{mapped['case']}", 200)
    _checked(client, "GET", f"/api/features/case/{mapped['unplaced']}", 404)
    _checked(client, "GET", "/api/photos/999999", 404)
    _checked(client, "GET", "/api/base/districts", 200)
    _checked(client, "GET", "/api/base/landmarks", 200)
    _checked(client, "GET", f"/api/base/streets?bbox={TOWN}&zoom=15", 200)
    _checked(client, "GET", f"/api/base/houses?bbox={TOWN}&zoom=17", 200)
    _checked(client, "GET", "/api/base/houses?zoom=17", 400)
    _checked(client, "GET", "/api/openapi.json", 200)
    for path in ("/api/operator/features", "/api/operator/heat", "/api/operator/unplaced", "/api/crew/works"):
        _checked(client, "GET", path, 401)


def test_operator_and_crew_answers_match_the_document(
    client: FlaskClient, auth: AuthActions, mapped: dict[str, Any]
) -> None:
    auth.login("crew")
    _checked(client, "GET", "/api/crew/works", 200)
    _checked(client, "GET", "/api/crew/works?lat=61.74&lon=75.59", 200)
    _checked(client, "GET", "/api/crew/works?lat=61.74", 400)
    _checked(client, "GET", "/api/operator/unplaced", 403)
    auth.logout()
    auth.login("operator")
    headers = {"X-CSRFToken": auth.csrf_token()}
    _checked(client, "GET", f"/api/operator/features?bbox={TOWN}&zoom=15&overdue=1", 200)
    _checked(client, "GET", f"/api/operator/heat?bbox={TOWN}&zoom=15", 200)
    _checked(client, "GET", "/api/operator/unplaced?limit=5", 200)
    _checked(client, "GET", "/api/operator/unplaced?limit=500", 400)
    place = f"/api/cases/{mapped['unplaced']}/place"
    body = {"lon": 75.595, "lat": 61.742, "version": 1}
    _checked(client, "POST", place, 200, json=body, headers=headers)
    _checked(client, "POST", place, 409, json=body, headers=headers)  # the version moved on
    _checked(client, "POST", "/api/cases/999999/place", 404, json=body, headers=headers)
    _checked(client, "POST", place, 400, json={"lon": "x"}, headers=headers)


@pytest.mark.browser
def test_the_docs_page_lists_the_operations_offline(page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(page.base_url + "/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = page.eval_on_selector_all(".opblock-summary-path", "nodes => nodes.map(n => n.textContent)")
    assert "/api/features" in paths
    assert "/open311/v2/requests.{format}" in paths
    assert "/open311/v2/services/{service_code}.{format}" in paths
    assert not page.offsite, page.offsite  # nothing from another host
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
