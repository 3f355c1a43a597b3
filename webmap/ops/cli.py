"""CLI: ``webmap backup DIR`` and ``webmap restore DIR``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from webmap.ops.backup import BackupError, backup, restore


def _database_url() -> str:
    """The app's database as a libpq URL (pg_dump and pg_restore take that)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    return str(url).replace("postgresql+psycopg2://", "postgresql://", 1)


def _revision() -> str | None:
    from webmap.ops.health import database_revisions

    heads = database_revisions()
    return ",".join(sorted(heads)) or None


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(directory: Path) -> None:
    """Back up the database (pg_dump, custom format) and the uploaded photos into DIRECTORY."""
    try:
        manifest = backup(_database_url(), Path(current_app.config["WEBMAP_UPLOAD_DIR"]), directory, _revision())
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    sizes = ", ".join(f"{f['name']} {f['bytes'] // 1024} KB" for f in manifest["files"])
    click.echo(f"backed up to {directory}: {sizes}, {manifest['photos']} photos")


@click.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(directory: Path) -> None:
    """Restore a backup from DIRECTORY into the (empty) database and upload folder of this configuration."""
    try:
        manifest = restore(directory, _database_url(), Path(current_app.config["WEBMAP_UPLOAD_DIR"]))
    except BackupError as exc:
        raise click.ClickException(f"nothing restored: {exc}") from exc
    click.echo(
        f"restored the backup of {manifest['created_at']} (revision {manifest['revision']}, {manifest['photos']} photos)"
    )
