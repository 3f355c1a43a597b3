"""The permission matrix: every route of the app, as every audience, against a declared table.

Each rule of ``app.url_map`` (but static files) is requested by an anonymous
visitor and by a logged-in crew member, operator, analyst and admin, with every
method it takes (and with the methods it does not take, which must give 405).
The answers must be those declared in MATRIX below.

**Adding a route?** Declare it in MATRIX (and, if its URL has a variable that
SEEDS does not know, give the value in ARGS); the test names what is missing.

Expectations: a status code (200, 401, 403, 404 ...), LOGIN (a redirect to the login
page) or PASSES (got through the access check: neither LOGIN, 401, 403, 405 nor
5xx; for POSTs whose answer depends on the body sent, here an empty one).
Requests carry a valid CSRF token: this is about roles; test_security.py is about CSRF.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Rule

from tests import factories
from tests.conftest import AuthActions
from webmap.extensions import db
from webmap.models import WorkPhoto
from webmap.models.constants import ROLES

ANONYMOUS = "anonymous"
AUDIENCES = (ANONYMOUS, *ROLES)
LOGIN = "redirect to login"
PASSES = "passes the access check"
Expect = int | str
Row = dict[str, Expect]
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
LAST = ("auth.logout",)  # walked last: it ends the session


def everyone(expect: Expect = 200) -> Row:
    return dict.fromkeys(AUDIENCES, expect)


def logged_in(expect: Expect = 200) -> Row:
    """Any logged-in user; anonymous visitors go to the login page."""
    return {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, expect)}


def only(*roles: str, ok: Expect = 200) -> Row:
    """These roles (and admin) get ``ok``; other users 403; anonymous visitors go to the login page."""
    assert set(roles) <= set(ROLES), roles
    return {ANONYMOUS: LOGIN, **{r: ok if r in roles or r == "admin" else 403 for r in ROLES}}


def api_only(*roles: str, ok: Expect = 200) -> Row:
    """Like ``only``, for a JSON API: anonymous callers get 401 rather than a redirect."""
    return {**only(*roles, ok=ok), ANONYMOUS: 401}


# endpoint -> method -> audience -> expectation
MATRIX: dict[str, dict[str, Row]] = {
    # public pages and public API: the same for all
    "public.index": {"GET": everyone()},
    "api.base_districts": {"GET": everyone()},
    "api.base_landmarks": {"GET": everyone()},
    "api.base_streets": {"GET": everyone(400)},  # needs a bbox
    "api.base_houses": {"GET": everyone(400)},  # needs a bbox
    "api.features": {"GET": everyone(400)},  # needs a bbox
    "api.feature": {"GET": everyone()},
    "api.photo": {"GET": everyone(404)},  # the seeded photo has no file
    "dashboard.public_geojson": {"GET": everyone()},
    "ops.healthz": {"GET": everyone()},
    # the API's OpenAPI document and its page; Open311 GeoReport v2 (POST needs an API key, not a login)
    "api.openapi": {"GET": everyone()},
    "api.docs": {"GET": everyone()},
    "open311.discovery": {"GET": everyone()},
    "open311.services": {"GET": everyone()},
    "open311.service_definition": {"GET": everyone()},
    "open311.list_requests": {"GET": everyone()},
    "open311.create_request": {"POST": everyone(403)},
    "open311.one_request": {"GET": everyone(404)},  # the seeded case is new: not public
    "open311.token": {"GET": everyone(404)},
    "open311.unknown": {"GET": everyone(404)},
    # auth
    "auth.login": {
        "GET": {ANONYMOUS: 200, **dict.fromkeys(ROLES, 302)},
        "POST": {ANONYMOUS: 200, **dict.fromkeys(ROLES, 302)},
    },  # empty form: errors
    "auth.account": {"GET": logged_in()},
    "auth.logout": {"POST": everyone(302)},
    # admin
    "admin.categories": {"GET": only("admin"), "POST": only("admin", ok=PASSES)},
    "admin.work_types": {"GET": only("admin"), "POST": only("admin", ok=PASSES)},
    "admin.users": {"GET": only("admin")},
    "admin.user_create": {"POST": only("admin", ok=PASSES)},
    "admin.user_role": {"POST": only("admin", ok=PASSES)},
    "admin.user_active": {"POST": only("admin", ok=PASSES)},
    "admin.user_password": {"POST": only("admin", ok=PASSES)},
    "dashboard.districts": {"GET": only("admin"), "POST": only("admin", ok=PASSES)},
    "admin.sources": {"GET": only("admin"), "POST": only("admin", ok=PASSES)},
    "admin.source_action": {"POST": only("admin", ok=PASSES)},
    "admin.answer_templates": {"GET": only("admin"), "POST": only("admin", ok=PASSES)},
    "admin.answer_template_edit": {"GET": only("admin", ok=404), "POST": only("admin", ok=404)},
    "admin.answer_template_delete": {"POST": only("admin", ok=404)},
    # webhooks the channels call: authenticated by their secret, not by a login
    "hooks.vk_callback": {"POST": everyone(400)},  # an empty body is not an event
    "hooks.telegram_webhook": {"POST": everyone(404)},  # not this secret
    # operators
    "operator.queue": {"GET": only("operator")},
    "operator.case_page": {"GET": only("operator")},
    "operator.change_case_category": {"POST": only("operator", ok=PASSES)},
    "operator.merge": {"POST": only("operator", ok=PASSES)},
    "operator.place": {"POST": only("operator", ok=PASSES)},
    "operator.split": {"POST": only("operator", ok=PASSES)},
    "operator.change_case_status": {"POST": only("operator", ok=PASSES)},
    "operator.new_work": {"POST": only("operator", ok=PASSES)},
    "operator.answer": {"POST": only("operator", ok=PASSES)},
    "operator.answer_retry": {"POST": only("operator", ok=404)},  # no such answer
    "operator.intake": {"GET": only("operator"), "POST": only("operator", ok=PASSES)},
    "operator.photo": {"GET": only("operator", ok=404)},  # the seeded photo has no file
    "operator.works": {"GET": only("operator")},
    "operator.work_page": {"GET": only("operator")},
    "operator.work_crew": {"POST": only("operator", ok=PASSES)},
    "operator.work_photo": {"POST": only("operator", ok=PASSES)},
    "operator.work_status": {"POST": only("operator", ok=PASSES)},
    "operator.map_page": {"GET": only("operator")},
    "api.operator_features": {"GET": api_only("operator", ok=400)},  # needs a bbox
    "api.operator_heat": {"GET": api_only("operator", ok=400)},  # needs a bbox
    "api.operator_unplaced": {"GET": api_only("operator")},
    "api.place": {"POST": api_only("operator", ok=PASSES)},
    # crews
    "crew.index": {"GET": only("crew")},
    "crew.done": {"POST": only("crew", ok=PASSES)},
    "api.crew_works": {"GET": api_only("crew")},
    # the district dashboard: analysts and operators
    "dashboard.index": {"GET": only("analyst", "operator")},
    "dashboard.cases": {"GET": only("analyst", "operator")},
    "dashboard.map_data": {"GET": only("analyst", "operator")},
    "dashboard.hotspots": {"GET": only("analyst", "operator")},
    "dashboard.hotspot": {"GET": only("analyst", "operator", ok=404)},  # no hotspot in the seed
    "dashboard.receptions": {"GET": only("analyst", "operator")},
    "dashboard.report": {"GET": only("analyst", "operator")},
    "dashboard.map_document": {"GET": only("analyst", "operator")},
    "dashboard.export": {"GET": only("analyst", "operator")},
}

# Values of URL variables for one endpoint; other variables come from SEEDS by name.
ARGS: dict[str, dict[str, object]] = {
    "dashboard.export": {"name": "categories", "fmt": "csv"},
    "api.feature": {"kind": "work"},
    "hooks.telegram_webhook": {"secret": "not-the-secret"},
    "admin.user_role": {"user_id": 999999},
    "admin.user_active": {"user_id": 999999},
    "admin.user_password": {"user_id": 999999},
    "open311.discovery": {"fmt": "json"},
    "open311.services": {"fmt": "xml"},
    "open311.service_definition": {"code": "road", "fmt": "json"},
    "open311.list_requests": {"fmt": "json"},
    "open311.create_request": {"fmt": "json"},
    "open311.one_request": {"request_id": "1", "fmt": "xml"},
    "open311.token": {"token": "no-such-token", "fmt": "json"},
    "open311.unknown": {"rest": "no/such/thing"},
    "admin.answer_template_edit": {"template_id": 999999},
    "admin.answer_template_delete": {"template_id": 999999},
    "operator.answer_retry": {"answer_id": 999999},
}
SEEDED = ("appeal_id", "case_id", "work_id", "item_id", "photo_id", "rank")


@pytest.fixture
def seeds(app_ctx: None) -> dict[str, object]:
    """URL variables by name, pointing at objects that exist."""
    appeal = factories.appeal(messages=[factories.message()])
    work = factories.work()
    db.session.flush()
    photo = WorkPhoto(work_id=work.id, stage="after", path="permissions-matrix-missing.jpg")
    db.session.add(photo)
    db.session.commit()
    values = {
        "appeal_id": appeal.id,
        "case_id": appeal.id,
        "work_id": work.id,
        "item_id": work.id,
        "photo_id": photo.id,
        "rank": 1,
    }
    assert set(values) == set(SEEDED)
    return values


def _rules(app: Flask) -> list[Rule]:
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static" and not r.endpoint.endswith(".static")]
    return sorted(rules, key=lambda r: (r.endpoint in LAST, r.rule))


def _methods(rule: Rule) -> set[str]:
    return set(rule.methods or ()) - {"HEAD", "OPTIONS"}


def _path(rule: Rule, seeds: dict[str, object]) -> str:
    values = {**{k: seeds[k] for k in rule.arguments if k in seeds}, **ARGS.get(rule.endpoint, {})}
    missing = set(rule.arguments) - set(values)
    assert not missing, (
        f"{rule.rule} ({rule.endpoint}) has URL variables {sorted(missing)}: give their values "
        f"in ARGS of tests/test_permissions.py, or seed them in the `seeds` fixture"
    )
    built = rule.build(values, append_unknown=False)
    assert built is not None, f"cannot build {rule.rule} from {values}"
    return built[1]


def _answer(response) -> Expect:
    if response.status_code in (301, 302, 303, 307, 308):
        if urlsplit(response.headers.get("Location", "")).path == "/auth/login":
            return LOGIN
    return response.status_code


def _matches(expect: Expect, got: Expect) -> bool:
    if expect == PASSES:
        return got != LOGIN and isinstance(got, int) and got not in (401, 403, 405) and got < 500
    return expect == got


def _not_allowed(app: Flask, path: str) -> Iterable[str]:
    adapter = app.url_map.bind("localhost")
    for method in METHODS:
        try:
            adapter.match(path, method=method)
        except MethodNotAllowed:
            yield method
        except NotFound:
            pass
        except Exception:  # a redirect or another routing outcome: that method is taken
            pass


def test_every_route_is_declared(app: Flask) -> None:
    problems = []
    for rule in _rules(app):
        declared = MATRIX.get(rule.endpoint)
        if declared is None:
            problems.append(
                f"{rule.endpoint} ({rule.rule}, {'/'.join(sorted(_methods(rule)))}) is not declared: add it to "
                f"MATRIX in tests/test_permissions.py with what anonymous, crew, operator, analyst and admin "
                f'get, e.g. "{rule.endpoint}": {{"GET": only("operator")}}'
            )
        elif set(declared) != _methods(rule):
            problems.append(
                f"{rule.endpoint} ({rule.rule}) takes {sorted(_methods(rule))} but MATRIX declares {sorted(declared)}"
            )
        else:
            for method, row in declared.items():
                if set(row) != set(AUDIENCES):
                    problems.append(f"{rule.endpoint} {method}: declare exactly {AUDIENCES}, not {sorted(row)}")
    assert not problems, "\n".join(problems)


def test_no_stale_declarations(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in _rules(app)}
    stale = sorted(set(MATRIX) - endpoints)
    assert not stale, f"MATRIX declares routes that no longer exist: {stale}; remove them"


def _walk(app: Flask, client: FlaskClient, audience: str, seeds: dict[str, object], token: str) -> list[str]:
    wrong = []
    headers = {"X-CSRFToken": token}
    rules = [r for r in _rules(app) if r.endpoint in MATRIX]
    # GETs first: a POST may change what later pages show
    calls = [(rule, m) for rule in rules for m in sorted(_methods(rule)) if m == "GET"]
    calls += [(rule, m) for rule in rules for m in sorted(_methods(rule)) if m != "GET"]
    calls.sort(key=lambda call: call[0].endpoint in LAST)
    for rule, method in calls:
        path = _path(rule, seeds)
        expect = MATRIX[rule.endpoint][method][audience]
        got = _answer(client.open(path, method=method, headers=headers))
        if not _matches(expect, got):
            wrong.append(f"{method} {path} ({rule.endpoint}) as {audience}: expected {expect}, got {got}")
    for rule in rules:
        if rule.endpoint in LAST:
            continue
        path = _path(rule, seeds)
        for method in _not_allowed(app, path):
            got = _answer(client.open(path, method=method, headers=headers))
            if got != 405:
                wrong.append(f"{method} {path} ({rule.endpoint}) as {audience}: expected 405, got {got}")
    return wrong


@pytest.mark.parametrize("audience", AUDIENCES)
def test_permission_matrix(
    app: Flask, client: FlaskClient, auth: AuthActions, seeds: dict[str, object], audience: str
) -> None:
    if audience != ANONYMOUS:
        auth.login(audience)
    wrong = _walk(app, client, audience, seeds, auth.csrf_token())
    assert not wrong, "answers that differ from MATRIX in tests/test_permissions.py:\n" + "\n".join(wrong)


def test_a_disabled_users_session_is_anonymous_everywhere(
    app: Flask, client: FlaskClient, auth: AuthActions, seeds: dict[str, object]
) -> None:
    user = auth.login("admin")
    token = auth.csrf_token()
    auth.user("admin", user.username, active=False)
    wrong = _walk(app, client, ANONYMOUS, seeds, token)
    assert not wrong, "\n".join(wrong)
