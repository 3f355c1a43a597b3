"""Operating webmap: /healthz tells the truth, request logs hold no personal data, backups round-trip."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.conftest import TEST_DATABASE_URL, recreate_database
from webmap import create_app
from webmap.config import sqlalchemy_url
from webmap.extensions import db
from webmap.ops.logs import REQUEST_LOGGER, JsonFormatter

RESTORE_URL = TEST_DATABASE_URL.rsplit("/", 1)[0] + "/webmap_test_restore"


# -- /healthz ----------------------------------------------------------------------------------------


def test_healthz_says_the_database_is_migrated(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["db"] == "ok" and body["migrations"] == "head"
    assert "worker" in body and (body["worker"] is None or "T" in body["worker"])
    assert set(body) == {"db", "migrations", "worker"}  # nothing else: no names, counts or settings


def test_healthz_gives_the_workers_last_heartbeat(app: Flask, committed: None, client: FlaskClient) -> None:
    from sqlalchemy import text

    with app.app_context():
        db.session.execute(text("DELETE FROM procrastinate.procrastinate_workers"))
        db.session.execute(
            text("INSERT INTO procrastinate.procrastinate_workers (last_heartbeat) VALUES ('2026-12-01T10:00:00+00')")
        )
        db.session.commit()
    try:
        assert client.get("/healthz").get_json()["worker"].startswith("2026-12-01T10:00:00")
    finally:
        with app.app_context():
            db.session.execute(text("DELETE FROM procrastinate.procrastinate_workers"))
            db.session.commit()


def test_healthz_is_503_on_an_unmigrated_database() -> None:
    url = TEST_DATABASE_URL.rsplit("/", 1)[0] + "/webmap_test_unmigrated"
    recreate_database(url)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url)})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["migrations"] == "none"
    with app.app_context():
        db.engine.dispose()


def test_healthz_is_503_when_the_database_is_down() -> None:
    url = "postgresql+psycopg2://webmap:webmap@127.0.0.1:1/webmap"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["db"] == "unavailable"


# -- request logs ------------------------------------------------------------------------------------


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, Any]] = []
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def request_lines() -> Any:
    handler = _Lines()
    logger = logging.getLogger(REQUEST_LOGGER)
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def test_one_json_line_per_request_without_personal_data(
    app: Flask, client: FlaskClient, auth: Any, request_lines: list[dict[str, Any]]
) -> None:
    user = auth.login("operator")
    request_lines.clear()
    client.get("/api/features/work/999999?token=SECRET-TOKEN&email=ivan@example.com")
    client.post("/auth/login", data={"username": "ivan", "password": "hunter2-secret"})
    assert len(request_lines) == 2
    first = request_lines[0]
    assert first["method"] == "GET" and first["status"] in (400, 404) and first["user"] == user.id
    assert first["path"].startswith("/api/features/") and "999999" not in first["path"]  # the route, not the URL
    assert isinstance(first["ms"], float) and first["logger"] == REQUEST_LOGGER
    text = json.dumps(request_lines, ensure_ascii=False)
    for secret in ("SECRET-TOKEN", "ivan@example.com", "hunter2-secret", "ivan", user.username):
        assert secret not in text


# -- backup and restore ------------------------------------------------------------------------------


def _counts(url: str) -> dict[str, int]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            result = {}
            for table in ("appeals", "source_messages", "works", "work_photos", "streets"):
                cur.execute(f"SELECT count(*) FROM {table}")
                result[table] = cur.fetchone()[0]
            return result
    finally:
        conn.close()


@pytest.fixture
def seeded(app: Flask, committed: None, tmp_path: Path) -> Path:
    """A committed case, message and done work with a photo file in a fresh upload folder."""
    uploads = tmp_path / "uploads"
    (uploads / "works" / "1").mkdir(parents=True)
    (uploads / "works" / "1" / "after.jpg").write_bytes(b"\xff\xd8\xff" + b"photo" * 100)
    app.config["WEBMAP_UPLOAD_DIR"] = str(uploads)
    with app.app_context():
        case = factories.appeal(status="done")
        case.messages.append(factories.message("Яма на Мира 5, звоните +7 912 000-00-00"))
        factories.work()
        db.session.commit()
    return uploads


def test_backup_restores_into_another_database(app: Flask, seeded: Path, tmp_path: Path) -> None:
    target = tmp_path / "backup"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((target / "manifest.json").read_text())
    assert {f["name"] for f in manifest["files"]} == {"database.dump", "uploads.tar"} and manifest["photos"] == 1

    recreate_database(RESTORE_URL)
    restored_uploads = tmp_path / "restored"
    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(RESTORE_URL),
            "WEBMAP_UPLOAD_DIR": str(restored_uploads),
        }
    )
    result = other.test_cli_runner().invoke(args=["restore", str(target)])
    assert result.exit_code == 0, result.output
    assert _counts(RESTORE_URL) == _counts(TEST_DATABASE_URL)
    assert (restored_uploads / "works" / "1" / "after.jpg").read_bytes() == (
        seeded / "works" / "1" / "after.jpg"
    ).read_bytes()
    assert other.test_client().get("/healthz").status_code == 200  # restored at the same migration
    with other.app_context():
        db.engine.dispose()

    # a second restore onto the now non-empty database is refused, touching nothing
    again = other.test_cli_runner().invoke(args=["restore", str(target)])
    assert again.exit_code != 0 and "not empty" in again.output


@pytest.mark.parametrize("damage", ["truncate", "flip", "manifest", "missing"])
def test_restore_refuses_a_damaged_backup(app: Flask, seeded: Path, tmp_path: Path, damage: str) -> None:
    target = tmp_path / "backup"
    assert app.test_cli_runner().invoke(args=["backup", str(target)]).exit_code == 0
    dump = target / "database.dump"
    if damage == "truncate":
        dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    elif damage == "flip":
        data = bytearray(dump.read_bytes())
        data[len(data) // 2] ^= 0xFF
        dump.write_bytes(bytes(data))
    elif damage == "manifest":
        (target / "manifest.json").write_text("{not json")
    else:
        (target / "uploads.tar").unlink()
    recreate_database(RESTORE_URL)
    restored_uploads = tmp_path / "restored"
    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(RESTORE_URL),
            "WEBMAP_UPLOAD_DIR": str(restored_uploads),
        }
    )
    result = other.test_cli_runner().invoke(args=["restore", str(target)])
    assert result.exit_code != 0 and "nothing restored" in result.output
    expected = {"truncate": "truncated", "flip": "checksum", "manifest": "damaged", "missing": "missing"}[damage]
    assert expected in result.output
    conn = psycopg2.connect(RESTORE_URL)
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'")
        assert cur.fetchone()[0] == 0  # nothing touched
    conn.close()
    assert not restored_uploads.exists()


def test_backup_refuses_a_folder_that_is_not_empty(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path)])
    assert result.exit_code != 0 and "not empty" in result.output
    shutil.rmtree(tmp_path / "old.txt", ignore_errors=True)
