"""The geopy-compatible gazetteer geocoder and the remote (Nominatim) wrapper, offline."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from geopy.location import Location
from geopy.point import Point as GeoPoint

from geo.geocoder import GazetteerGeocoder, RemoteGeocoder
from geo.index import GazetteerIndex
from geo.town import read_town

TOWN_DIR = Path(__file__).parent.parent / "data" / "demo-town"


@lru_cache(maxsize=1)
def town():
    return read_town(TOWN_DIR)


@lru_cache(maxsize=1)
def geocoder() -> GazetteerGeocoder:
    return GazetteerGeocoder(GazetteerIndex(town()))


def test_geocode_returns_a_geopy_location() -> None:
    loc = geocoder().geocode("ул. Мира, 5")
    assert isinstance(loc, Location)
    rec = next(a for a in town().addresses if a.street == "Мира" and a.housenumber == "5")
    assert (loc.latitude, loc.longitude) == pytest.approx((rec.geom.y, rec.geom.x))
    assert loc.address == "улица Мира, 5"
    assert loc.raw["precision"] == "house" and loc.raw["confidence"] > 0.9
    assert loc.raw["district"] and loc.raw["address"] == "улица Мира, 5"
    assert geocoder().geocode("ул. Мира, 5", exactly_one=False)[0].address == "улица Мира, 5"


def test_geocode_unknown_and_ambiguous() -> None:
    assert geocoder().geocode("улица Пушкина, дом Колотушкина") is None
    assert geocoder().geocode("Мира 5 и Ленина 7") is None
    assert geocoder().geocode({"street": "Ленина 40"}).raw["precision"] == "house"


def test_reverse_finds_the_nearest_address() -> None:
    rec = next(a for a in town().addresses if a.street == "Ленина" and a.housenumber == "40")
    loc = geocoder().reverse(GeoPoint(rec.geom.y + 0.0001, rec.geom.x))  # ~11 m north
    assert loc.address == rec.full and loc.raw["precision"] == "house"
    loc = geocoder().reverse(f"{rec.geom.y}, {rec.geom.x}")
    assert loc.address == rec.full
    assert geocoder().reverse((0.0, 0.0)) is None  # nowhere near the town


def test_reverse_far_from_houses_falls_back_to_district() -> None:
    loc = geocoder().reverse((61.7275, 75.647))  # in Промзона, >150 m from any house or street
    assert loc is not None and loc.raw["precision"] == "district" and loc.address == "Промзона"


class FakeNominatim:
    """Stands in for geopy's Nominatim: records queries, answers from a table."""

    def __init__(self, answers: dict[str, tuple[float, float]]) -> None:
        self.answers = answers
        self.queries: list[str] = []

    def geocode(self, query: str, exactly_one: bool = True):
        self.queries.append(query)
        if query not in self.answers:
            return None
        lat, lon = self.answers[query]
        return Location(query, (lat, lon), {})


def test_remote_wrapper_is_cached_rate_limited_and_fed_addresses_only() -> None:
    sleeps: list[float] = []
    mira = next(s for s in town().streets if s.name == "Мира")
    near = mira.geom.interpolate(0.3, normalized=True)
    fake = FakeNominatim({"улица Мира, 12, Покачи": (near.y, near.x)})
    remote = RemoteGeocoder(fake, town="Покачи", min_delay_seconds=1.0, sleep=sleeps.append)
    index = GazetteerIndex(town(), house_locator=remote.house_locator())
    text = "Иванов И.И., тел. 89123456789: на Мира 12 яма"  # 12 is not in the gazetteer
    p1 = index.locate(text).place
    p2 = index.locate(text).place
    assert p1.precision == "house" and p1.source == "remote" and p1 == p2
    assert (p1.lon, p1.lat) == pytest.approx((near.x, near.y))
    assert fake.queries == ["улица Мира, 12, Покачи"]  # cached: asked once, never the message text
    assert remote.requests == 1
    index.locate("на Мира 14 яма")
    assert len(fake.queries) == 2 and sleeps and max(sleeps) <= 1.0  # the limiter waited instead of flooding


def test_remote_answer_off_the_street_is_refused() -> None:
    fake = FakeNominatim({"улица Мира, 12, Покачи": (55.75, 37.62)})  # Moscow
    remote = RemoteGeocoder(fake, town="Покачи", min_delay_seconds=0)
    p = GazetteerIndex(town(), house_locator=remote.house_locator()).locate("на Мира 12 яма").place
    assert p.source == "gazetteer" and p.precision in ("interpolated_house", "street")


def test_remote_failures_never_break_triage() -> None:
    class Broken:
        def geocode(self, query: str, exactly_one: bool = True):
            raise TimeoutError("service down")

    remote = RemoteGeocoder(Broken(), town="Покачи", min_delay_seconds=0, max_retries=0)
    p = GazetteerIndex(town(), house_locator=remote.house_locator()).locate("на Мира 12 яма").place
    assert p is not None and p.source == "gazetteer"


def test_remote_refuses_anything_but_an_address() -> None:
    remote = RemoteGeocoder(FakeNominatim({}), town="Покачи", min_delay_seconds=0)
    for bad in ("звоните 89123456789", "<script>", "x" * 500, 42):
        with pytest.raises(ValueError):
            remote.geocode_address(bad)  # type: ignore[arg-type]
