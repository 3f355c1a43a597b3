"""The staff the pages list: crews to assign works to."""

from __future__ import annotations

from sqlalchemy import select

from webmap.extensions import db
from webmap.models.users import User


def crew_choices(none_label: str) -> list[tuple[int, str]]:
    """``(id, name)`` of every active crew by username, after ``(0, none_label)`` (no crew)."""
    crews = db.session.scalars(select(User).where(User.role == "crew", User.active.is_(True)).order_by(User.username))
    return [(0, none_label)] + [(u.id, u.full_name or u.username) for u in crews]
