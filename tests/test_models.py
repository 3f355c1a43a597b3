"""The database itself keeps the data model's rules, not only the Python code."""

from __future__ import annotations

import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import Point, Polygon
from sqlalchemy.exc import IntegrityError

from tests import factories
from webmap.extensions import db
from webmap.models import Appeal, SourceMessage, User, Work


def _fails(obj: object) -> None:
    db.session.add(obj)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_channel_and_external_id_are_unique(app_ctx: None) -> None:
    first = factories.message()
    db.session.flush()
    _fails(
        SourceMessage(
            channel=first.channel, external_id=first.external_id, text="again", posted_at=first.posted_at, raw={}
        )
    )


@pytest.mark.parametrize(
    "values",
    [
        {"status": "lost"},
        {"category_code": "unknown"},
        {"precision": "house"},  # a place precision without a point
        {"confidence": 1.5},
        {"status": "duplicate"},  # a duplicate must name its original
    ],
)
def test_appeal_checks(app_ctx: None, values: dict) -> None:
    fields = {"category_code": "road", "status": "new", "precision": "none", "confidence": 0.0} | values
    _fails(Appeal(**fields))


def test_appeal_point_requires_precision(app_ctx: None) -> None:
    _fails(Appeal(category_code="road", point=from_shape(Point(75.6, 61.74), srid=4326), precision="none"))


def test_work_geometry_is_point_or_line(app_ctx: None) -> None:
    square = Polygon([(75.59, 61.74), (75.6, 61.74), (75.6, 61.75), (75.59, 61.74)])
    _fails(Work(type_code="fence", status="planned", geom=from_shape(square, srid=4326)))
    factories.work(line=[(75.59, 61.74), (75.6, 61.741)], type_code="fence")
    db.session.flush()


def test_done_work_has_a_date(app_ctx: None) -> None:
    _fails(Work(type_code="fence", status="done", geom=from_shape(Point(75.6, 61.74), srid=4326)))


def test_user_role_is_checked(app_ctx: None) -> None:
    _fails(User(username="x", password_hash="x", role="superhero"))


def test_work_links_appeals_both_ways(app_ctx: None) -> None:
    msg = factories.message()
    case = factories.appeal(messages=[msg])
    work = factories.work()
    work.appeals.append(case)
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(Appeal, case.id).works[0].id == work.id
    assert db.session.get(Appeal, case.id).messages[0].text == msg.text


def test_password_is_hashed(app_ctx: None) -> None:
    user = User(username="op", role="operator")
    user.set_password("correct horse")
    assert "correct horse" not in user.password_hash
    assert user.check_password("correct horse") and not user.check_password("wrong")
