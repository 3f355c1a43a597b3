"""Pages and the JSON API declare their roles the same way (``role_required``); the API refuses in JSON."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

API_ROLES = {
    "api.operator_features": ("operator",),
    "api.operator_heat": ("operator",),
    "api.operator_unplaced": ("operator",),
    "api.place": ("operator",),
    "api.crew_works": ("crew",),
    "operator.queue": ("operator",),
    "operator.case_page": ("operator",),
    "operator.work_page": ("operator",),
}


@pytest.mark.parametrize("endpoint, roles", API_ROLES.items())
def test_views_declare_their_roles_with_the_decorator(app: Flask, endpoint: str, roles: tuple[str, ...]) -> None:
    assert getattr(app.view_functions[endpoint], "allowed_roles", None) == roles


@pytest.mark.parametrize("path", ["/api/operator/unplaced", "/api/crew/works"])
def test_the_api_refuses_an_anonymous_caller_in_json(app_ctx: None, client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401 and response.is_json
    assert response.get_json() == {"error": "unauthorized", "message": "Войдите, чтобы пользоваться этим адресом."}


def test_the_api_refuses_a_wrong_role_in_json(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    auth.login("analyst")
    for path in ("/api/operator/unplaced", "/api/crew/works"):
        response = client.get(path)
        assert response.status_code == 403 and response.get_json()["error"] == "forbidden", path
        assert "нет прав" in response.get_json()["message"]


def test_a_page_of_the_same_role_redirects_to_the_login(app_ctx: None, client: FlaskClient) -> None:
    response = client.get("/operator/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
