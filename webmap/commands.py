"""The project's own CLI commands, registered on the app's ``flask``/``webmap`` CLI."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from geo.town import GazetteerFileError, Town, read_town
from webmap.config import PROJECT_ROOT
from webmap.extensions import db

DEMO_TOWN = PROJECT_ROOT / "data" / "demo-town"

gazetteer_cli = click.Group("gazetteer", help="Load and inspect the town's gazetteer.")
demo_cli = click.Group("demo", help="The demo town.")


def load_town_dir(directory: Path) -> list[str]:
    """Read and store a town directory in one transaction; returns the report lines."""
    return store_town_records(read_town(directory))


def store_town_records(town: Town) -> list[str]:
    """Store a read town in one transaction; returns the report lines."""
    from webmap.services.gazetteer import store_town

    try:
        report = store_town(town)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    current_app.extensions.pop("webmap.triage", None)  # the triage index is stale now
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


@gazetteer_cli.command("load-osm")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def gazetteer_load_osm(file: Path) -> None:
    """Load streets, addresses, landmarks and districts from an OpenStreetMap extract (.osm, .osm.pbf)."""
    from geo.osm import read_osm

    try:
        town, report = read_osm(file)
    except RuntimeError as exc:  # osmium's error for unreadable files
        raise click.ClickException(f"nothing loaded: {file.name}: {exc}") from exc
    for line in store_town_records(town):
        click.echo(line)
    for reason, count in sorted(report.skipped.items()):
        click.echo(f"skipped {count}: {reason}")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Load only what the database does not hold yet.")
def demo_load(if_empty: bool) -> None:
    """Load the demo town, import its messages into cases and complete a few works."""
    from webmap.models import District
    from webmap.services.demo import demo_has_messages, import_demo_messages, seed_demo_works

    if if_empty and db.session.scalar(select(func.count()).select_from(District)):
        click.echo("the gazetteer already holds a town")
    else:
        for line in load_town_dir(DEMO_TOWN):
            click.echo(line)
    if not (if_empty and demo_has_messages()):
        for name, report in import_demo_messages(DEMO_TOWN).items():
            click.echo(f"{name}: {report.summary()}")
        click.echo(f"completed works: {seed_demo_works()}")
    else:
        click.echo("messages already imported")
    _print_demo_accounts()


def _print_demo_accounts() -> None:
    """On a database with no users yet, make one demo account per role and show the passwords once."""
    from webmap.services.demo import DemoAccountsRefused, create_demo_accounts

    try:
        accounts = create_demo_accounts()
    except DemoAccountsRefused:
        click.echo("production: no demo accounts; create the first admin with: webmap users create NAME --role admin")
        return
    if not accounts:
        return
    rule = "=" * 72
    click.echo(rule)
    click.echo("DEMO ACCOUNTS, for trying webmap out (shown once; the passwords are stored hashed).")
    click.echo("Log in at /auth/login. Disable them before real use: webmap users disable NAME")
    for username, role, password in accounts:
        click.echo(f"  {username:<16} {role:<9} {password}")
    click.echo(rule)


def register_commands(app: Flask) -> None:
    from webmap.ingest.commands import import_command

    app.cli.add_command(gazetteer_cli)
    app.cli.add_command(demo_cli)
    from webmap.auth.cli import users_cli  # auth: webmap users create/set-role/disable/list

    app.cli.add_command(users_cli)
    app.cli.add_command(import_command)
    from webmap.monitor.commands import monitor_command, sources_cli  # the monitor: watched sources, worker

    app.cli.add_command(sources_cli)
    app.cli.add_command(monitor_command)
    from webmap.dashboard.document import export_cli  # webmap export map

    app.cli.add_command(export_cli)
    from webmap.ops.cli import backup_command, restore_command
    from webmap.serve import serve_command

    for command in (backup_command, restore_command, serve_command):
        app.cli.add_command(command)
    from webmap.triage_cli import triage_cli

    app.cli.add_command(triage_cli)
    from webmap.open311.cli import apikeys_cli  # webmap apikeys create/list/revoke

    app.cli.add_command(apikeys_cli)
