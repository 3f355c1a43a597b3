"""Small builders of model objects for tests; each adds to ``db.session``, the caller commits."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from geoalchemy2.shape import from_shape
from shapely.geometry import LineString, Point

from webmap.extensions import db
from webmap.models import Appeal, SourceMessage, Work

_ids = count(1)


def work(
    lon: float = 75.595,
    lat: float = 61.742,
    *,
    type_code: str = "speed_bump",
    status: str = "done",
    note: str | None = "Установлена неровность",
    line: list[tuple[float, float]] | None = None,
) -> Work:
    geom = LineString(line) if line else Point(lon, lat)
    obj = Work(
        type_code=type_code,
        status=status,
        public_note=note,
        geom=from_shape(geom, srid=4326),
        done_at=datetime(2026, 10, 1, 9, tzinfo=UTC) if status == "done" else None,
    )
    db.session.add(obj)
    return obj


def message(
    text: str = "Яма на Мира 5", *, channel: str = "vk", author: str | None = "Иван Петров", url: str | None = None
) -> SourceMessage:
    n = next(_ids)
    obj = SourceMessage(
        channel=channel,
        external_id=f"test-{n}",
        text=text,
        author=author,
        url=url,
        posted_at=datetime(2026, 9, 1, 12, tzinfo=UTC),
        raw={"text": text},
    )
    db.session.add(obj)
    return obj


def appeal(
    lon: float | None = 75.595,
    lat: float | None = 61.742,
    *,
    category: str = "road",
    status: str = "new",
    messages: list[SourceMessage] | None = None,
) -> Appeal:
    placed = lon is not None and lat is not None
    obj = Appeal(
        category_code=category,
        status=status,
        point=from_shape(Point(lon, lat), srid=4326) if placed else None,
        precision="house" if placed else "none",
        confidence=0.9 if placed else 0.0,
        messages=messages or [],
    )
    db.session.add(obj)
    return obj
