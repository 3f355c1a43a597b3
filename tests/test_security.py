"""Security headers, the Content-Security-Policy and its nonce, and CSRF protection."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions
from tests.test_permissions import _methods, _path, _rules
from tests.test_permissions import seeds as seeds  # a fixture these tests share
from webmap.security import nonce_scripts, tile_source

FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "geolocation=(self), camera=(self), microphone=()",
}
# State-changing routes that may take requests without a CSRF token (each must authenticate otherwise).
# The channels' webhooks are called by VK's and Telegram's servers and authenticate by a shared
# secret instead (tests/test_hooks.py refuses wrong secrets); Open311 POST by an API key, not a session.
CSRF_EXEMPT: set[str] = {"hooks.vk_callback", "hooks.telegram_webhook", "open311.create_request"}


def _csp(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/auth/login", "/static/css/webmap.css", "/no-such-page", "/auth/logout"])
def test_every_response_has_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    for name, value in FIXED_HEADERS.items():
        assert response.headers[name] == value, name
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'" and re.fullmatch(r"'nonce-[A-Za-z0-9_-]{20,}'", csp["script-src"][1])
    assert len(csp["script-src"]) == 2  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["img-src"] == ["'self'", "data:", "blob:"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_error_pages_have_the_headers_too(client: FlaskClient, auth: AuthActions) -> None:
    auth.login("crew")
    forbidden = client.get("/operator/")
    assert forbidden.status_code == 403 and forbidden.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in forbidden.headers


EXECUTABLE_INLINE = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)


def _check_inline_scripts(response) -> None:
    nonce = _csp(response)["script-src"][1][len("'nonce-") : -1]
    page = response.get_data(as_text=True)
    for tag in EXECUTABLE_INLINE.findall(page):
        assert f'nonce="{nonce}"' in tag, (response.request.path, tag)
    body = page.split("<body", 1)[-1]
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", body, re.I), response.request.path  # inline handlers
    assert "javascript:" not in body, response.request.path


def test_inline_scripts_of_every_page_carry_the_nonce(
    app: Flask, client: FlaskClient, auth: AuthActions, seeds: dict[str, object]
) -> None:
    """Every HTML page (GET routes, as an admin, who may see them all) runs no script CSP would block."""
    _check_inline_scripts(client.get("/auth/login"))
    auth.login("admin")
    checked = 0
    for rule in _rules(app):
        if "GET" not in _methods(rule):
            continue
        response = client.get(_path(rule, seeds))
        if response.status_code == 200 and response.mimetype == "text/html":
            _check_inline_scripts(response)
            checked += 1
    assert checked >= 3


def test_folium_output_gets_the_nonce() -> None:
    """folium writes inline scripts into the page head and body: nonce_scripts makes them run."""
    import folium

    from webmap import create_app

    m = folium.Map(location=(61.742, 75.595), tiles=None)
    folium.Marker((61.742, 75.595), popup=folium.Popup("<b>Готово</b>")).add_to(m)
    root = m.get_root()
    root.render()
    with create_app().test_request_context():
        from webmap.security import csp_nonce

        for html in (root.header.render(), root.html.render()):
            out = nonce_scripts(html)
            for tag in re.findall(r"<script\b[^>]*>", out, re.I):
                assert f'nonce="{csp_nonce()}"' in tag, tag


def test_the_nonce_is_new_for_every_request(client: FlaskClient) -> None:
    nonces = {_csp(client.get("/auth/login"))["script-src"][1] for _ in range(3)}
    assert len(nonces) == 3


def test_nonce_scripts_helper() -> None:
    from webmap import create_app

    with create_app().test_request_context():
        from webmap.security import csp_nonce

        nonce = csp_nonce()
        html = (
            '<script src="/a.js"></script><SCRIPT>x()</SCRIPT><script type="module">y()</script>'
            '<script nonce="other">z()</script><scripts></scripts><noscript></noscript>'
        )
        out = nonce_scripts(html)
        assert out.count(f'nonce="{nonce}"') == 3
        assert '<script nonce="other">' in out and "<scripts>" in out and "<noscript>" in out
        assert nonce_scripts("") == ""


@pytest.mark.parametrize(
    "url, source",
    [
        ("https://tiles.town.ru/{z}/{x}/{y}.png", "https://tiles.town.ru"),
        ("https://{s}.tiles.town.ru/{z}/{x}/{y}.png", "https://*.tiles.town.ru"),
        ("http://10.0.0.5:8080/tiles/{z}/{x}/{y}.png", "http://10.0.0.5:8080"),
        ("/tiles/{z}/{x}/{y}.png", None),
        ("", None),
        (None, None),
        ("https://evil.com; script-src *", None),
        ("https://a'b.com/x", None),
        ("https://tiles{s}.example.org/{z}/{x}/{y}.png", "https://*.example.org"),
        ("https://a.{s}.example.org/{z}/{x}/{y}.png", None),
    ],
)
def test_tile_source(url: str | None, source: str | None) -> None:
    assert tile_source(url) == source


def test_a_configured_tile_server_may_serve_images(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_TILE_URL", "https://{s}.tiles.town.ru/{z}/{x}/{y}.png")
    csp = _csp(client.get("/static/css/webmap.css"))
    assert csp["img-src"] == ["'self'", "data:", "blob:", "https://*.tiles.town.ru"]
    assert csp["connect-src"] == ["'self'"] and csp["default-src"] == ["'self'"]


def test_production_adds_hsts(app: Flask, monkeypatch: pytest.MonkeyPatch, client: FlaskClient) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_ENV", "production")
    assert client.get("/auth/login").headers["Strict-Transport-Security"] == "max-age=31536000"


# --- CSRF (on, as in production) ------------------------------------------------------------------


def test_csrf_is_on(app: Flask) -> None:
    assert app.config.get("WTF_CSRF_ENABLED", True) is True


def test_login_without_a_token_is_refused(auth: AuthActions, client: FlaskClient) -> None:
    auth.user("crew")
    response = client.post("/auth/login", data={"username": "test-crew", "password": "test-password-123"})
    assert response.status_code == 400
    assert "Форма устарела" in response.get_data(as_text=True)
    assert client.get("/auth/account").status_code == 302


def test_login_with_a_forged_or_foreign_token_is_refused(app: Flask, auth: AuthActions, client: FlaskClient) -> None:
    auth.user("crew")
    other = AuthActions(app, app.test_client()).csrf_token()  # valid, but for another session
    for token in ("forged", other, auth.csrf_token() + "x"):
        response = client.post(
            "/auth/login", data={"username": "test-crew", "password": "test-password-123", "csrf_token": token}
        )
        assert response.status_code == 400, token
    assert auth.post_login("test-crew").status_code == 302  # the session's own token works


def test_logout_without_a_token_is_refused(auth: AuthActions, client: FlaskClient) -> None:
    auth.login("crew")
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/auth/account").status_code == 200  # still logged in


def test_scripts_send_the_token_in_a_header(auth: AuthActions, client: FlaskClient) -> None:
    """As a fetch() would: the token of <meta name="csrf-token"> in X-CSRFToken, a JSON body."""
    auth.login("crew")
    page = client.get("/auth/account").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)[1]
    refused = client.post("/auth/logout", json={})
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf"
    accepted = client.post("/auth/logout", json={}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 302
    assert client.get("/auth/account").status_code == 302


def test_every_state_changing_route_needs_a_token(
    app: Flask, client: FlaskClient, auth: AuthActions, seeds: dict[str, object]
) -> None:
    """Walks app.url_map: POST/PUT/PATCH/DELETE without a token get 400, whatever the role."""
    unguarded = []
    for audience in ("anonymous", "admin"):
        if audience == "admin":
            auth.login("admin")
        for rule in _rules(app):
            if rule.endpoint in CSRF_EXEMPT:
                continue
            for method in sorted(_methods(rule) & {"POST", "PUT", "PATCH", "DELETE"}):
                path = _path(rule, seeds)
                for kwargs in ({"data": {}}, {"json": {}}):
                    status = client.open(path, method=method, **kwargs).status_code
                    if status != 400:
                        unguarded.append(f"{method} {path} ({rule.endpoint}) as {audience}: {status}")
    assert not unguarded, "state-changing routes that took a request without a CSRF token:\n" + "\n".join(unguarded)


def test_csrf_exempt_routes_authenticate_otherwise(
    app: Flask, client: FlaskClient, auth: AuthActions, seeds: dict[str, object]
) -> None:
    """A route exempt from CSRF refuses a request with no key even from a logged-in admin's session."""
    exempt = [rule for rule in _rules(app) if rule.endpoint in CSRF_EXEMPT]
    assert {rule.endpoint for rule in exempt} == CSRF_EXEMPT
    auth.login("admin")
    for rule in exempt:
        for method in sorted(_methods(rule) & {"POST", "PUT", "PATCH", "DELETE"}):
            for kwargs in ({"data": {}}, {"data": {"service_code": "road", "lat": "61.74", "long": "75.59"}}):
                response = client.open(_path(rule, seeds), method=method, **kwargs)
                # refused, never taken: 403 (Open311's key, VK's secret), 404 (a webhook hides a wrong
                # secret in its path) or 400 (a callback that is not even JSON)
                assert response.status_code in (400, 403, 404), (rule.endpoint, response.data[:200])
