"""The Content-Security-Policy in a real browser: the pages work under it, and it is enforced."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete

from tests import factories
from webmap.auth.models import LoginAttempt
from webmap.extensions import db

pytestmark = pytest.mark.browser

# Added before any script of the page runs, so that no violation goes unseen.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push({directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample});
}, true);
"""


class Watch:
    """Console messages, page errors and CSP violations of a page."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def violations(self) -> list[dict[str, str]]:
        return self.page.evaluate("window.__cspViolations || []")

    def assert_clean(self) -> None:
        self.page.wait_for_timeout(300)
        assert self.violations() == []
        assert self.errors == []
        assert [m for m in self.console if m.startswith(("error", "warning"))] == []


@pytest.fixture
def watch(page: Any) -> Watch:
    return Watch(page)


@pytest.fixture
def forget_login_attempts(app: Flask) -> Iterator[None]:
    """live_server empties the case tables and users after a test; login attempts are ours to clear."""
    yield
    with app.app_context():
        db.session.execute(delete(LoginAttempt))
        db.session.commit()


def test_public_map_works_under_the_csp(app: Flask, page: Any, watch: Watch) -> None:
    with app.app_context():
        factories.work(75.6006986, 61.7396618, note="Лежачий полицейский у второй школы")
        db.session.commit()
    response = page.goto(page.base_url + "/")
    assert "'nonce-" in response.headers["content-security-policy"]
    marker = page.wait_for_selector(".leaflet-marker-icon.work-marker", timeout=10_000)
    marker.click()
    # the popup opens, then fills in from /api/features (connect-src 'self')
    page.locator(".leaflet-popup-content", has_text="Лежачий полицейский у второй школы").wait_for(timeout=10_000)
    watch.assert_clean()
    assert page.offsite == []


def test_the_csp_is_enforced(app: Flask, page: Any, watch: Watch) -> None:
    """The control: an inline script without the nonce, and an inline handler, are blocked and reported."""
    page.goto(page.base_url + "/auth/login")
    page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.__ran = true";
        document.body.appendChild(s);
        const img = document.createElement("img");
        img.setAttribute("onerror", "window.__ran2 = true");
        img.src = "data:,broken";
        document.body.appendChild(img);
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran === undefined && window.__ran2 === undefined")
    directives = {v["directive"] for v in watch.violations()}
    assert directives & {"script-src-elem", "script-src"} and directives & {"script-src-attr", "script-src"}


def test_the_page_cannot_be_framed(app: Flask, page: Any) -> None:
    page.set_content(f'<iframe id="f" src="{page.base_url}/auth/login"></iframe>')
    page.wait_for_timeout(500)
    frame = page.frame_locator("#f")
    assert frame.locator("form").count() == 0


def test_login_and_logout_in_the_browser(
    app: Flask, page: Any, watch: Watch, logged_in_page: Any, forget_login_attempts: None
) -> None:
    logged_in_page("operator", "olga", full_name="Ольга Операторова")
    assert page.url.split("#")[0] == page.base_url + "/"  # the login form leads to the public map
    assert "Ольга Операторова" in page.inner_text(".topbar")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["session"]["httpOnly"] and cookies["session"]["sameSite"] == "Lax"
    assert page.evaluate("document.cookie") == ""  # HttpOnly: no script sees the session
    page.click(".auth-logout button")
    page.wait_for_selector("text=Вход для сотрудников")
    watch.assert_clean()


def test_every_page_runs_clean_under_the_csp(
    app: Flask, page: Any, watch: Watch, logged_in_page: Any, forget_login_attempts: None
) -> None:
    """Every HTML page (GET routes, as an admin) loads with no CSP violation.

    Script errors of a page's own code are that page's tests' business; a script the
    CSP blocked shows up here as a violation."""
    from tests.test_permissions import _methods, _path, _rules

    with app.app_context():
        appeal = factories.appeal(messages=[factories.message()])
        work = factories.work()
        db.session.commit()
        seeds = {
            "appeal_id": appeal.id,
            "case_id": appeal.id,
            "work_id": work.id,
            "item_id": work.id,
            "photo_id": 1,
            "rank": 1,
        }
    logged_in_page("admin", "root-admin")
    assert page.url.split("#")[0] == page.base_url + "/"  # the login form leads to the public map
    visited = []
    for rule in _rules(app):
        if "GET" not in _methods(rule) or rule.endpoint == "auth.login":
            continue
        try:
            path = _path(rule, seeds)
        except AssertionError:
            continue  # a variable with no seed here: test_permissions names it
        probe = page.request.get(page.base_url + path)  # shares the page's cookies; no download
        if probe.status != 200 or "text/html" not in probe.headers.get("content-type", ""):
            continue
        page.goto(page.base_url + path)
        visited.append(path)
        page.wait_for_timeout(300)
        assert watch.violations() == [], path
    assert len(visited) >= 3, visited
