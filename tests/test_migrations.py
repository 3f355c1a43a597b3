"""Migrations: upgrade an empty database, downgrade to base, upgrade again, and
check that the models and the migrations describe the same schema."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from geoalchemy2 import alembic_helpers
from sqlalchemy import inspect, text

from tests.conftest import TEST_DATABASE_URL, recreate_database
from webmap import create_app
from webmap.config import sqlalchemy_url
from webmap.extensions import db

TABLES = {
    "districts",
    "streets",
    "addresses",
    "landmarks",
    "source_messages",
    "appeals",
    "works",
    "work_types",
    "work_appeals",
    "work_photos",
    "users",
    "answers",
    "answer_templates",
    "status_changes",
    "categories",
    "login_attempts",
    "sources",
    "message_revisions",
    "hook_events",
    "user_changes",
    "category_examples",
    "api_keys",
}


@pytest.fixture(scope="module")
def scratch_app() -> Iterator[Flask]:
    url = TEST_DATABASE_URL + "_migrations"
    recreate_database(url)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url)})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"spatial_ref_sys", "alembic_version"}


def _schema_diff() -> list:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={
                "include_object": alembic_helpers.include_object,
                "compare_type": True,
            },
        )
        return compare_metadata(ctx, db.metadata)


def test_upgrade_downgrade_upgrade(scratch_app: Flask) -> None:
    upgrade()
    assert _tables() == TABLES
    with db.engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM categories")) == 12
        assert conn.scalar(text("SELECT count(*) FROM work_types")) >= 5
    with db.engine.connect() as conn:  # the monitor's job queue lives in a schema of its own
        assert "procrastinate_jobs" in set(inspect(conn).get_table_names(schema="procrastinate"))
    downgrade(revision="base")
    assert _tables() == set()
    assert "procrastinate" not in inspect(db.engine).get_schema_names()
    upgrade()
    assert _tables() == TABLES
    assert _schema_diff() == []


def test_spatial_columns_have_gist_indexes(scratch_app: Flask) -> None:
    upgrade()
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT f_table_name, f_geometry_column, srid FROM geometry_columns ORDER BY 1")).all()
        indexed = {
            r[0] for r in conn.execute(text("SELECT tablename FROM pg_indexes WHERE indexdef ILIKE '%USING gist%'"))
        }
    assert {r[0] for r in rows} == {"addresses", "appeals", "districts", "landmarks", "streets", "works"}
    assert {r[2] for r in rows} == {4326}
    assert {r[0] for r in rows} <= indexed


def test_received_by_is_filled_in_from_raw_records_imported_before(scratch_app: Flask) -> None:
    """Reception messages stored before the column existed get it from their raw row, whatever the header."""
    downgrade(revision="base")
    upgrade(revision="0003")
    rows = {
        "plain": ("reception", {"received_by": " Глава города ", "visitor": "А"}),
        "russian": ("reception", {"\ufeffКто принял:": "Заместитель главы", "Вопрос": "свет"}),
        "blank": ("reception", {"Принял": "  ", "Вопрос": "вода"}),
        "other channel": ("vk", {"received_by": "не приём"}),
        "not an object": ("reception", ["Принял", "Глава"]),
    }
    with db.engine.begin() as conn:
        for ext, (channel, raw) in rows.items():
            conn.execute(
                text(
                    "INSERT INTO source_messages (channel, external_id, text, posted_at, raw) "
                    "VALUES (:c, :e, 'текст', now(), CAST(:r AS jsonb))"
                ),
                {"c": channel, "e": ext, "r": json.dumps(raw, ensure_ascii=False)},
            )
    upgrade()
    with db.engine.connect() as conn:
        got = dict(conn.execute(text("SELECT external_id, received_by FROM source_messages")).all())
    assert got == {
        "plain": "Глава города",
        "russian": "Заместитель главы",
        "blank": None,
        "other channel": None,
        "not an object": None,
    }
    downgrade(revision="base")
    upgrade()


def test_case_channels_are_filled_in_from_messages_stored_before(scratch_app: Flask) -> None:
    """Cases stored before appeals.channels existed get the distinct channels of their messages."""
    downgrade(revision="base")
    upgrade(revision="0014_region_indexes")
    with db.engine.begin() as conn:
        ids = [
            conn.scalar(
                text(
                    "INSERT INTO appeals (category_code, status, precision) VALUES ('road', 'new', 'none') RETURNING id"
                )
            )
            for _ in range(3)
        ]
        for n, (channel, case) in enumerate([("vk", 0), ("phone", 0), ("vk", 0), ("pos", 1), (None, None)]):
            conn.execute(
                text(
                    "INSERT INTO source_messages (channel, external_id, text, posted_at, raw, appeal_id) "
                    "VALUES (:c, :e, 'текст', now(), '{}', :a)"
                ),
                {"c": channel or "telegram", "e": f"m{n}", "a": ids[case] if case is not None else None},
            )
    upgrade()
    with db.engine.connect() as conn:
        got = [conn.scalar(text("SELECT channels FROM appeals WHERE id = :i"), {"i": i}) for i in ids]
    assert got == [["phone", "vk"], ["pos"], []]
    downgrade(revision="base")
    upgrade()
