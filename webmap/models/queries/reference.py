"""The reference lists admins keep: categories, work types and districts, named in the page's language."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from webmap.extensions import db
from webmap.models.cases import Category
from webmap.models.gazetteer import District
from webmap.models.works import WorkType


def categories() -> Sequence[Category]:
    """Every category, by its Russian name (the admin's list)."""
    return db.session.scalars(select(Category).order_by(Category.name_ru)).all()


def category_choices() -> list[tuple[str, str]]:
    """``(code, name)`` of every category for a select, by name in the page's language."""
    return [(c.code, c.name) for c in db.session.scalars(select(Category).order_by(Category.name))]


def category_names() -> list[dict[str, str]]:
    """``{code, name}`` of every category for a page's script, by name in the page's language."""
    rows = db.session.execute(select(Category.code, Category.name).order_by(Category.name))
    return [{"code": code, "name": name} for code, name in rows]


def work_types() -> Sequence[WorkType]:
    """Every work type, by its Russian name (the admin's list)."""
    return db.session.scalars(select(WorkType).order_by(WorkType.name_ru)).all()


def work_type_choices() -> list[tuple[str, str]]:
    """``(code, name)`` of every work type for a select, in the page's language."""
    return [(t.code, t.name) for t in db.session.scalars(select(WorkType))]


def work_type_names() -> list[dict[str, str]]:
    """``{code, name, icon}`` of every work type for a page's script, by code."""
    rows = db.session.execute(select(WorkType.code, WorkType.name, WorkType.icon).order_by(WorkType.code))
    return [{"code": code, "name": name, "icon": icon} for code, name, icon in rows]


def districts() -> Sequence[District]:
    """Every district by name."""
    return db.session.scalars(select(District).order_by(District.name)).all()
