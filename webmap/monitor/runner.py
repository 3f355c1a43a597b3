"""One run of one source: each batch and the cursor after it in one transaction.

A run holds a PostgreSQL advisory lock on its source (released by the server
even when the process is killed), so two workers never read one source at
once. Whatever goes wrong is written on the source in words and the run ends;
the cursor stays where the last commit left it, so nothing is lost or doubled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from webmap.connectors.base import Batch
from webmap.connectors.errors import ConnectorError, SourceUnavailable, TokenInvalid, redact
from webmap.extensions import db
from webmap.ingest.pipeline import Importer
from webmap.ingest.revisions import mark_deletions, store_revisions
from webmap.models import Source
from webmap.monitor import clients

log = logging.getLogger(__name__)
LOCK_SPACE = 0x7765626D  # "webm": advisory locks of sources use this first key
SHOWN_REJECTS = 3


@dataclass
class RunReport:
    """What one run did (``outcome``: ok, error, busy, skipped)."""

    source_id: int
    outcome: str = "ok"
    stored: int = 0
    already: int = 0
    revised: int = 0
    rejected: int = 0
    skipped: int = 0
    batches: int = 0
    error: str | None = None
    reasons: list[str] = field(default_factory=list)


def due_sources(now: datetime | None = None) -> list[int]:
    """Ids of the active sources whose next run is due."""
    now = now or datetime.now(UTC)
    return list(
        db.session.scalars(
            select(Source.id)
            .where(Source.state == "active", (Source.next_run_at.is_(None)) | (Source.next_run_at <= now))
            .order_by(Source.next_run_at.nulls_first(), Source.id)
        )
    )


def run_source(source_id: int, *, poll: bool = False) -> RunReport:
    """Run ``source_id`` once if it is active and no one else runs it."""
    report = RunReport(source_id)
    with db.engine.connect() as lock:
        if not lock.scalar(select(func.pg_try_advisory_lock(LOCK_SPACE, source_id))):
            report.outcome = "busy"
            return report
        try:
            _run(source_id, report, poll)
        finally:
            lock.scalar(select(func.pg_advisory_unlock(LOCK_SPACE, source_id)))
            lock.commit()
    return report


def _run(source_id: int, report: RunReport, poll: bool) -> None:
    cfg = current_app.config
    source = db.session.get(Source, source_id)
    if source is None or source.state != "active":
        report.outcome = "skipped"
        return
    started = datetime.now(UTC)
    source.last_run_at = started
    source.next_run_at = started + timedelta(seconds=source.interval_s)
    db.session.commit()
    from webmap.services.triage import triage_message

    importer = Importer(triage_message)
    try:
        for batch in clients.batches(source, cfg, poll=poll):
            _store(importer, source, batch, report)
            db.session.commit()  # the batch and the cursor that covers it, together
    except Exception as exc:  # whatever failed is written on the source; the monitor goes on
        db.session.rollback()
        _failed(source_id, exc, report)
        return
    source = db.session.get(Source, source_id)
    if source is not None:
        source.last_ok_at = datetime.now(UTC)
        source.last_error = _rejects(report) if report.rejected else None
        db.session.commit()


def store_batch(importer: Importer, batch: Batch, report: RunReport) -> tuple[int, int, int]:
    """Store a batch's messages, edits and marks (not committed); returns (stored, revised, rejected)."""
    before = (importer.report.new + importer.report.joined, importer.report.already, len(importer.report.rejected))
    importer.add_batch(batch.items)
    revised, unseen = store_revisions(batch.revisions)
    if unseen:
        importer.add_batch(unseen)
    revised += mark_deletions(batch.deletions)
    stored = importer.report.new + importer.report.joined - before[0]
    rejected = importer.report.rejected[before[2] :]
    report.stored += stored
    report.already += importer.report.already - before[1]
    report.revised += revised
    report.rejected += len(rejected)
    report.skipped += batch.skipped
    report.batches += 1
    report.reasons.extend(f"{r.position}: {r.reason}" for r in rejected[:SHOWN_REJECTS])
    return stored, revised, len(rejected)


def _store(importer: Importer, source: Source, batch: Batch, report: RunReport) -> None:
    stored, revised, rejected = store_batch(importer, batch, report)
    source.cursor = batch.cursor
    source.taken += stored
    source.revised += revised
    source.rejected += rejected


def _rejects(report: RunReport) -> str:
    shown = "; ".join(report.reasons[:SHOWN_REJECTS])
    return f"{report.rejected} records refused in the last run: {shown}"


def _failed(source_id: int, exc: Exception, report: RunReport) -> None:
    secrets = clients.secrets(current_app.config)
    text = str(exc) if isinstance(exc, ConnectorError) else f"internal error: {type(exc).__name__}: {exc}"
    text = redact(text, secrets)[:1000]
    if not isinstance(exc, ConnectorError):
        log.error("source %s failed: %s", source_id, text, exc_info=exc)
    else:
        log.warning("source %s: %s", source_id, text)
    report.outcome, report.error = "error", text
    source = db.session.get(Source, source_id)
    if source is None:
        return
    source.last_error = text
    if isinstance(exc, TokenInvalid):  # the token is the channel's: every source of it stops
        db.session.execute(
            update(Source)
            .where(Source.kind.like(f"{source.channel}-%"), Source.state == "active")
            .values(state="token_invalid", last_error=text)
            .execution_options(synchronize_session=False)
        )
    elif isinstance(exc, SourceUnavailable):
        source.state = "unavailable"
    db.session.commit()
