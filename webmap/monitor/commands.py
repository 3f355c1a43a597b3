"""``webmap sources add|list|pause|resume`` and ``webmap monitor [--once]``."""

from __future__ import annotations

import logging
import time

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from webmap.extensions import db
from webmap.models import Source
from webmap.models.constants import SOURCE_KINDS
from webmap.monitor.sources import SourceInputError, add_source, all_sources, set_state

sources_cli = AppGroup("sources", help="Watched sources: VK walls and searches, Telegram bots, OK groups.")


@sources_cli.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("kind", type=click.Choice(SOURCE_KINDS))
@click.argument("target", required=False)
@click.option("--name", help="A name for the admin pages.")
@click.option("--near", help="vk-search: LAT,LON of the town.")
@click.option("--radius", type=float, help="vk-search: metres around --near.")
@click.option("--interval", type=click.IntRange(10, 86_400), help="Seconds between runs.")
def sources_add(
    kind: str, target: str | None, name: str | None, near: str | None, radius: float | None, interval: int | None
) -> None:
    """Watch a place: vk-wall OWNER_ID (a community is negative), vk-search QUERY, telegram-bot, ok-group ID."""
    try:
        source = add_source(kind, target, name=name, near=near, radius=radius, interval_s=interval)
    except SourceInputError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"source {source.id}: {source.kind} {source.key} ({source.name}), active")


@sources_cli.command("list")
def sources_list() -> None:
    """Each source with its state, last run, counts and last error."""
    rows = all_sources()
    if not rows:
        click.echo("no sources; add one with: webmap sources add vk-wall -12345")
    for s in rows:
        last = s.last_run_at.isoformat(timespec="seconds") if s.last_run_at else "never"
        click.echo(
            f"{s.id}\t{s.kind}\t{s.key}\t{s.state}\tlast run {last}\ttaken {s.taken}\t"
            f"revised {s.revised}\trejected {s.rejected}\tcursor {s.cursor or {}}"
        )
        if s.last_error:
            click.echo(f"\tlast error: {s.last_error}")


def _change(source_id: int, action: str) -> None:
    source = db.session.get(Source, source_id)
    if source is None:
        raise click.ClickException(f"no source {source_id}")
    state = set_state(source, action)
    db.session.commit()
    click.echo(f"source {source_id}: {state}")


@sources_cli.command("pause")
@click.argument("source_id", type=int)
def sources_pause(source_id: int) -> None:
    """Stop reading a source (its cursor is kept)."""
    _change(source_id, "pause")


@sources_cli.command("resume")
@click.argument("source_id", type=int)
def sources_resume(source_id: int) -> None:
    """Read a paused (or failed) source again, from its cursor."""
    _change(source_id, "resume")


@click.command("monitor")
@with_appcontext
@click.option("--once", is_flag=True, help="Run every due source once and exit (cron, tests).")
@click.option("--concurrency", type=click.IntRange(1, 32), default=4, show_default=True, help="Sources run at once.")
def monitor_command(once: bool, concurrency: int) -> None:
    """The worker that reads the watched sources; several may run on several machines."""
    from webmap.monitor import jobs

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not once:
        click.echo(f"monitor: working (concurrency {concurrency}); stop with Ctrl+C or SIGTERM", err=True)
        jobs.run_worker(app, concurrency=concurrency)
        return
    started = time.monotonic()
    ids = jobs.run_once(app)
    db.session.remove()
    for source in db.session.scalars(select(Source).where(Source.id.in_(ids)).order_by(Source.id)):
        note = f" — {source.last_error}" if source.last_error else ""
        click.echo(f"source {source.id} {source.kind} {source.key}: {source.state}, taken {source.taken}{note}")
    click.echo(f"ran {len(ids)} sources in {time.monotonic() - started:.1f} s")
