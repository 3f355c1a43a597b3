"""geopy-compatible geocoders: the town's own gazetteer, and an optional remote one.

:class:`GazetteerGeocoder` answers ``geocode``/``reverse`` from the in-memory
index, offline, in microseconds, with geopy's :class:`~geopy.location.Location`
so code written for geopy (and tests) can use either.

:class:`RemoteGeocoder` wraps a remote geopy geocoder (Nominatim) for houses the
gazetteer lacks. It is off unless configured, is rate-limited with geopy's
RateLimiter (Nominatim's policy: one request a second), caches answers, and is
only ever given an address string the index built from the gazetteer
("улица Мира, 18, Покачи"): never a message's text, a phone or a name.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any, Literal, overload

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point as GeoPoint

from geo.index import GazetteerIndex, HouseLocator, Place
from geo.town import StreetRec


def _location(place: Place) -> Location:
    return Location(place.address, (place.lat, place.lon), place.raw())


class GazetteerGeocoder(Geocoder):  # type: ignore[misc]  # geopy ships no types: Geocoder is Any
    """geopy Geocoder over a :class:`GazetteerIndex`; never touches the network."""

    def __init__(self, index: GazetteerIndex, *, reverse_max_distance: float = 150.0) -> None:
        super().__init__(user_agent="webmap-gazetteer")
        self.index = index
        self.reverse_max_distance = reverse_max_distance

    @overload
    def geocode(
        self, query: str | dict[str, Any], *, exactly_one: Literal[True] = True, timeout: Any = None
    ) -> Location | None: ...
    @overload
    def geocode(
        self, query: str | dict[str, Any], *, exactly_one: bool, timeout: Any = None
    ) -> Location | list[Location] | None: ...
    def geocode(
        self, query: str | dict[str, Any], *, exactly_one: bool = True, timeout: Any = None
    ) -> Location | list[Location] | None:
        """Resolve an address or a free text. With ``exactly_one=False`` an ambiguous
        query returns every candidate (for an operator to choose); else None."""
        if isinstance(query, dict):  # geopy's structured query: {"street": "Мира 5", ...}
            query = ", ".join(str(v) for v in query.values() if v)
        if not isinstance(query, str):
            raise TypeError(f"query must be str or dict, not {type(query).__name__}")
        resolution = self.index.locate(query)
        if resolution.place is not None:
            loc = _location(resolution.place)
            return loc if exactly_one else [loc]
        if exactly_one:
            return None
        return [_location(p) for p in resolution.candidates] or None

    def reverse(
        self, query: Any, *, exactly_one: bool = True, timeout: Any = None, max_distance: float | None = None
    ) -> Location | list[Location] | None:
        """The nearest address (or street, or district) to a point given as geopy accepts it:
        ``Point``, ``(lat, lon)`` or ``"lat, lon"``."""
        point = query if isinstance(query, GeoPoint) else GeoPoint(query)
        place = self.index.reverse(
            point.longitude, point.latitude, max_distance=max_distance or self.reverse_max_distance
        )
        if place is None:
            return None
        loc = _location(place)
        return loc if exactly_one else [loc]


_SAFE_QUERY = re.compile(r"[\w .,\-/«»№]{3,160}")


class RemoteGeocoder:
    """A remote geopy geocoder, rate-limited and cached, fed only gazetteer addresses.

    ``geocoder`` is any object with geopy's ``geocode(query, exactly_one=True)``
    (e.g. ``geopy.geocoders.Nominatim(user_agent=...)``). ``town`` is appended to
    each query ("Покачи, Ханты-Мансийский автономный округ").
    """

    def __init__(
        self,
        geocoder: Any,
        *,
        town: str,
        min_delay_seconds: float = 1.0,
        cache_size: int = 2048,
        max_retries: int = 2,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        kwargs: dict[str, Any] = {
            "min_delay_seconds": min_delay_seconds,
            "max_retries": max_retries,
            "swallow_exceptions": True,
            "return_value_on_exception": None,
        }
        kwargs["error_wait_seconds"] = max(min_delay_seconds, 5.0) if min_delay_seconds > 0 else 0.0
        self._limited = RateLimiter(geocoder.geocode, **kwargs)
        if sleep is not None:
            self._limited._sleep = sleep  # tests: no real waiting
        self.town = town
        self._cache: OrderedDict[str, tuple[float, float] | None] = OrderedDict()
        self._cache_size = cache_size
        self._lock = Lock()
        self.requests = 0  # how many queries went to the remote service

    def geocode_address(self, address: str) -> tuple[float, float] | None:
        """(lon, lat) of an address string, from the cache or the remote service."""
        if not isinstance(address, str) or not _SAFE_QUERY.fullmatch(address) or re.search(r"\d{5,}", address):
            raise ValueError("only a plain address string may be sent to a remote geocoder")
        with self._lock:
            if address in self._cache:
                self._cache.move_to_end(address)
                return self._cache[address]
        self.requests += 1
        found = self._limited(address, exactly_one=True)
        result = (float(found.longitude), float(found.latitude)) if found is not None else None
        with self._lock:
            self._cache[address] = result
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result

    def locate_house(self, street: StreetRec, house: str) -> tuple[float, float] | None:
        """A :data:`geo.index.HouseLocator`: the house on the street, in this town."""
        return self.geocode_address(f"{street.full}, {house}, {self.town}")

    def house_locator(self) -> HouseLocator:
        return self.locate_house


def nominatim(user_agent: str, town: str, *, domain: str | None = None, **kwargs: Any) -> RemoteGeocoder:
    """A RemoteGeocoder over OpenStreetMap's Nominatim (or a self-hosted one at ``domain``)."""
    from geopy.geocoders import Nominatim

    options: dict[str, Any] = {"user_agent": user_agent}
    if domain:
        options["domain"] = domain
    return RemoteGeocoder(Nominatim(**options), town=town, **kwargs)
