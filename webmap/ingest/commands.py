"""``webmap import KIND FILE``: one channel export into cases, with a report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from webmap.ingest.pipeline import BATCH_SIZE, Importer, ImportReport
from webmap.ingest.readers import READERS, ReaderError, ReadStats, get_reader

SHOWN_REJECTS = 100


def _mapping(value: str | None) -> dict[str, str] | None:
    """``--mapping`` as JSON (``{"text": "Описание"}``) or ``text=Описание,posted_at=Дата``."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("{"):
        try:
            data = json.loads(value)
        except json.JSONDecodeError as exc:
            raise click.BadParameter(f"not JSON: {exc}") from exc
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise click.BadParameter("a JSON object of field -> column name")
        return data
    pairs = [p.split("=", 1) for p in value.split(",") if p.strip()]
    if any(len(p) != 2 for p in pairs):
        raise click.BadParameter("write field=column pairs separated by commas")
    return {k.strip(): v.strip() for k, v in pairs}


def _progress(report: ImportReport) -> None:
    click.echo(f"\r{report.total} records: {report.summary()}", nl=False, err=True)


def print_report(report: ImportReport, stats: ReadStats | None = None) -> None:
    click.echo(report.summary())
    skipped = getattr(stats, "skipped", 0) if stats else 0
    if skipped:
        click.echo(f"skipped on purpose (service messages, blank lines): {skipped}")
    for item in report.rejected[:SHOWN_REJECTS]:
        click.echo(f"rejected {item.position}: {item.reason}")
    if len(report.rejected) > SHOWN_REJECTS:
        click.echo(f"... and {len(report.rejected) - SHOWN_REJECTS} more rejected")


@click.command("import")
@click.argument("kind", type=click.Choice(sorted(READERS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--channel", help="Channel name for csv/json (ok, phone, manual, ...).")
@click.option("--mapping", help='Column mapping for csv/json: JSON or "text=Описание,posted_at=Дата".')
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    default=BATCH_SIZE,
    show_default=True,
    help="Messages per transaction.",
)
def import_command(kind: str, file: Path, channel: str | None, mapping: str | None, batch_size: int) -> None:
    """Import a channel export FILE of kind KIND; running it again changes nothing."""
    from webmap.services.triage import triage_message

    options: dict[str, Any] = {}
    if kind in ("csv", "json"):
        if not channel or not mapping:
            raise click.UsageError("csv and json imports need --channel and --mapping")
        options = {"channel": channel, "mapping": _mapping(mapping)}
    elif channel:
        options["channel"] = channel
    stats = ReadStats()
    importer = Importer(triage_message, batch_size=batch_size, progress=_progress if sys.stderr.isatty() else None)
    try:
        report = importer.run(get_reader(kind)(file, stats=stats, **options))
    except ReaderError as exc:
        report = importer.report
        if sys.stderr.isatty():
            click.echo(err=True)
        print_report(report, stats)
        raise click.ClickException(
            f"{file.name}: {exc} (records before this point were imported; fix the file and import it again)"
        ) from exc
    if sys.stderr.isatty():
        click.echo(err=True)
    print_report(report, stats)
