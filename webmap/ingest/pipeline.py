"""Reader → SourceMessage → triage → Appeal, in batches, idempotently.

Each batch is one transaction: a run killed part-way loses at most the batch it
was in, and a re-run skips every message already stored (channel + external id
are unique, inserts use ``ON CONFLICT DO NOTHING``). A new message about the
same problem as an open case nearby (same category, within
``WEBMAP_GROUP_DISTANCE_M`` metres and ``WEBMAP_GROUP_DAYS`` days) joins that
case instead of opening another. A message with no place found opens a case
with no point, which waits in the operator's queue.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, Protocol, cast

from flask import current_app
from geoalchemy2.shape import from_shape
from shapely.geometry import Point
from sqlalchemy import Table, bindparam, func, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from webmap.extensions import db
from webmap.ingest.readers import RawMessage, Rejected
from webmap.models import Appeal, Category, District, SourceMessage, StatusChange
from webmap.models.constants import OPEN_STATUSES
from webmap.models.deadlines import deadline_for

BATCH_SIZE = 500
METRES_PER_DEGREE = 111_195.0


class Placed(Protocol):
    """What triage says of one message (see geo.triage.TriageResult)."""

    lon: float | None
    lat: float | None
    precision: str
    confidence: float
    address: str | None
    district: str | None
    category: str


TriageFn = Callable[[str, str], Any]


@dataclass
class ImportReport:
    """What an import did: counts by outcome and the rejected records with reasons."""

    new: int = 0  # opened a new case
    joined: int = 0  # joined an existing case
    already: int = 0  # imported before (same channel + external id)
    rejected: list[Rejected] = field(default_factory=list)
    unplaced: int = 0  # new cases with no place, waiting for an operator

    @property
    def total(self) -> int:
        return self.new + self.joined + self.already + len(self.rejected)

    def summary(self) -> str:
        return (
            f"new {self.new}, joined an existing case {self.joined}, already imported {self.already}, "
            f"rejected {len(self.rejected)} (of the new cases {self.unplaced} have no place yet)"
        )


@dataclass
class _Case:
    """An open case in memory while a batch is grouped."""

    appeal_id: int | None
    category: str
    lon: float
    lat: float
    first_at: datetime
    last_at: datetime
    appeal: Appeal | None = None

    @property
    def stored_id(self) -> int:
        """The appeal's id once flushed: a known case has only the id, a new one its Appeal."""
        if self.appeal_id:
            return self.appeal_id
        assert self.appeal is not None
        return self.appeal.id


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    k = math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot((lon2 - lon1) * k, lat2 - lat1) * METRES_PER_DEGREE


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class Importer:
    """Runs the pipeline for one import; ``triage(text, channel)`` places and classifies."""

    def __init__(
        self, triage: TriageFn, *, batch_size: int = BATCH_SIZE, progress: Callable[[ImportReport], None] | None = None
    ) -> None:
        cfg = current_app.config
        self.triage = triage
        self.batch_size = batch_size
        self.progress = progress
        self.distance_m = float(cfg.get("WEBMAP_GROUP_DISTANCE_M", 150))
        self.window = timedelta(days=float(cfg.get("WEBMAP_GROUP_DAYS", 30)))
        self.deadline_rules = cfg.get("WEBMAP_DEADLINES")
        self.tz = cfg.get("WEBMAP_TIMEZONE", "Asia/Yekaterinburg")
        self.districts = {name: id_ for id_, name in db.session.execute(select(District.id, District.name))}
        self.categories = dict(db.session.execute(select(Category.code, Category.deadline_days)).tuples().all())
        self.report = ImportReport()

    def run(self, items: Iterable[RawMessage | Rejected]) -> ImportReport:
        for batch in _batches(items, self.batch_size):
            try:
                self._batch(batch)
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            if self.progress:
                self.progress(self.report)
        return self.report

    def _batch(self, batch: list[RawMessage | Rejected]) -> None:
        messages: dict[tuple[str, str], RawMessage] = {}
        for item in batch:
            if isinstance(item, Rejected):
                self.report.rejected.append(item)
            elif (item.channel, item.external_id) in messages:
                self.report.already += 1  # the same record twice in one file
            else:
                messages[(item.channel, item.external_id)] = item
        if not messages:
            return
        stored = self._store_messages(list(messages.values()))
        self.report.already += len(messages) - len(stored)
        if stored:
            self._make_cases(stored)

    def _store_messages(self, messages: list[RawMessage]) -> list[tuple[int, RawMessage, Any]]:
        """Insert the messages not stored before; returns (id, message, triage) of those inserted."""
        known = set(
            db.session.execute(
                select(SourceMessage.channel, SourceMessage.external_id).where(
                    tuple_(SourceMessage.channel, SourceMessage.external_id).in_(
                        [(m.channel, m.external_id) for m in messages]
                    )
                )
            )
        )
        fresh = [m for m in messages if (m.channel, m.external_id) not in known]
        if not fresh:
            return []
        results = [self.triage(m.text, m.channel) for m in fresh]
        rows = [
            {
                "channel": m.channel,
                "external_id": m.external_id,
                "url": m.url,
                "author": m.author,
                "author_id": m.author_id,
                "text": m.text,
                "posted_at": m.posted_at,
                "raw": m.raw,
                "triage": _triage_json(r),
            }
            for m, r in zip(fresh, results)
        ]
        statement = (
            pg_insert(SourceMessage)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["channel", "external_id"])
            .returning(SourceMessage.id, SourceMessage.channel, SourceMessage.external_id)
        )
        inserted = {(ch, ext): id_ for id_, ch, ext in db.session.execute(statement)}
        return [
            (inserted[(m.channel, m.external_id)], m, r)
            for m, r in zip(fresh, results)
            if (m.channel, m.external_id) in inserted
        ]

    def _open_cases(self, stored: list[tuple[int, RawMessage, Any]]) -> dict[str, list[_Case]]:
        """Open placed cases near this batch's points, by category, in its time window."""
        placed = [(m, r) for _, m, r in stored if r.lon is not None]
        if not placed:
            return {}
        pad = self.distance_m / METRES_PER_DEGREE
        lons = [r.lon for _, r in placed]
        lats = [r.lat for _, r in placed]
        lon_pad = pad / max(math.cos(math.radians(max(abs(min(lats)), abs(max(lats))))), 0.01)
        envelope = func.ST_MakeEnvelope(
            min(lons) - lon_pad, min(lats) - pad, max(lons) + lon_pad, max(lats) + pad, 4326
        )
        earliest = min(m.posted_at for m, _ in placed) - self.window
        latest = max(m.posted_at for m, _ in placed) + self.window
        first_at, last_at = func.min(SourceMessage.posted_at), func.max(SourceMessage.posted_at)
        rows = db.session.execute(
            select(Appeal.id, Appeal.category_code, func.ST_X(Appeal.point), func.ST_Y(Appeal.point), first_at, last_at)
            .join(SourceMessage, SourceMessage.appeal_id == Appeal.id)
            .where(
                Appeal.status.in_(OPEN_STATUSES),
                Appeal.point.is_not(None),
                Appeal.category_code.in_({r.category for _, r in placed}),
                func.ST_Intersects(Appeal.point, envelope),
            )
            .group_by(Appeal.id)
            .having(last_at >= earliest, first_at <= latest)
        )
        cases: dict[str, list[_Case]] = defaultdict(list)
        for id_, cat, x, y, first, last in rows:
            cases[cat].append(_Case(id_, cat, x, y, first, last))
        return cases

    def _nearest(self, cases: dict[str, list[_Case]], msg: RawMessage, result: Any) -> _Case | None:
        best, best_d = None, self.distance_m
        for case in cases.get(result.category, ()):
            if msg.posted_at > case.last_at + self.window or msg.posted_at < case.first_at - self.window:
                continue
            d = _metres(case.lon, case.lat, result.lon, result.lat)
            if d <= best_d:
                best, best_d = case, d
        return best

    def _make_cases(self, stored: list[tuple[int, RawMessage, Any]]) -> None:
        cases = self._open_cases(stored)
        links: list[tuple[int, _Case]] = []
        earlier: dict[int, datetime] = {}
        for message_id, msg, result in sorted(stored, key=lambda s: s[1].posted_at):
            case = self._nearest(cases, msg, result) if result.lon is not None else None
            if case is None:
                case = self._new_case(msg, result)
                if result.lon is not None:
                    cases.setdefault(case.category, []).append(case)
                self.report.new += 1
                self.report.unplaced += result.lon is None
            else:
                if msg.posted_at < case.first_at and case.appeal_id is not None:
                    earlier[case.appeal_id] = msg.posted_at  # an older post of a known problem
                case.first_at = min(case.first_at, msg.posted_at)
                case.last_at = max(case.last_at, msg.posted_at)
                self.report.joined += 1
            links.append((message_id, case))
        db.session.flush()  # new appeals get their ids
        db.session.execute(
            update(SourceMessage),
            [{"id": message_id, "appeal_id": case.stored_id} for message_id, case in links],
        )
        if earlier:  # a case began when its first message was written
            db.session.execute(
                update(cast(Table, Appeal.__table__))  # a mapped class's table is a Table
                .where(Appeal.id == bindparam("case_id"))
                .values(created_at=bindparam("first_at")),
                [{"case_id": k, "first_at": v} for k, v in earlier.items()],
            )
        new_cases = {id(c.appeal): c.appeal for _, c in links if c.appeal is not None}.values()
        if new_cases:
            db.session.execute(
                insert(StatusChange),
                [
                    {
                        "appeal_id": appeal.id,
                        "field": "status",
                        "old_value": None,
                        "new_value": "new",
                        "comment": "импорт",
                    }
                    for appeal in new_cases
                ],
            )

    def _new_case(self, msg: RawMessage, result: Any) -> _Case:
        placed = result.lon is not None
        appeal = Appeal(
            category_code=result.category if result.category in self.categories else "other",
            status="new",
            created_at=msg.posted_at,  # the case began when the resident wrote, not when it was imported
            point=from_shape(Point(result.lon, result.lat), srid=4326) if placed else None,
            precision=result.precision if placed else "none",
            confidence=float(result.confidence or 0.0) if placed else 0.0,
            placed_by="auto",
            address=result.address,
            district_id=self.districts.get(result.district) if result.district else None,
            deadline=deadline_for(
                msg.channel,
                msg.posted_at,
                category_days=self.categories.get(result.category),
                rules=self.deadline_rules,
                tz=self.tz,
            ),
        )
        db.session.add(appeal)
        return _Case(
            None, appeal.category_code, result.lon or 0.0, result.lat or 0.0, msg.posted_at, msg.posted_at, appeal
        )


def _triage_json(result: Any) -> dict[str, Any]:
    """The triage outcome kept beside the raw message (place guess, category, PII spans)."""
    return {
        "lon": result.lon,
        "lat": result.lat,
        "precision": result.precision,
        "confidence": result.confidence,
        "address": result.address,
        "district": result.district,
        "category": result.category,
        "pii": [list(span) for span in getattr(result, "pii", None) or []],
    }
