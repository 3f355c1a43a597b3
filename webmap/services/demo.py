"""The demo town's cases and works, so a first ``make run`` shows a living map."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from geoalchemy2.shape import to_shape
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring
from sqlalchemy import func, select

from webmap.extensions import db
from webmap.ingest.pipeline import Importer, ImportReport
from webmap.ingest.readers import RawMessage, Rejected, get_reader
from webmap.models import Appeal, SourceMessage, Street
from webmap.services.works import open_work, set_work_status

MESSAGE_FILES = (
    ("vk", "vk_wall.json"),
    ("telegram", "telegram/result.json"),
    ("pos", "pos_export.csv"),
    ("reception", "receptions.csv"),
)
DEMO_WORKS = {
    "speed_bump": "Установлена искусственная неровность по обращению жителей.",
    "fence": "Установлено пешеходное ограждение вдоль дороги.",
    "streetlight": "Заменены светильники, освещение восстановлено.",
    "manhole": "Люк закрыт новой крышкой.",
    "road": "Выполнен ямочный ремонт.",
}


def _demo_items(directory: Path) -> list[tuple[str, list[RawMessage | Rejected]]]:
    return [(name, list(get_reader(kind)(directory / "messages" / name))) for kind, name in MESSAGE_FILES]


def redate(items: list[RawMessage | Rejected], shift: timedelta) -> list[RawMessage | Rejected]:
    """The messages moved by ``shift`` in time; ``raw`` keeps the dates the export had."""
    return [replace(m, posted_at=m.posted_at + shift) if isinstance(m, RawMessage) else m for m in items]


def import_demo_messages(directory: Path, *, now: datetime | None = None) -> dict[str, ImportReport]:
    """Import every demo channel export; returns each file's report.

    The demo exports are from 2022. So that a first ``make run`` shows a town
    living now (the public map hides fixes older than half a year), every
    message is moved by whole weeks until the newest is at most a week old.
    """
    from webmap.services.triage import triage_message

    files = _demo_items(directory)
    newest = max(m.posted_at for _, items in files for m in items if isinstance(m, RawMessage))
    now = now or datetime.now(UTC)
    shift = timedelta(weeks=max((now - newest).days // 7 - 1, 0))
    return {name: Importer(triage_message).run(redate(items, shift)) for name, items in files}


def _fence_line(point: Point) -> BaseGeometry:
    """A 60 m stretch of the nearest street around ``point``: fences run along streets."""
    street = db.session.scalar(
        select(Street)
        .order_by(Street.geom.distance_centroid(func.ST_SetSRID(func.ST_MakePoint(point.x, point.y), 4326)))
        .limit(1)
    )
    assert street is not None  # the demo town has streets
    shape = to_shape(street.geom)
    line = cast(LineString, shape.geoms[0] if isinstance(shape, MultiLineString) else shape)  # stored as multi-lines
    at = line.project(point)
    half = 60 / 111_195.0 / 2 / 0.47  # ~30 m either side in degrees of longitude at 61.7°N
    return substring(line, max(at - half, 0), min(at + half, line.length))


def seed_demo_works(per_type: int = 2) -> int:
    """Complete a few works for placed demo cases of each work type; returns how many."""
    made = 0
    for type_code, note in DEMO_WORKS.items():
        appeals = db.session.scalars(
            select(Appeal)
            .where(Appeal.category_code == type_code, Appeal.point.is_not(None), Appeal.status == "new")
            .order_by(Appeal.id)
            .limit(per_type)
        ).all()
        for appeal in appeals:
            assert appeal.point is not None  # the query takes placed cases only
            point = cast(Point, to_shape(appeal.point))  # a Point column
            geom = _fence_line(point) if type_code == "fence" else point
            work = open_work(type_code, geom, [appeal], None)
            first = min(m.posted_at for m in appeal.messages)
            done = min(first + timedelta(days=12), datetime.now(UTC) - timedelta(hours=1))
            set_work_status(work, "done", None, public_note=note, now=done)
            made += 1
    db.session.commit()
    return made


def demo_has_messages() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(SourceMessage)))
