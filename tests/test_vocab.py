"""One vocabulary per list of codes: the database, the workflow and every page agree on it."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, refresh
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests import factories as seed
from webmap.errors import InvalidTransition
from webmap.extensions import db
from webmap.models import Category, User
from webmap.models.names import localized_name
from webmap.models.vocab import (
    APPEAL_STATUS,
    CHANNEL,
    CLOSED,
    OPEN,
    PUBLIC,
    WORK_STATUS,
    Vocabulary,
    default_work_type,
    term,
)
from webmap.services.workflow import change_status


def check_of(table: str, name: str) -> str:
    return db.session.execute(
        text(
            "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "WHERE t.relname = :t AND c.conname = :n"
        ),
        {"t": table, "n": name},
    ).scalar_one()


@pytest.mark.parametrize(
    ("table", "name", "vocabulary"),
    [("appeals", "ck_appeals_status", APPEAL_STATUS), ("works", "ck_works_status", WORK_STATUS)],
)
def test_database_checks_hold_exactly_the_vocabulary(
    app_ctx: None, table: str, name: str, vocabulary: Vocabulary
) -> None:
    definition = check_of(table, name)
    for code in vocabulary:
        assert f"'{code}'" in definition
    assert definition.count("'") == 2 * len(vocabulary.codes)


def test_a_status_outside_the_vocabulary_is_refused_by_the_database(app_ctx: None) -> None:
    case = seed.appeal()
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(text("UPDATE appeals SET status = 'fixed' WHERE id = :id"), {"id": case.id})


def test_groups_split_the_statuses() -> None:
    assert set(APPEAL_STATUS.group(OPEN)) | set(APPEAL_STATUS.group(CLOSED)) == set(APPEAL_STATUS.codes)
    assert not set(APPEAL_STATUS.group(OPEN)) & set(APPEAL_STATUS.group(CLOSED))
    assert "new" not in APPEAL_STATUS.group(PUBLIC) and "rejected" not in APPEAL_STATUS.group(PUBLIC)
    assert CHANNEL.group(PUBLIC) == ("vk", "telegram", "ok")


def test_workflow_follows_the_vocabulary_moves(app_ctx: None) -> None:
    case = seed.appeal(status="done")
    db.session.flush()
    with pytest.raises(InvalidTransition):
        change_status(case, "rejected", None)  # a done case may only be reopened
    change_status(case, "accepted", None)
    assert case.status == "accepted" and case.closed_at is None


def test_a_move_to_an_unknown_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown codes"):
        Vocabulary("broken", term("a", "a", moves={"b"}))


def test_unknown_code_is_shown_as_itself(app: Flask) -> None:
    with app.test_request_context("/"):
        assert APPEAL_STATUS.label("done") == "выполнено"
        assert APPEAL_STATUS.label("added_later") == "added_later"
        assert APPEAL_STATUS.label(None) == "—"
    with app.test_request_context("/"), force_locale("en"):
        assert APPEAL_STATUS.label("done") == "done"
        assert WORK_STATUS.label("planned") == "planned"


def test_the_public_popup_and_the_operator_queue_name_a_done_case_alike(
    app_ctx: None, client: FlaskClient, auth
) -> None:
    case = seed.appeal(*seed.SCHOOL_2, status="done", messages=[seed.message()])
    db.session.flush()
    popup = client.get(f"/api/features/case/{case.id}").get_json()["properties"]
    assert popup["status_label"] == "выполнено" and popup["when"].startswith("выполнено ")
    assert "решено" not in str(popup)
    auth.login("operator")
    queue = client.get("/operator/?status=done").get_data(as_text=True)
    assert "выполнено" in queue and "решено" not in queue


def test_names_follow_the_page_language(app: Flask) -> None:
    category = Category(code="x", name_ru="Ямы", name_en="Potholes")
    with app.test_request_context("/"), force_locale("en"):
        assert category.name == "Potholes" == localized_name(category)
        assert localized_name({"code": "y", "name_ru": "Снег", "name_en": None}) == "Снег"
    with app.test_request_context("/"):
        assert category.name == "Ямы"
        assert localized_name({"code": "y"}) == "y"


def test_operator_pages_name_categories_in_english(app_ctx: None, client: FlaskClient, auth) -> None:
    user: User = auth.login("operator")
    assert user.role == "operator"
    case = seed.appeal(category="streetlight", status="new", messages=[seed.message()])
    db.session.flush()
    refresh()  # the app context (and its cached locale) is shared with the login's requests
    page = client.get(f"/operator/cases/{case.id}?lang=en").get_data(as_text=True)
    assert "Street lighting" in page and "Уличное освещение" not in page
    refresh()
    assert "Уличное освещение" in client.get(f"/operator/cases/{case.id}").get_data(as_text=True)


def test_a_new_work_starts_with_the_type_that_answers_the_category(app_ctx: None, client: FlaskClient, auth) -> None:
    assert default_work_type("streetlight") == "streetlight"
    assert default_work_type("snow") == "snow"  # no seeded type: one an admin may add under that code
    auth.login("operator")
    case = seed.appeal(category="fence", status="new", messages=[seed.message()])
    db.session.flush()
    page = client.get(f"/operator/cases/{case.id}").get_data(as_text=True)
    assert '<option selected value="fence">' in page


def test_the_open_cases_index_covers_exactly_the_open_statuses(app_ctx: None) -> None:
    predicate = db.session.execute(
        text(
            "SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = 'ix_appeals_point_open'"
        )
    ).scalar_one()
    assert sorted(code for code in APPEAL_STATUS if f"'{code}'" in predicate) == sorted(APPEAL_STATUS.group(OPEN))
