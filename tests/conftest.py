"""Test fixtures: a real PostGIS database per test session, each test rolled back.

In the manner of flaskr (``app``, ``client``, ``runner``) and indico's database
fixture: ``TEST_DATABASE_URL`` names the database (``make test`` sets it, on
the server ``make run`` uses but never its database); it is dropped and created
anew, migrated to head, and the demo town is loaded once. Each test then runs
inside a transaction that is rolled back, so nothing it writes persists.
Browser tests need data a second thread can see: they use ``committed`` data
and ``live_server``, and what they commit is truncated afterwards.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event, text
from sqlalchemy.orm import Session, scoped_session, sessionmaker
from werkzeug.serving import make_server

from tests import factories
from webmap import create_app
from webmap.config import sqlalchemy_url
from webmap.extensions import db as database

ROOT = Path(__file__).resolve().parent.parent
DEMO_TOWN = ROOT / "data" / "demo-town"
# Tables that tests fill; the gazetteer and the vocabularies stay.
CASE_TABLES = (
    "work_photos, work_appeals, status_changes, works, message_revisions, source_messages, appeals, users, "
    "sources, hook_events, answers, answer_templates, login_attempts"
)


def _default_test_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgresql://webmap:webmap@127.0.0.1:5432/webmap")
    return base.rsplit("/", 1)[0] + "/webmap_test"


TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or _default_test_url()


def recreate_database(url: str) -> None:
    """Drop and create the database of ``url`` with the postgis and pg_trgm extensions."""
    server, name = url.rsplit("/", 1)
    if "test" not in name and "bench" not in name:
        raise RuntimeError(f"refusing to drop {name!r}: a test or bench database's name says so")
    conn = psycopg2.connect(server + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("CREATE EXTENSION postgis")
        cur.execute("CREATE EXTENSION pg_trgm")
    conn.close()


@pytest.fixture(scope="session")
def database_url() -> str:
    recreate_database(TEST_DATABASE_URL)
    return TEST_DATABASE_URL


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on a migrated test database holding the demo town.

    Its category model file lives in a session folder: trained once per session
    at first use, never written into the checkout's instance folder.
    """
    from flask_migrate import upgrade

    from webmap.commands import load_town_dir

    model = tmp_path_factory.mktemp("category") / "category_model.joblib"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(database_url),
            "WEBMAP_CATEGORY_MODEL": str(model),
            "WEBMAP_FIRST_VIEW_CACHE_SECONDS": 0,  # each test's data, not an earlier test's (tests turn it on)
        }
    )
    with app.app_context():
        upgrade()
        load_town_dir(DEMO_TOWN)
        database.session.remove()
    yield app
    with app.app_context():
        database.engine.dispose()


@pytest.fixture
def db(app: Flask, request: pytest.FixtureRequest) -> Iterator[scoped_session[Session]]:
    """The test's database session (``webmap.extensions.db.session`` while it runs), inside a
    transaction that is rolled back afterwards: a test that names it says it needs the database."""
    names = request.fixturenames
    assert "live_server" not in names and "committed" not in names, "committed data is not rolled back"
    with app.app_context():
        connection = database.engine.connect()
        outer = connection.begin()
        original = database.session
        database.session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
        try:
            yield database.session
        finally:
            database.session.remove()
            database.session = original
            outer.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def _rollback(request: pytest.FixtureRequest) -> None:
    """Give every test that uses the app the rolled-back ``db``, unless its data must be committed."""
    names = request.fixturenames
    if "app" in names and "live_server" not in names and "committed" not in names:
        request.getfixturevalue("db")


@pytest.fixture
def clock() -> factories.Clock:
    """ "Now" for this test's factories: the real now, frozen when the test starts.

    ``factories.work(days_ago=3, clock=clock)``; ``clock.shifted(days=-200)`` for an older now."""
    return factories.REAL.frozen()


class Queries(list[str]):
    """The SQL statements run while a ``count_queries()`` block was open (``parameters``: each one's)."""

    def __init__(self) -> None:
        super().__init__()
        self.parameters: list[Any] = []


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], AbstractContextManager[Queries]]:
    """``with count_queries() as queries: client.get(...)``; then ``len(queries)``, for N+1 checks.

    Counts every statement the app's engine sends (SQLAlchemy's ``before_cursor_execute``)."""

    @contextmanager
    def counting() -> Iterator[Queries]:
        queries = Queries()

        def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
            queries.append(statement)
            queries.parameters.append(parameters)

        with app.app_context():
            engine = database.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield queries
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def committed(app: Flask) -> Iterator[None]:
    """For tests whose data must be committed (other threads or processes read it):
    no rollback; the tables tests fill are emptied afterwards."""
    yield
    with app.app_context():
        database.session.remove()
        database.session.execute(text(f"TRUNCATE {CASE_TABLES} RESTART IDENTITY CASCADE"))
        database.session.commit()


def stored_messages(app: Flask) -> tuple[int, int, int]:
    """Committed messages, distinct external ids and messages with a case, read afresh: what a
    killed and restarted import or worker must leave equal (each message once, each with its case)."""
    from sqlalchemy import func, select

    from webmap.extensions import db as database  # this module's `db` is the fixture
    from webmap.models import SourceMessage

    with app.app_context():
        database.session.remove()
        row = database.session.execute(
            select(
                func.count(), func.count(func.distinct(SourceMessage.external_id)), func.count(SourceMessage.appeal_id)
            )
        ).one()
        database.session.remove()
        return (row[0], row[1], row[2])


@pytest.fixture
def live_server(app: Flask, committed: None) -> Iterator[str]:
    """The app served on a free local port in a thread; yields its base URL.

    Data must be committed to be seen; tables the tests fill are emptied after.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make test does)")
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class OffsiteRequests(list):
    """URLs the page tried to fetch from hosts other than the app's (all refused)."""


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh browser page that may talk to the app only; ``page.offsite`` lists refusals."""
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
    offsite = OffsiteRequests()

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith((live_server + "/", "data:", "blob:")):
            route.continue_()
        else:
            offsite.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.offsite = offsite
    page.base_url = live_server
    yield page
    context.close()


# --- auth: users and logging in (webmap/auth), in the manner of flaskr's ``auth`` ----------------

TEST_PASSWORD = "test-password-123"


class AuthActions:
    """Make users and log the test ``client`` in and out through the real login form.

    ``auth.login(role="operator")`` creates (or reuses) the user ``test-operator``
    and logs in; it works with CSRF on or off. Users live in the test's
    rolled-back transaction like any other data.
    """

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self._app = app
        self._client = client

    def _context(self) -> Any:
        from contextlib import nullcontext

        from flask import has_app_context

        return nullcontext() if has_app_context() else self._app.app_context()

    def user(
        self,
        role: str = "operator",
        username: str | None = None,
        *,
        password: str = TEST_PASSWORD,
        active: bool = True,
        full_name: str | None = None,
    ) -> Any:
        """The user ``username`` (default ``test-<role>``), created or updated and committed."""
        from webmap.auth.accounts import find_user
        from webmap.models import User

        username = username or f"test-{role}"
        with self._context():
            user = find_user(username) or User(username=username)
            user.role, user.active, user.full_name = role, active, full_name
            user.set_password(password)
            database.session.add(user)
            database.session.commit()
            database.session.refresh(user)  # loaded, so it stays readable once the session closes
            return user

    def csrf_token(self) -> str:
        """A CSRF token of the client's session, read from a page's ``<meta name="csrf-token">``."""
        import re

        for path in ("/auth/login", "/auth/account"):
            response = self._client.get(path)
            if response.status_code == 200:
                found = re.search(r'<meta name="csrf-token" content="([^"]+)"', response.get_data(as_text=True))
                assert found, f"no csrf-token meta tag on {path}"
                return found.group(1)
        raise AssertionError("neither /auth/login nor /auth/account answered 200")

    def post_login(self, username: str, password: str = TEST_PASSWORD, **fields: Any) -> Any:
        """POST the login form as a browser would (with the session's CSRF token); the raw response."""
        data = {"username": username, "password": password, "csrf_token": self.csrf_token(), **fields}
        return self._client.post("/auth/login", data=data)

    def login(
        self,
        role: str = "operator",
        username: str | None = None,
        *,
        password: str = TEST_PASSWORD,
        remember: bool = False,
    ) -> Any:
        """Create the user if needed and log the client in as them; returns the user."""
        self.logout()
        user = self.user(role, username, password=password)
        fields = {"remember": "y"} if remember else {}
        response = self.post_login(user.username, password, **fields)
        assert response.status_code == 302, f"login as {user.username} failed: {response.status_code}"
        return user

    def logout(self) -> None:
        self._client.post("/auth/logout", data={"csrf_token": self.csrf_token()})


@pytest.fixture
def auth(app: Flask, client: FlaskClient) -> AuthActions:
    return AuthActions(app, client)


def until(page: Any, expression: str, timeout: float = 10.0) -> None:
    """Poll a JS expression until it is true (page.evaluate: the CSP forbids wait_for_function's eval)."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)


@pytest.fixture
def logged_in_page(app: Flask, page: Any) -> Callable[..., Any]:
    """``logged_in_page("operator")``: the browser ``page``, logged in through the real login form.

    The user (default ``test-<role>``, password TEST_PASSWORD) is created or updated and committed
    first; ``full_name`` is shown in the top bar. Returns the page, on the page the login led to."""

    def login(role: str = "operator", username: str | None = None, *, full_name: str | None = None) -> Any:
        user = AuthActions(app, app.test_client()).user(role, username, full_name=full_name)
        page.goto(page.base_url + "/auth/login")
        page.fill("#username", user.username)
        page.fill("#password", TEST_PASSWORD)
        page.click("#submit")
        page.wait_for_url(lambda url: "/auth/login" not in url, timeout=10_000)
        return page

    return login
