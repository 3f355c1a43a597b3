"""/admin/templates: admins keep the answer templates; the best one is chosen and filled."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests import factories
from webmap.extensions import db
from webmap.models import AnswerTemplate
from webmap.services.answers import best_template, draft, fill


def _token(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found, "no csrf_token in the form"
    return found.group(1)


@pytest.fixture
def admin(app_ctx: None, auth):
    return auth.login(role="admin")


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(AnswerTemplate)) or 0


def test_admin_adds_edits_and_deletes_a_template(admin, client: FlaskClient) -> None:
    token = _token(client, "/admin/templates")
    text = "Обращение №{номер} по адресу {адрес} принято, срок — {срок}."
    response = client.post(
        "/admin/templates", data={"csrf_token": token, "category": "road", "status": "new", "text": text}
    )
    assert response.status_code == 302
    template = db.session.scalars(select(AnswerTemplate)).one()
    assert (template.category_code, template.status, template.text) == ("road", "new", text)
    page = client.get("/admin/templates").get_data(as_text=True)
    assert "Обращение №{номер}" in page

    edit = f"/admin/templates/{template.id}"
    assert "Обращение №{номер}" in client.get(edit).get_data(as_text=True)
    response = client.post(edit, data={"csrf_token": token, "category": "", "status": "", "text": "Спасибо!"})
    assert response.status_code == 302
    db.session.refresh(template)
    assert (template.category_code, template.status, template.text) == (None, None, "Спасибо!")

    assert client.post(f"{edit}/delete", data={}).status_code == 400  # no CSRF token: kept
    assert _count() == 1
    assert client.post(f"{edit}/delete", data={"csrf_token": token}).status_code == 302
    assert _count() == 0
    assert client.get(edit).status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"category": "road", "status": "new", "text": ""},  # empty
        {"category": "road", "status": "new", "text": "x" * 5000},  # too long
        {"category": "'; DROP TABLE answer_templates; --", "status": "new", "text": "ok"},  # not a category
        {"category": "road", "status": "<script>", "text": "ok"},  # not a status
    ],
)
def test_bad_templates_are_refused_and_nothing_is_stored(admin, client: FlaskClient, data: dict[str, str]) -> None:
    token = _token(client, "/admin/templates")
    response = client.post("/admin/templates", data={"csrf_token": token, **data})
    assert response.status_code == 400
    assert _count() == 0


def test_template_without_csrf_is_refused(admin, client: FlaskClient) -> None:
    response = client.post("/admin/templates", data={"category": "road", "status": "new", "text": "ok"})
    assert response.status_code == 400
    assert _count() == 0


def test_html_in_a_template_is_shown_as_text(admin, client: FlaskClient) -> None:
    token = _token(client, "/admin/templates")
    evil = '<script>alert("x")</script> {номер}'
    client.post("/admin/templates", data={"csrf_token": token, "category": "", "status": "", "text": evil})
    page = client.get("/admin/templates").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(" in page


def test_operator_may_not_manage_templates(app_ctx: None, auth, client: FlaskClient) -> None:
    auth.login(role="operator")
    assert client.get("/admin/templates").status_code == 403


def test_the_best_template_is_category_and_status_then_category_then_status_then_any(app_ctx: None) -> None:
    def add(category: str | None, status: str | None) -> AnswerTemplate:
        template = AnswerTemplate(category_code=category, status=status, text=f"{category}/{status}")
        db.session.add(template)
        db.session.flush()
        return template

    assert best_template("road", "new") is None
    anything = add(None, None)
    assert best_template("road", "new") is anything
    by_status = add(None, "new")
    assert best_template("road", "new") is by_status
    assert best_template("road", "done") is anything
    by_category = add("road", None)
    assert best_template("road", "new") is by_category
    both = add("road", "new")
    assert best_template("road", "new") is both
    assert best_template("road", "done") is by_category
    assert best_template("snow", "new") is by_status
    assert best_template("snow", "done") is anything


def test_placeholders_are_filled_from_the_case(app: Flask, app_ctx: None) -> None:
    case = factories.appeal(category="road", status="in_work")
    case.address = "улица Мира, 5"
    case.deadline = datetime(2026, 12, 31, 19, 30, tzinfo=UTC)  # 1 January in UTC+5
    work = factories.work(type_code="road", status="in_work")
    work.appeals.append(case)
    db.session.flush()
    text = fill("№{номер}, {адрес}, до {срок}: {работа} ({категория}); {лишнее} {0}", case)
    assert text == (
        f"№{case.id}, улица Мира, 5, до 01.01.2027: Отремонтирована дорога (Дороги, ямы, тротуары); {{лишнее}} {{0}}"
    )
    db.session.add(AnswerTemplate(category_code="road", status="in_work", text="Работы по №{номер} начаты."))
    db.session.flush()
    assert draft(case) == f"Работы по №{case.id} начаты."
