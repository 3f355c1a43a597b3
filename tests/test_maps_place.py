"""POST /api/cases/<id>/place: an operator puts an unplaced case where they clicked."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from geoalchemy2.shape import to_shape
from sqlalchemy import select

from tests import factories
from webmap.extensions import db
from webmap.models import Appeal, StatusChange


def place(client: FlaskClient, auth: Any, case_id: int, body: Any, *, token: bool = True) -> Any:
    headers = {"X-CSRFToken": auth.csrf_token()} if token else {}
    return client.post(f"/api/cases/{case_id}/place", json=body, headers=headers)


def test_operator_places_an_unplaced_case(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    case = factories.appeal(None, None, status="new")
    db.session.flush()
    version = case.version
    user = auth.login("operator")
    response = place(
        client, auth, case.id, {"lon": factories.SCHOOL_2[0], "lat": factories.SCHOOL_2[1], "version": version}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["ok"] is True and body["case"]["geometry"]["coordinates"] == [
        pytest.approx(75.600699),
        pytest.approx(61.739662),
    ]
    db.session.expire_all()
    case = db.session.get(Appeal, case.id)
    assert body["case"]["properties"]["version"] == case.version > version  # the next placing sends this one
    point = to_shape(case.point)
    assert (round(point.x, 6), round(point.y, 6)) == (75.600699, 61.739662)
    assert case.placed_by == "operator" and case.precision != "none" and case.district_id is not None
    change = db.session.scalar(
        select(StatusChange).where(StatusChange.appeal_id == case.id, StatusChange.field == "point")
    )
    assert change.user_id == user.id and change.old_value is None


def test_a_stale_version_is_a_409(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    case = factories.appeal(None, None, status="new")
    db.session.flush()
    auth.login("operator")
    response = place(client, auth, case.id, {"lon": 75.6, "lat": 61.74, "version": case.version + 5})
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "conflict" and body["version"] == case.version
    db.session.expire_all()
    assert db.session.get(Appeal, case.id).point is None


def test_only_operators_place_and_only_with_the_csrf_token(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    case = factories.appeal(None, None, status="new")
    db.session.flush()
    body = {"lon": 75.6, "lat": 61.74, "version": case.version}
    assert client.post(f"/api/cases/{case.id}/place", json=body).status_code in (400, 401)
    auth.login("crew")
    assert place(client, auth, case.id, body).status_code == 403
    auth.login("operator")
    refused = place(client, auth, case.id, body, token=False)
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf"
    assert place(client, auth, case.id, body).status_code == 200


@pytest.mark.parametrize(
    "body, name",
    [
        ({"lon": "75.6", "lat": 61.74, "version": 1}, "lon"),
        ({"lon": 75.6, "lat": 91, "version": 1}, "lat"),
        ({"lon": 1e400, "lat": 61.74, "version": 1}, "lon"),
        ({"lon": True, "lat": 61.74, "version": 1}, "lon"),
        ({"lon": 75.6, "lat": 61.74}, "version"),
        ({"lon": 75.6, "lat": 61.74, "version": "1; DROP TABLE appeals"}, "version"),
        ({"lon": 75.6, "lat": 61.74, "version": 1, "address": "x" * 301}, "address"),
    ],
)
def test_bad_bodies_are_400(app_ctx: None, client: FlaskClient, auth: Any, body: dict, name: str) -> None:
    case = factories.appeal(None, None, status="new")
    db.session.flush()
    auth.login("operator")
    response = place(client, auth, case.id, body)
    assert response.status_code == 400 and response.get_json()["parameter"] == name


def test_not_json_and_unknown_case(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    auth.login("operator")
    token = auth.csrf_token()
    response = client.post("/api/cases/1/place", data="lon=1", headers={"X-CSRFToken": token})
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"
    response = client.post(
        "/api/cases/999999/place", json={"lon": 75.6, "lat": 61.74, "version": 1}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 404
