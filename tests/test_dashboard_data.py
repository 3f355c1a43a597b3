"""A small, hand-counted town for the dashboard's tests (imported by tests/test_dashboard*.py,
tests/test_analytics*.py and tests/test_exports*.py), and checks that it is what they assume.

Period: 1 March – 31 May 2025, local time (Asia/Yekaterinburg, UTC+5); the demo town's own
cases are created when the tests start (2026), so they never fall in it.

| case | category    | district | channels       | status    | created (UTC)      | closed   | overdue |
| c1   | road        | MKR1     | vk             | done      | 03-02 10:00        | +2 d     |         |
| c2   | road        | MKR1     | vk, pos        | done      | 03-10 10:00        | +4 d     |         |
| c3   | road        | MKR1     | telegram       | done      | 04-01 10:00        | +10 d    |         |
| c4   | road        | MKR1     | pos            | in_work   | 04-05 10:00        |          | yes     |
| c5   | streetlight | SHORE    | reception      | new       | 04-10 06:00        |          | yes     |
| c6   | streetlight | SHORE    | reception      | accepted  | 05-20 06:00        |          | no      |
| c7   | fence       | SHORE    | phone          | rejected  | 05-21 06:00        | +1 d     |         |
| c8   | fence       | SHORE    | vk             | duplicate | 05-22 06:00        |          |         |
| c9   | speed_bump  | MKR1     | vk             | done      | 02-28 20:30 (03-01 local) | +1 d |       |
| c10  | speed_bump  | MKR1     | vk             | new       | 05-31 19:30 (06-01 local: out) |  |      |
| c11  | speed_bump  | MKR1     | vk             | new       | 02-28 18:00 (02-28 local: out) |  |      |
| c12-14 | manhole   | SHORE    | ok             | new       | 03-15..17 08:00    |          | no      |

c1–c4 lie within 30 m of each other (a road hot spot: only a speed bump nearby, no road work);
c12–c14 likewise, but a manhole work is 40 m away (covered: no hot spot).

Works: w1 speed bump near c1–c4 (done 03-05), w2 speed bump in MKR1 (done 04-02), w3 fence line
in SHORE (done 05-10, note with an e-mail), w4 manhole near c12–c14 (done 04-20), w5 streetlight
planned (not counted), w6 speed bump done 06-15 (outside).

Receptions: r1 (c5) Мария Иванова / «Глава города»; r2 (c6) Пётр Сидоров / «Заместитель главы»
under Russian headers; r3 (no case, triage category water) Мария Иванова / «Глава города».
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from geoalchemy2.shape import from_shape
from shapely.geometry import LineString, Point
from sqlalchemy import text

from webmap.extensions import db
from webmap.models import Appeal, District, SourceMessage, Work

PERIOD = {"from": "2025-03-01", "to": "2025-05-31"}
POPULATION = {"MKR1": 2000, "SHORE": 1500}
SECRETS = (
    "Олег Заявителев",
    "Мария Иванова",
    "Пётр Сидоров",
    "Анна Смирнова",
    "+7 912 345-67-89",
    "9123456789",
    "ivan@example.com",
    "секретный текст заявителя",
    "Телефонное обращение Иванова",
    "Свет не горит у подъезда",
)
M_LAT = 1 / 111_320.0


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


@dataclass
class Town:
    districts: dict[str, int] = field(default_factory=dict)
    cases: dict[str, Appeal] = field(default_factory=dict)
    works: dict[str, Work] = field(default_factory=dict)
    centre: dict[str, tuple[float, float]] = field(default_factory=dict)


def _centre(code: str) -> tuple[float, float]:
    """A point deep inside the district (the centre of its largest inscribed circle)."""
    x, y = db.session.execute(
        text(
            "SELECT ST_X(c), ST_Y(c) FROM (SELECT (ST_MaximumInscribedCircle(geom)).center AS c"
            " FROM districts WHERE code = :code) s"
        ),
        {"code": code},
    ).one()
    return x, y


def _offset(origin: tuple[float, float], east_m: float, north_m: float) -> tuple[float, float]:
    import math

    lon, lat = origin
    return lon + east_m * M_LAT / math.cos(math.radians(lat)), lat + north_m * M_LAT


_n = [0]


def _message(
    channel: str,
    posted: datetime,
    text_: str,
    author: str | None,
    raw: dict | None = None,
    url: str | None = None,
    triage: dict | None = None,
    received_by: str | None = None,
) -> SourceMessage:
    """A message as the importer stores it (``received_by`` is what the reader read from ``raw``)."""
    _n[0] += 1
    return SourceMessage(
        channel=channel,
        external_id=f"dash-{_n[0]}",
        text=text_,
        author=author,
        received_by=received_by,
        url=url,
        posted_at=posted,
        raw=raw if raw is not None else {"text": text_},
        triage=triage,
    )


def build_town() -> Town:
    """Add the hand-counted cases, works and messages to the session (flushed, not committed)."""
    town = Town()
    for code, population in POPULATION.items():
        district = db.session.scalar(db.select(District).where(District.code == code))
        district.population = population
        town.districts[code] = district.id
        town.centre[code] = _centre(code)
    road = _offset(town.centre["MKR1"], 0, 0)
    manhole = _offset(town.centre["SHORE"], 0, 0)

    def case(
        name,
        category,
        district,
        status,
        created,
        *,
        closed_days=None,
        deadline=None,
        at=None,
        messages=(),
        address=None,
    ):
        lon, lat = at if at else _offset(town.centre[district], -100 + 12 * len(town.cases), -100)
        appeal = Appeal(
            category_code=category,
            status=status,
            point=from_shape(Point(lon, lat), srid=4326),
            precision="house",
            confidence=0.9,
            placed_by="auto",
            district_id=town.districts[district],
            created_at=created,
            deadline=deadline or created + timedelta(days=30),
            closed_at=created + timedelta(days=closed_days) if closed_days is not None else None,
            address=address,
            messages=list(messages),
        )
        db.session.add(appeal)
        town.cases[name] = appeal
        return appeal

    far = utc(2099, 1, 1)

    def vk(when, who="Иван Петров"):
        return _message(
            "vk",
            when,
            "Яма на дороге",
            who,
            url=f"https://vk.com/wall-1_{_n[0] + 1}",
        )

    case(
        "c1",
        "road",
        "MKR1",
        "done",
        utc(2025, 3, 2, 10),
        closed_days=2,
        at=_offset(road, 0, 0),
        messages=[vk(utc(2025, 3, 2, 10))],
        address='=HYPERLINK("http://evil")',
    )
    case(
        "c2",
        "road",
        "MKR1",
        "done",
        utc(2025, 3, 10, 10),
        closed_days=4,
        at=_offset(road, 20, 0),
        messages=[
            vk(utc(2025, 3, 10, 10)),
            _message("pos", utc(2025, 3, 10, 11), "ПОС: секретный текст заявителя", "Олег Заявителев"),
        ],
    )
    case(
        "c3",
        "road",
        "MKR1",
        "done",
        utc(2025, 4, 1, 10),
        closed_days=10,
        at=_offset(road, 0, 20),
        messages=[_message("telegram", utc(2025, 4, 1, 10), "Яма", "tg_user", url="https://t.me/town/5")],
    )
    case(
        "c4",
        "road",
        "MKR1",
        "in_work",
        utc(2025, 4, 5, 10),
        deadline=utc(2025, 5, 5),
        at=_offset(road, 20, 20),
        messages=[_message("pos", utc(2025, 4, 5, 10), "ПОС: секретный текст заявителя 2", "Олег Заявителев")],
        address="<img src=x onerror=alert(1)>",
    )
    r1 = _message(
        "reception",
        utc(2025, 4, 10, 6),
        "Свет не горит у подъезда",
        "Мария Иванова",
        raw={
            "date": "2025-04-10",
            "visitor": "Мария Иванова",
            "question": "Свет не горит у подъезда",
            "received_by": "Глава города",
        },
        received_by="Глава города",
    )
    case("c5", "streetlight", "SHORE", "new", utc(2025, 4, 10, 6), deadline=utc(2025, 5, 10), messages=[r1])
    r2 = _message(
        "reception",
        utc(2025, 5, 20, 6),
        "Свет не горит во дворе",
        "Пётр Сидоров",
        raw={
            "Дата": "2025-05-20",
            "Посетитель": "Пётр Сидоров",
            "Вопрос": "Свет не горит во дворе",
            "Принял": "Заместитель главы",
        },
        received_by="Заместитель главы",
    )
    case("c6", "streetlight", "SHORE", "accepted", utc(2025, 5, 20, 6), deadline=far, messages=[r2])
    case(
        "c7",
        "fence",
        "SHORE",
        "rejected",
        utc(2025, 5, 21, 6),
        closed_days=1,
        messages=[_message("phone", utc(2025, 5, 21, 6), "Телефонное обращение Иванова", "Иванов И. И.")],
    )
    db.session.flush()
    c8 = case("c8", "fence", "SHORE", "duplicate", utc(2025, 5, 22, 6), messages=[vk(utc(2025, 5, 22, 6))])
    c8.duplicate_of_id = town.cases["c7"].id
    c8.closed_at = utc(2025, 5, 22, 7)
    case(
        "c9",
        "speed_bump",
        "MKR1",
        "done",
        utc(2025, 2, 28, 20, 30),
        closed_days=1,
        messages=[vk(utc(2025, 2, 28, 20, 30))],
    )
    case("c10", "speed_bump", "MKR1", "new", utc(2025, 5, 31, 19, 30), messages=[vk(utc(2025, 5, 31, 19, 30))])
    case("c11", "speed_bump", "MKR1", "new", utc(2025, 2, 28, 18), messages=[vk(utc(2025, 2, 28, 18))])
    for i, name in enumerate(("c12", "c13", "c14")):
        when = utc(2025, 3, 15 + i, 8)
        case(
            name,
            "manhole",
            "SHORE",
            "new",
            when,
            deadline=far,
            at=_offset(manhole, 15 * i, 0),
            messages=[_message("ok", when, "Люк открыт, звоните +7 912 345-67-89", "Анна Смирнова")],
        )
    db.session.add(
        _message(
            "reception",
            utc(2025, 4, 10, 7),
            "Нет воды в доме",
            "Мария Иванова",
            raw={
                "date": "2025-04-10",
                "visitor": "Мария Иванова",
                "question": "Нет воды в доме",
                "received_by": "Глава города",
            },
            triage={"category": "water"},
            received_by="Глава города",
        )
    )

    def work(name, type_code, geom, status="done", done_at=None, note=None, appeals=()):
        w = Work(
            type_code=type_code,
            geom=from_shape(geom, srid=4326),
            status=status,
            done_at=done_at,
            public_note=note,
            appeals=list(appeals),
        )
        db.session.add(w)
        town.works[name] = w
        return w

    work("w1", "speed_bump", Point(*_offset(road, -40, 0)), done_at=utc(2025, 3, 5, 8))
    work("w2", "speed_bump", Point(*_offset(town.centre["MKR1"], -120, 100)), done_at=utc(2025, 4, 2, 8))
    a, b = _offset(town.centre["SHORE"], -120, 80), _offset(town.centre["SHORE"], -70, 80)
    work(
        "w3",
        "fence",
        LineString([a, b]),
        done_at=utc(2025, 5, 10, 8),
        note="Установлено ограждение, контакт: ivan@example.com",
        appeals=[town.cases["c7"]],
    )
    work(
        "w4",
        "manhole",
        Point(*_offset(manhole, 15, 40)),
        done_at=utc(2025, 4, 20, 8),
        note="Люк закрыт новой крышкой.",
        appeals=[town.cases["c12"]],
    )
    work("w5", "streetlight", Point(*_offset(town.centre["SHORE"], 100, 100)), status="planned")
    work("w6", "speed_bump", Point(*_offset(town.centre["MKR1"], -130, 110)), done_at=utc(2025, 6, 15, 8))
    db.session.flush()
    return town


# What the dashboard must show for PERIOD, town-wide (counted by hand from the table above).
EXPECTED = {
    "received": 11,
    "waiting": 5,
    "in_work": 1,
    "done": 4,
    "rejected": 1,
    "duplicates": 1,
    "overdue": 2,
    "share_done": 36.4,
    "median_days": 3.0,
    "p90_days": 8.2,
}
EXPECTED_CATEGORIES = {  # code: (received, in_work, done, rejected, overdue)
    "road": (4, 1, 3, 0, 1),
    "manhole": (3, 0, 0, 0, 0),
    "streetlight": (2, 0, 0, 0, 1),
    "fence": (1, 0, 0, 1, 0),
    "speed_bump": (1, 0, 1, 0, 0),
}
EXPECTED_CHANNELS = {"vk": 3, "ok": 3, "pos": 2, "reception": 2, "telegram": 1, "phone": 1}
EXPECTED_DISTRICTS = {"MKR1": (5, 2.5), "SHORE": (6, 4.0)}  # received, per 1,000 residents
EXPECTED_TREND = [(date(2025, 3, 1), 6, 3, 1), (date(2025, 4, 1), 3, 1, 2), (date(2025, 5, 1), 2, 0, 1)]
EXPECTED_WORKS = {"speed_bump": 2, "manhole": 1, "fence": 1}
EXPECTED_SENTENCE = (
    "За период с 01.03.2025 по 31.05.2025 сделано: 2 искусственные неровности, "
    "закрытый люк (Тёплый берег), ограждение (Тёплый берег)."
)
EXPECTED_RECEPTION_PEOPLE = {"Глава города": (2, 1), "Заместитель главы": (1, 1)}  # questions, visitors
EXPECTED_RECEPTION_CATEGORIES = {"streetlight": (2, 2), "water": (1, 1)}


def test_the_fixture_lies_where_it_says(app_ctx: None) -> None:
    town = build_town()
    inside = db.session.execute(
        text(
            "SELECT a.id, d.code FROM appeals a JOIN districts d ON ST_Contains(d.geom, a.point) WHERE a.id = ANY(:ids)"
        ),
        {"ids": [c.id for c in town.cases.values()]},
    ).all()
    where = dict(inside)
    for appeal in town.cases.values():
        assert where[appeal.id] == ("MKR1" if appeal.district_id == town.districts["MKR1"] else "SHORE")
    near = db.session.execute(
        text(
            "SELECT ST_Distance(a.point::geography, w.geom::geography) FROM appeals a, works w"
            " WHERE a.id = :a AND w.id = :w"
        ),
        {"a": town.cases["c13"].id, "w": town.works["w4"].id},
    ).scalar_one()
    assert 30 < near < 60


# -- reading figures back from a page ----------------------------------------------------------------


def read_page(html: str) -> tuple[dict[str, str], dict[str, list[list[str]]]]:
    """The page's ``data-figure`` values and its tables (by id, rows of cell texts, header first)."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.figures: dict[str, str] = {}
            self.tables: dict[str, list[list[str]]] = {}
            self._figure: list[tuple[str, int]] = []
            self._depth = 0
            self._table: str | None = None
            self._cell: list[str] | None = None
            self._text: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag in (
                "area",
                "base",
                "br",
                "col",
                "embed",
                "hr",
                "img",
                "input",
                "link",
                "meta",
                "source",
                "track",
                "wbr",
            ):
                return  # void: no end tag follows
            a = dict(attrs)
            self._depth += 1
            if "data-figure" in a:
                self._figure.append((a["data-figure"], self._depth))
                self._text = []
            if tag == "table" and a.get("id"):
                self._table = a["id"].removeprefix("table-")
                self.tables[self._table] = []
            elif tag == "tr" and self._table:
                self.tables[self._table].append([])
            elif tag in ("td", "th") and self._table:
                self._cell = []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self._table and self._cell is not None:
                self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
                self._cell = None
            elif tag == "table":
                self._table = None
            if self._figure and self._figure[-1][1] == self._depth:
                name, _ = self._figure.pop()
                self.figures[name] = " ".join("".join(self._text).split())
            self._depth -= 1

        def handle_data(self, data):
            if self._cell is not None:
                self._cell.append(data)
            if self._figure:
                self._text.append(data)

    reader = Reader()
    reader.feed(html)
    return reader.figures, reader.tables


def figure_value(text_: str) -> str:
    """The number of a figure card ("36,4 % Доля выполненных" -> "36,4")."""
    return text_.split()[0].replace("\xa0", "")
