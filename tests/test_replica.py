"""Read replicas: a real hot standby of this machine's cluster, made with pg_basebackup -R.

The public map's reads are served by the standby; a write in a request goes to the primary,
and the standby itself refuses one.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from flask import Flask
from sqlalchemy import event, text

from tests.conftest import TEST_DATABASE_URL
from webmap import create_app
from webmap.config import sqlalchemy_url
from webmap.extensions import db

PG_BIN = Path("/usr/lib/postgresql/15/bin")
BASEBACKUP = shutil.which("pg_basebackup") or str(PG_BIN / "pg_basebackup")

pytestmark = pytest.mark.skipif(
    not Path(BASEBACKUP).exists(), reason="pg_basebackup is not installed: no standby can be made"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as ``postgres``."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _primary_settings() -> dict[str, str]:
    """Settings a hot standby must have at least as high as its primary's."""
    names = (
        "max_connections",
        "max_worker_processes",
        "max_wal_senders",
        "max_prepared_transactions",
        "max_locks_per_transaction",
    )
    conn = psycopg2.connect(TEST_DATABASE_URL)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", (list(names),))
            return dict(cur.fetchall())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def standby_url(app: Flask) -> Iterator[str]:
    """A standby of the test server (the test database migrated and holding the demo town), on a free port."""
    server = TEST_DATABASE_URL.rsplit("/", 1)[0]
    host_port = server.rsplit("@", 1)[1]
    host, port = host_port.split(":") if ":" in host_port else (host_port, "5432")
    user_password = server.split("//", 1)[1].rsplit("@", 1)[0]
    user, password = user_password.split(":", 1)
    root = Path(tempfile.mkdtemp(prefix="webmap-standby-"))
    data = root / "data"
    pg_ctl = _as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-t", "120"])
    started = False
    try:
        subprocess.run(
            [BASEBACKUP, "-h", host, "-p", port, "-U", user, "-D", str(data), "-R", "-X", "stream", "-c", "fast"],
            env={**os.environ, "PGPASSWORD": password},
            check=True,
            capture_output=True,
            timeout=600,
        )
        standby_port = _free_port()
        # Debian keeps postgresql.conf and pg_hba.conf in /etc: the copy needs its own.
        lines = [
            f"port = {standby_port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{root}'",
            "hot_standby = on",
            "shared_buffers = 32MB",
            "fsync = off",
            *(f"{k} = {v}" for k, v in _primary_settings().items()),
        ]
        (data / "postgresql.conf").write_text("\n".join(lines) + "\n")
        (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "postgres:postgres", str(root)], check=True)
        data.chmod(0o700)
        subprocess.run([*pg_ctl, "-l", str(root / "log"), "start"], check=True, capture_output=True, timeout=180)
        started = True
        yield f"postgresql://{user}:{password}@127.0.0.1:{standby_port}/{TEST_DATABASE_URL.rsplit('/', 1)[1]}"
    except subprocess.CalledProcessError as exc:
        log = (root / "log").read_text(errors="replace")[-2000:] if (root / "log").exists() else ""
        raise RuntimeError(f"{exc.cmd[:3]} failed: {exc.stderr!r} {log}") from exc
    finally:
        if started or (data / "postmaster.pid").exists():
            subprocess.run([*pg_ctl, "stop", "-m", "immediate"], capture_output=True, timeout=120)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def replica_app(app: Flask, standby_url: str, committed: None) -> Iterator[Flask]:
    """The app with WEBMAP_REPLICA_URL pointing at the standby."""
    routed = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(TEST_DATABASE_URL),
            "WEBMAP_REPLICA_URL": standby_url,
        }
    )
    yield routed
    with routed.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def _statements(engine: object) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda conn, cur, stmt, *a: seen.append(stmt))
    return seen


def _wait_replayed(standby_url: str, sql: str, want: object, timeout_s: float = 180) -> object:
    """Poll the standby until ``sql`` answers ``want`` (streaming replication is asynchronous)."""
    deadline = time.monotonic() + timeout_s
    while True:
        conn = psycopg2.connect(standby_url)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                row = cur.fetchone()
                got = row[0] if row else None
        finally:
            conn.close()
        if got == want or time.monotonic() > deadline:
            return got
        time.sleep(0.2)


def test_the_standby_is_a_standby_and_refuses_writes(standby_url: str) -> None:
    conn = psycopg2.connect(standby_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_is_in_recovery(), count(*) FROM districts")
            in_recovery, districts = cur.fetchone()
            assert in_recovery is True
            assert districts > 0  # the demo town came over with the base backup
            with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction, match="cannot execute INSERT in a read-only"):
                cur.execute("INSERT INTO categories (code, name_ru, name_en) VALUES ('x', 'x', 'x')")
    finally:
        conn.close()


def test_public_map_reads_come_from_the_standby(replica_app: Flask) -> None:
    with replica_app.app_context():
        primary, standby = db.engines[None], db.engines["replica"]
    on_primary, on_standby = _statements(primary), _statements(standby)
    client = replica_app.test_client()
    response = client.get("/api/features", query_string={"bbox": "75.5,61.7,75.7,61.8", "zoom": 14})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["type"] == "FeatureCollection"
    assert any("FROM works w" in s for s in on_standby)
    assert not any("FROM works w" in s or "FROM appeals a" in s for s in on_primary)
    assert client.get("/api/base/districts").status_code == 200
    assert any("districts" in s for s in on_standby)

    # An operator's request (not a public read) stays on the primary.
    on_standby.clear()
    client.get("/api/operator/features", query_string={"bbox": "75.5,61.7,75.7,61.8", "zoom": 14})
    assert on_standby == []


def test_connection_of_a_public_read_is_the_standby(replica_app: Flask) -> None:
    with replica_app.test_request_context("/api/features"):
        replica_app.preprocess_request()
        assert db.session.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is True
    with replica_app.test_request_context("/api/features", method="POST"):
        replica_app.preprocess_request()
        assert db.session.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is False
    with replica_app.test_request_context("/operator/"):
        replica_app.preprocess_request()
        assert db.session.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is False


def test_a_write_in_a_public_read_goes_to_the_primary(replica_app: Flask, standby_url: str) -> None:
    from webmap.models import Appeal

    with replica_app.test_request_context("/api/features"):
        replica_app.preprocess_request()
        assert db.session.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is True
        case = Appeal(category_code="road", status="new", precision="none", confidence=0, placed_by="auto")
        db.session.add(case)
        db.session.commit()  # flushed on the primary: the standby would refuse it
        case_id = case.id
        # after the write this request reads the primary, so it sees its own row at once
        assert db.session.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is False
        assert db.session.execute(text("SELECT count(*) FROM appeals WHERE id = :id"), {"id": case_id}).scalar() == 1
        db.session.execute(text("UPDATE appeals SET status = 'accepted' WHERE id = :id"), {"id": case_id})
        db.session.commit()
    conn = psycopg2.connect(TEST_DATABASE_URL)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT status FROM appeals WHERE id = %s", (case_id,))
            assert cur.fetchone() == ("accepted",)
    finally:
        conn.close()
    # ... and streaming replication brings it to the standby.
    assert _wait_replayed(standby_url, f"SELECT status FROM appeals WHERE id = {case_id}", "accepted") == "accepted"


def test_an_unreachable_replica_falls_back_to_the_primary(app: Flask, committed: None) -> None:
    import webmap.replica as replica

    routed = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(TEST_DATABASE_URL),
            "WEBMAP_REPLICA_URL": f"postgresql://webmap:webmap@127.0.0.1:{_free_port()}/nowhere",
        }
    )
    try:
        response = routed.test_client().get("/api/features", query_string={"bbox": "75.5,61.7,75.7,61.8", "zoom": 14})
        assert response.status_code == 200
        assert response.get_json()["type"] == "FeatureCollection"
        assert replica._down_until > time.monotonic()  # not tried again for a while
    finally:
        replica._down_until = 0.0
        with routed.app_context():
            for engine in db.engines.values():
                engine.dispose()
