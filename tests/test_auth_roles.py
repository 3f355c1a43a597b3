"""``role_required``, ``restrict_blueprint`` and ``has_role`` on a small app of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions
from webmap import create_app
from webmap.auth.roles import has_role, login_required, restrict_blueprint, role_required


@pytest.fixture(scope="module")
def roles_app(app: Flask) -> Iterator[Flask]:
    """The app plus a few guarded views (kept out of the main app's permission matrix)."""
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    views = Blueprint("guarded", __name__, url_prefix="/guarded")

    @views.get("/operator")
    @role_required("operator")
    def operator_only() -> str:
        return "operator page"

    @views.route("/crew-or-operator", methods=["GET", "POST"])
    @role_required("crew", "operator")
    def crew_or_operator() -> str:
        return "crew or operator page"

    @views.get("/admin")
    @role_required("admin")
    def admin_only() -> str:
        return "admin page"

    @views.get("/anyone")
    @login_required
    def any_user() -> str:
        return "any logged-in user"

    @views.get("/has-role")
    def check() -> str:
        return "yes" if has_role("analyst") else "no"

    analysts = Blueprint("analysts", __name__, url_prefix="/analysts")
    restrict_blueprint(analysts, "analyst")

    @analysts.get("/")
    def analysts_index() -> str:
        return "analysts page"

    other.register_blueprint(views)
    other.register_blueprint(analysts)
    yield other


@pytest.fixture
def roles_client(roles_app: Flask, app: Flask) -> FlaskClient:
    return roles_app.test_client()


@pytest.fixture
def roles_auth(roles_app: Flask, roles_client: FlaskClient) -> AuthActions:
    return AuthActions(roles_app, roles_client)


EXPECTED = {  # path: {audience: status}
    "/guarded/operator": {"crew": 403, "operator": 200, "analyst": 403, "admin": 200},
    "/guarded/crew-or-operator": {"crew": 200, "operator": 200, "analyst": 403, "admin": 200},
    "/guarded/admin": {"crew": 403, "operator": 403, "analyst": 403, "admin": 200},
    "/guarded/anyone": {"crew": 200, "operator": 200, "analyst": 200, "admin": 200},
    "/analysts/": {"crew": 403, "operator": 403, "analyst": 200, "admin": 200},
}


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_anonymous_is_sent_to_login(roles_client: FlaskClient, path: str) -> None:
    response = roles_client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


@pytest.mark.parametrize("role", ["crew", "operator", "analyst", "admin"])
def test_roles(roles_auth: AuthActions, roles_client: FlaskClient, role: str) -> None:
    roles_auth.login(role)
    got = {path: roles_client.get(path).status_code for path in EXPECTED}
    assert got == {path: expected[role] for path, expected in EXPECTED.items()}
    assert roles_client.get("/guarded/has-role").get_data(as_text=True) == (
        "yes" if role in ("analyst", "admin") else "no"
    )


def test_forbidden_page_is_russian_and_json_when_asked(roles_auth: AuthActions, roles_client: FlaskClient) -> None:
    roles_auth.login("crew")
    page = roles_client.get("/guarded/operator")
    assert page.status_code == 403 and "Доступ запрещён" in page.get_data(as_text=True)
    data = roles_client.get("/guarded/operator", headers={"Accept": "application/json"})
    assert data.status_code == 403 and data.get_json()["error"] == "forbidden"


def test_post_is_guarded_too(roles_auth: AuthActions, roles_client: FlaskClient) -> None:
    roles_auth.login("analyst")
    response = roles_client.post("/guarded/crew-or-operator", data={"csrf_token": roles_auth.csrf_token()})
    assert response.status_code == 403


def test_anonymous_has_no_role(roles_client: FlaskClient) -> None:
    assert roles_client.get("/guarded/has-role").get_data(as_text=True) == "no"


@pytest.mark.parametrize("roles", [(), ("root",), ("operator", "Operator")])
def test_unknown_roles_are_a_programming_error(roles: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        role_required(*roles)
    with pytest.raises(ValueError):
        restrict_blueprint(Blueprint("x", __name__), *roles)


def test_decorator_keeps_the_view_and_tells_its_roles() -> None:
    @role_required("crew", "operator")
    def view() -> str:
        """Doc."""
        return "x"

    assert view.__name__ == "view" and view.__doc__ == "Doc."
    assert view.allowed_roles == ("crew", "operator")
