"""The project's own CLI commands, registered on the app's ``flask``/``webmap`` CLI."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from sqlalchemy import func, select

from geo.town import GazetteerFileError, read_town
from webmap.config import PROJECT_ROOT
from webmap.extensions import db

DEMO_TOWN = PROJECT_ROOT / "data" / "demo-town"

gazetteer_cli = click.Group("gazetteer", help="Load and inspect the town's gazetteer.")
demo_cli = click.Group("demo", help="The demo town.")


def load_town_dir(directory: Path) -> list[str]:
    """Read and store a town directory in one transaction; returns the report lines."""
    from webmap.services.gazetteer import store_town

    town = read_town(directory)
    try:
        report = store_town(town)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report.lines()


@gazetteer_cli.command("load")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def gazetteer_load(directory: Path) -> None:
    """Load districts, streets, addresses and landmarks from GeoJSON files in DIRECTORY."""
    try:
        lines = load_town_dir(directory)
    except GazetteerFileError as exc:
        raise click.ClickException(f"nothing loaded: {exc}") from exc
    for line in lines:
        click.echo(line)


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the gazetteer already holds a town.")
def demo_load(if_empty: bool) -> None:
    """Load the demo town shipped in data/demo-town."""
    from webmap.models import District

    if if_empty and db.session.scalar(select(func.count()).select_from(District)):
        click.echo("the database already holds a town; demo not loaded")
        return
    for line in load_town_dir(DEMO_TOWN):
        click.echo(line)


def register_commands(app: Flask) -> None:
    app.cli.add_command(gazetteer_cli)
    app.cli.add_command(demo_cli)
