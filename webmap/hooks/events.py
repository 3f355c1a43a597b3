"""Turning one pushed event into stored messages, edits and deletion marks, exactly once.

The event is recorded in ``hook_events`` first (unique by channel and event id):
a repeated delivery finds it there and changes nothing. The event's messages go
through the same pipeline as the monitor's batches, in the same transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from webmap.connectors.base import Batch
from webmap.connectors.telegram import update_records
from webmap.extensions import db
from webmap.ingest.pipeline import Importer
from webmap.ingest.readers import RawMessage, ReadStats
from webmap.ingest.readers.checks import Checker
from webmap.ingest.readers.vk import comment_messages, post_messages
from webmap.ingest.revisions import Deletion, Revision
from webmap.models import HookEvent, Source
from webmap.monitor.runner import RunReport, store_batch

VK_EVENTS = (
    "wall_post_new",
    "wall_repost",
    "wall_reply_new",
    "wall_reply_edit",
    "wall_reply_restore",
    "wall_reply_delete",
)


def vk_batch(event: dict[str, Any]) -> Batch:
    """The messages, edits and marks of one VK Callback API event."""
    kind, obj = event.get("type"), event.get("object")
    checker = Checker.create("vk", 20_000, None)
    batch = Batch()
    if not isinstance(obj, dict):
        batch.items.append(checker.reject(f"event {event.get('event_id')}", "event without an object", event))
        return batch
    group_id = event.get("group_id")
    owner_id = obj.get("owner_id", obj.get("post_owner_id", -abs(group_id) if isinstance(group_id, int) else None))
    position = f"event {event.get('event_id')}"
    if kind in ("wall_post_new", "wall_repost"):
        stats = ReadStats()
        batch.items.extend(post_messages(checker, {}, obj, position, stats))
        batch.skipped = stats.skipped
    elif kind in ("wall_reply_new", "wall_reply_restore"):
        batch.items.extend(comment_messages(checker, {}, obj, position, owner_id, obj.get("post_id")))
        if kind == "wall_reply_restore":
            batch.deletions.append(Deletion("vk", _comment_id(owner_id, obj), False, datetime.now(UTC)))
    elif kind == "wall_reply_edit":
        for record in comment_messages(checker, {}, obj, position, owner_id, obj.get("post_id")):
            if isinstance(record, RawMessage):
                key = f"event:{event.get('event_id')}"
                batch.revisions.append(
                    Revision("vk", record.external_id, key, record.text, record.raw, datetime.now(UTC), record)
                )
            else:
                batch.items.append(record)
    elif kind == "wall_reply_delete":
        batch.deletions.append(Deletion("vk", _comment_id(owner_id, obj), True, datetime.now(UTC)))
    return batch


def _comment_id(owner_id: Any, obj: dict[str, Any]) -> str:
    return f"{owner_id}_{obj.get('post_id')}_{obj.get('id')}"


def store_event(channel: str, event_id: str, kind: str, payload: dict[str, Any], batch: Batch) -> str:
    """Store one event once; returns ``stored``, ``already`` or what was refused."""
    inserted = db.session.execute(
        pg_insert(HookEvent)
        .values(channel=channel, event_id=event_id[:200], type=kind[:64], payload=payload)
        .on_conflict_do_nothing(index_elements=["channel", "event_id"])
        .returning(HookEvent.id)
    ).scalar()
    if inserted is None:
        db.session.rollback()
        return "already"
    from webmap.services.triage import triage_message

    report = RunReport(0)
    store_batch(Importer(triage_message), batch, report)
    outcome = f"stored {report.stored}, already {report.already}, revised {report.revised}, rejected {report.rejected}"
    if report.reasons:
        outcome += ": " + "; ".join(report.reasons)
    db.session.execute(update(HookEvent).where(HookEvent.id == inserted).values(outcome=outcome))
    _count_on_source(channel, payload, report)
    db.session.commit()
    return outcome


def _count_on_source(channel: str, payload: dict[str, Any], report: RunReport) -> None:
    """Add what an event brought to the counts of the source it belongs to, if one is watched."""
    if channel == "vk":
        group_id = payload.get("group_id")
        where = (Source.kind == "vk-wall", Source.key == str(-abs(group_id))) if isinstance(group_id, int) else None
    else:
        where = (Source.kind == "telegram-bot", Source.key == "bot")
    if where is None:
        return
    db.session.execute(
        update(Source)
        .where(*where)
        .values(
            taken=Source.taken + report.stored,
            revised=Source.revised + report.revised,
            rejected=Source.rejected + report.rejected,
        )
        .execution_options(synchronize_session=False)
    )


def telegram_batch(update_: dict[str, Any]) -> Batch:
    checker = Checker.create("telegram", 20_000, None)
    items, revisions, skipped = update_records(checker, update_, f"update {update_.get('update_id')}")
    return Batch(items=items, revisions=revisions, skipped=skipped)
