"""Builders of model objects for tests; each adds to ``db.session``, the caller commits.

Every date is relative to a ``Clock`` (the ``clock`` fixture, or the real now by default), never a
calendar date: the public map hides fixes older than WEBMAP_PUBLIC_FIXED_MAX_AGE_DAYS, so a fixed
date would make "recently fixed" tests fail once it ages. Tests of hand-counted historic figures
pass their own fixed period and "now" instead.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count

from geoalchemy2.shape import from_shape
from shapely.geometry import LineString, Point

from webmap.extensions import db
from webmap.models import Appeal, SourceMessage, User, Work

# Personal data the public must never see (seeded, then searched for in answers and pages).
AUTHOR = "Иван Петров"
PHONE = "+7 912 345-67-89"
POS_MARKER = "ПОС-ТЕКСТ-СЕКРЕТ-4711"
RECEPTION_MARKER = "ПРИЁМ-ТЕКСТ-СЕКРЕТ-4712"

CENTRE = (75.595, 61.742)  # lon, lat: the demo town's centre
SCHOOL_2 = (75.6006986, 61.7396618)


@dataclass(frozen=True)
class Clock:
    """What "now" is for the factories: the real now (``at`` unset) or a fixed instant."""

    at: datetime | None = None

    def now(self) -> datetime:
        return self.at if self.at is not None else datetime.now(UTC)

    def ago(self, **delta: float) -> datetime:
        """``now()`` minus a ``timedelta(**delta)``: ``clock.ago(days=5)``."""
        return self.now() - timedelta(**delta)

    def frozen(self) -> Clock:
        """This clock stopped at its present instant, so that one test's dates agree to the microsecond."""
        return Clock(self.now())

    def shifted(self, **delta: float) -> Clock:
        """A fixed clock ``timedelta(**delta)`` after this one's now (negative for the past)."""
        return Clock(self.now() + timedelta(**delta))


REAL = Clock()


def now() -> datetime:
    return REAL.now()


_ids = count(1)


def message(
    text: str = "Яма на Мира 5",
    *,
    channel: str = "vk",
    author: str | None = AUTHOR,
    url: str | None = None,
    author_id: str | None = "id777",
    days_ago: float = 20,
    clock: Clock = REAL,
) -> SourceMessage:
    n = next(_ids)
    obj = SourceMessage(
        channel=channel,
        external_id=f"test-{n}-{clock.now().timestamp()}",
        text=text,
        author=author,
        author_id=author_id,
        url=url,
        posted_at=clock.ago(days=days_ago),
        raw={"text": text},
    )
    db.session.add(obj)
    return obj


def work(
    lon: float = CENTRE[0],
    lat: float = CENTRE[1],
    *,
    type_code: str = "speed_bump",
    status: str = "done",
    note: str | None = "Установлена неровность",
    days_ago: float = 5,
    line: list[tuple[float, float]] | None = None,
    crew: User | None = None,
    appeals: list[Appeal] | None = None,
    crew_id: int | None = None,
    clock: Clock = REAL,
) -> Work:
    """A work; a done one was done ``days_ago`` days before the clock's now."""
    geom = LineString(line) if line else Point(lon, lat)
    obj = Work(
        type_code=type_code,
        status=status,
        public_note=note,
        geom=from_shape(geom, srid=4326),
        done_at=clock.ago(days=days_ago) if status == "done" else None,
        appeals=appeals or [],
    )
    if crew is not None:
        obj.crew_id = crew.id
    if crew_id is not None:
        obj.crew_id = crew_id
    db.session.add(obj)
    return obj


def appeal(
    lon: float | None = CENTRE[0],
    lat: float | None = CENTRE[1],
    *,
    category: str = "road",
    status: str = "new",
    messages: list[SourceMessage] | None = None,
    days_ago: float = 10,
    deadline_days: float | None = 20,
    address: str | None = None,
    clock: Clock = REAL,
) -> Appeal:
    """A case received ``days_ago`` days before the clock's now, due ``deadline_days`` after that."""
    placed = lon is not None and lat is not None
    created = clock.ago(days=days_ago)
    obj = Appeal(
        category_code=category,
        status=status,
        point=from_shape(Point(lon, lat), srid=4326) if placed else None,
        precision="house" if placed else "none",
        confidence=0.9 if placed else 0.0,
        messages=messages or [],
        created_at=created,
        address=address,
        deadline=created + timedelta(days=deadline_days) if deadline_days is not None else None,
        closed_at=clock.ago(days=1) if status in ("done", "rejected") else None,
    )
    db.session.add(obj)
    return obj


def private_case(lon: float = CENTRE[0], lat: float = CENTRE[1], *, clock: Clock = REAL) -> Appeal:
    """A case in work with personal data in every message: VK (author, phone), ПОС and reception texts."""
    return appeal(
        lon,
        lat,
        status="in_work",
        clock=clock,
        messages=[
            message(f"Яма у дома, звоните {PHONE}", channel="vk", url="https://vk.com/wall-21835_1001", clock=clock),
            message(f"{POS_MARKER} прошу починить", channel="pos", author="Петров Иван Сергеевич", clock=clock),
            message(f"{RECEPTION_MARKER} жалоба", channel="reception", author=AUTHOR, clock=clock),
        ],
    )


def jpeg_with_exif(size: tuple[int, int] = (64, 48)) -> bytes:
    """A small JPEG carrying EXIF with a GPS position and a camera serial."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0xA431] = "SERIAL-123456"  # BodySerialNumber
    gps = {1: "N", 2: (61.0, 44.0, 30.0), 3: "E", 4: (75.0, 35.0, 40.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def image_bytes(fmt: str, size: tuple[int, int] = (32, 32), **params: object) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, fmt, **params)
    return out.getvalue()
