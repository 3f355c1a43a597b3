"""Admin pages: work types admins add, and each category's answer deadline."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from webmap.extensions import db
from webmap.models import Category, WorkType


@pytest.fixture
def admin(app: Flask, app_ctx: None, auth, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    return auth.login(role="admin")


def test_admin_adds_a_work_type(admin, client: FlaskClient) -> None:
    response = client.post(
        "/admin/work-types",
        data={
            "code": "bench_installed",
            "name_ru": "Установлена скамейка",
            "name_en": "Bench installed",
            "icon": "yard",
        },
    )
    assert response.status_code == 302
    assert db.session.get(WorkType, "bench_installed").name_ru == "Установлена скамейка"
    page = client.get("/admin/work-types").get_data(as_text=True)
    assert "Установлена скамейка" in page
    again = client.post("/admin/work-types", data={"code": "bench_installed", "name_ru": "x", "name_en": "x"})
    assert again.status_code == 400 and "уже есть" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    "data",
    [
        {"code": "Bad Code", "name_ru": "x", "name_en": "x"},
        {"code": "ok_code", "name_ru": "", "name_en": "x"},
        {"code": "ok_code", "name_ru": "<script>alert(1)</script>" * 10, "name_en": "x" * 1_000_000},
        {"code": "x'; DROP TABLE work_types; --", "name_ru": "x", "name_en": "x"},
    ],
)
def test_bad_work_type_is_refused(admin, client: FlaskClient, data: dict) -> None:
    before = db.session.scalars(select(WorkType.code)).all()
    response = client.post("/admin/work-types", data=data)
    assert response.status_code in (400, 413)  # 413: a body larger than any form of ours
    assert "<script>alert(1)" not in response.get_data(as_text=True)
    assert db.session.scalars(select(WorkType.code)).all() == before


def test_category_deadline(admin, client: FlaskClient) -> None:
    assert client.post("/admin/categories", data={"code": "manhole", "deadline_days": "3"}).status_code == 302
    assert db.session.get(Category, "manhole").deadline_days == 3
    assert client.post("/admin/categories", data={"code": "manhole", "deadline_days": "-5"}).status_code == 400
    assert client.post("/admin/categories", data={"code": "nope", "deadline_days": "5"}).status_code == 404
    assert db.session.get(Category, "manhole").deadline_days == 3


def test_only_admins(app: Flask, app_ctx: None, auth, client: FlaskClient) -> None:
    assert client.get("/admin/work-types").status_code == 302
    auth.login(role="operator")
    assert client.get("/admin/work-types").status_code == 403
    assert client.get("/admin/categories").status_code == 403
