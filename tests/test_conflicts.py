"""Two people saving the same case or work: the second gets 409 and a clear message, nothing is overwritten."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from tests import factories
from webmap.extensions import db
from webmap.models import Appeal, Work

CHANGED = "изменен"  # «уже изменено/изменена другим пользователем»


@pytest.fixture
def operator(app: Flask, app_ctx: None, auth: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    return auth.login(role="operator")


def _saved_meanwhile(table: str, row_id: int) -> None:
    """Another operator's save, committed between this request's read and its write."""
    db.session.execute(text(f"UPDATE {table} SET version = version + 1 WHERE id = :id"), {"id": row_id})


def _racing(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, table: str) -> None:
    """Make ``module.name`` run just after someone else saved the same row."""
    real: Callable[..., Any] = getattr(module, name)

    def late(subject: Any, *args: Any, **kwargs: Any) -> Any:
        _saved_meanwhile(table, subject.id)
        return real(subject, *args, **kwargs)

    monkeypatch.setattr(module, name, late)


def test_concurrent_saves_of_a_case_form_are_a_409_not_a_500(
    operator: Any, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import webmap.operator.views as views

    case = factories.appeal(messages=[factories.message()])
    db.session.commit()
    _racing(monkeypatch, views, "set_category", "appeals")
    response = client.post(f"/operator/cases/{case.id}/category", data={"category": "snow", "version": case.version})
    page = response.get_data(as_text=True)
    assert response.status_code == 409, page
    assert "другим пользователем" in page and "обновите страницу" in page
    db.session.expire_all()
    assert db.session.get(Appeal, case.id).category_code == "road"


def test_concurrent_status_saves_are_a_409(operator: Any, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import webmap.operator.views as views

    case = factories.appeal(messages=[factories.message()])
    db.session.commit()
    _racing(monkeypatch, views, "change_status", "appeals")
    response = client.post(f"/operator/cases/{case.id}/status", data={"status": "accepted", "version": case.version})
    assert response.status_code == 409
    assert "другим пользователем" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Appeal, case.id).status == "new"


def test_the_conflict_message_speaks_english_too(app: Flask) -> None:
    from flask_babel import refresh

    from webmap.errors import Conflict

    with app.test_request_context("/?lang=en"):
        refresh()  # the locale is cached on the app context, which the test fixtures share
        assert (
            Conflict("case_changed", id=7).message() == "Case 7 was already changed by someone else; reload the page."
        )
    with app.test_request_context("/"):
        refresh()
        assert Conflict("case_changed", id=7).message().startswith("Обращение №7 уже изменено другим пользователем")


def _work() -> Work:
    case = factories.appeal(category="streetlight", messages=[factories.message("Не горит фонарь")])
    work = factories.work(type_code="streetlight", status="planned", note=None)
    work.appeals.append(case)
    db.session.commit()
    return work


def test_work_forms_carry_the_version(operator: Any, client: FlaskClient) -> None:
    work = _work()
    page = client.get(f"/operator/works/{work.id}").get_data(as_text=True)
    assert page.count(f'name="version" type="hidden" value="{work.version}"') == 2


def test_a_stale_work_status_form_is_a_409(operator: Any, client: FlaskClient) -> None:
    work = _work()
    seen = work.version
    assert (
        client.post(f"/operator/works/{work.id}/status", data={"status": "in_work", "version": seen}).status_code == 302
    )
    stale = client.post(
        f"/operator/works/{work.id}/status", data={"status": "done", "public_note": "Готово", "version": seen}
    )
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and f"Работа №{work.id} уже изменена другим пользователем" in page
    db.session.expire_all()
    work = db.session.get(Work, work.id)
    assert work.status == "in_work" and work.public_note is None and work.appeals[0].status == "new"  # not closed


def test_a_stale_crew_form_is_a_409(operator: Any, client: FlaskClient, auth: Any) -> None:
    work = _work()
    first, second = auth.user(role="crew", username="brigada-1"), auth.user(role="crew", username="brigada-2")
    seen = work.version
    assert (
        client.post(f"/operator/works/{work.id}/crew", data={"crew_id": first.id, "version": seen}).status_code == 302
    )
    stale = client.post(f"/operator/works/{work.id}/crew", data={"crew_id": second.id, "version": seen})
    assert stale.status_code == 409 and "другим пользователем" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Work, work.id).crew_id == first.id


def test_a_work_form_without_a_version_is_refused(operator: Any, client: FlaskClient) -> None:
    work = _work()
    assert client.post(f"/operator/works/{work.id}/status", data={"status": "in_work"}).status_code == 400
    assert client.post(f"/operator/works/{work.id}/crew", data={"crew_id": 0, "version": "x"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Work, work.id).status == "planned"


def test_concurrent_work_saves_are_a_409(operator: Any, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import webmap.operator.works as works

    work = _work()
    _racing(monkeypatch, works, "set_work_status", "works")
    response = client.post(f"/operator/works/{work.id}/status", data={"status": "in_work", "version": work.version})
    assert response.status_code == 409 and "другим пользователем" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Work, work.id).status == "planned"


def test_crew_assignment_is_in_the_trail(operator: Any, client: FlaskClient, auth: Any) -> None:
    from sqlalchemy import select

    from webmap.models import StatusChange

    work = _work()
    crew = auth.user(role="crew", username="brigada-3")
    client.post(f"/operator/works/{work.id}/crew", data={"crew_id": crew.id, "version": work.version})
    change = db.session.scalar(
        select(StatusChange).where(StatusChange.work_id == work.id, StatusChange.field == "crew")
    )
    assert change is not None and change.new_value == str(crew.id) and change.user_id == operator.id


def test_concurrent_placing_through_the_api_is_a_409(
    app: Flask, app_ctx: None, client: FlaskClient, auth: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import webmap.api.operator as api

    case = factories.appeal(None, None)
    db.session.commit()
    auth.login("operator")
    _racing(monkeypatch, api, "place_case", "appeals")
    response = client.post(
        f"/api/cases/{case.id}/place",
        json={"lon": 75.595, "lat": 61.742, "version": case.version},
        headers={"X-CSRFToken": auth.csrf_token()},
    )
    assert response.status_code == 409 and response.get_json()["error"] == "conflict"
    assert "другим пользователем" in response.get_json()["message"]
