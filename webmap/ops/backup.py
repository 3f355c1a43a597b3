"""``webmap backup DIR`` and ``webmap restore DIR``: the database and the uploaded photos.

A backup is a folder: ``database.dump`` (pg_dump's custom format), ``uploads.tar`` (the
photos) and ``manifest.json`` naming each file with its size and SHA-256, the migration
revision and when it was made. Restore checks everything before it touches anything: the
manifest, every checksum, that pg_restore can read the dump's table of contents, and that
the target database is empty. Then it restores the database in one transaction and unpacks
the photos.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

MANIFEST = "manifest.json"
DUMP = "database.dump"
UPLOADS = "uploads.tar"
FORMAT = "webmap-backup-1"
# Tables an empty PostGIS database has of its own.
EXTENSION_TABLES = {"spatial_ref_sys"}


class BackupError(RuntimeError):
    """What is wrong with a backup or its target, in words; nothing was changed."""


@dataclass(frozen=True)
class Connection:
    """libpq parameters of a database, for pg_dump and pg_restore (the password goes in the environment)."""

    host: str
    port: int
    user: str
    password: str | None
    database: str

    @classmethod
    def from_url(cls, url: str) -> Connection:
        parsed = make_url(url)
        return cls(
            host=parsed.host or "127.0.0.1",
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password,
            database=parsed.database or "",
        )

    def args(self) -> list[str]:
        return ["--host", self.host, "--port", str(self.port), "--username", self.user, "--dbname", self.database]

    def env(self) -> dict[str, str]:
        import os

        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/lib/postgresql/15/bin")
    if not found:
        raise BackupError(f"{name} is missing: install postgresql-client")
    return found


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_entry(path: Path) -> dict[str, Any]:
    return {"name": path.name, "bytes": path.stat().st_size, "sha256": sha256(path)}


def backup(url: str, upload_dir: Path, target: Path, revision: str | None) -> dict[str, Any]:
    """Write a backup of the database at ``url`` and of ``upload_dir`` into the new folder ``target``."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: a backup goes into a new or empty folder")
    target.mkdir(parents=True, exist_ok=True)
    conn = Connection.from_url(url)
    dump = target / DUMP
    done = subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(dump), *conn.args()],
        env=conn.env(),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    photos = target / UPLOADS
    count = 0
    with tarfile.open(photos, "w") as archive:
        if upload_dir.is_dir():
            for path in sorted(upload_dir.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=str(path.relative_to(upload_dir)), recursive=False)
                    count += 1
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "revision": revision,
        "photos": count,
        "files": [_file_entry(dump), _file_entry(photos)],
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    """The manifest of a backup, every file checked against its size and checksum."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} holds no {MANIFEST}: not a webmap backup")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{MANIFEST} is damaged: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} is not of the format {FORMAT}")
    files = {f.get("name"): f for f in manifest.get("files", []) if isinstance(f, dict)}
    for name in (DUMP, UPLOADS):
        entry = files.get(name)
        if entry is None:
            raise BackupError(f"{MANIFEST} does not list {name}")
        file = source / name
        if not file.is_file():
            raise BackupError(f"{name} is missing")
        if file.stat().st_size != entry.get("bytes"):
            raise BackupError(
                f"{name} is {file.stat().st_size} bytes, the manifest says {entry.get('bytes')}: truncated?"
            )
        if sha256(file) != entry.get("sha256"):
            raise BackupError(f"{name}: checksum mismatch, the file is damaged")
    return manifest


def _check_dump_readable(dump: Path) -> None:
    listed = subprocess.run([_tool("pg_restore"), "--list", str(dump)], capture_output=True, text=True)
    if listed.returncode != 0:
        raise BackupError(f"{DUMP} cannot be read: {listed.stderr.strip()}")


def _check_uploads_readable(photos: Path) -> list[tarfile.TarInfo]:
    try:
        with tarfile.open(photos, "r") as archive:
            members = archive.getmembers()
    except tarfile.TarError as exc:
        raise BackupError(f"{UPLOADS} cannot be read: {exc}") from exc
    for member in members:
        if not member.isfile() or member.name.startswith("/") or ".." in Path(member.name).parts:
            raise BackupError(f"{UPLOADS} holds an unexpected entry: {member.name!r}")
    return members


def user_tables(url: str) -> list[str]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
    try:
        with engine.connect() as connection:
            names = connection.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
            ).all()
    finally:
        engine.dispose()
    return sorted(set(names) - EXTENSION_TABLES)


def restore(source: Path, url: str, upload_dir: Path) -> dict[str, Any]:
    """Restore the backup in ``source`` into the empty database at ``url`` and into ``upload_dir``."""
    manifest = read_manifest(source)
    _check_dump_readable(source / DUMP)
    members = _check_uploads_readable(source / UPLOADS)
    tables = user_tables(url)
    if tables:
        raise BackupError(
            f"the target database is not empty (it has {', '.join(tables[:5])}…): restore needs an empty one"
        )
    if upload_dir.is_dir() and any(p.is_file() for p in upload_dir.rglob("*")):
        raise BackupError(f"the upload folder {upload_dir} is not empty")
    conn = Connection.from_url(url)
    done = subprocess.run(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *conn.args(),
            str(source / DUMP),
        ],
        env=conn.env(),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed, the database is unchanged: {done.stderr.strip()}")
    upload_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / UPLOADS, "r") as archive:
        archive.extractall(upload_dir, members=members, filter="data")
    return manifest
