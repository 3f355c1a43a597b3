"""The in-memory gazetteer index: from place mentions to one point, or to none.

The rule that shapes everything here: a wrong point is worse than none. A crew
sent to a guessed spot wastes a trip, while a message without a point waits in
the operator's queue for a click. So the index refuses to choose when the text
is ambiguous (two streets with houses, a street name two streets share, an
alias two landmarks share, places far apart) and says why in
:attr:`Resolution.reason`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import shapely
from shapely.strtree import STRtree

from geo import morph
from geo.address import AddressParser, CrossingMention, DistrictMention, LandmarkMention, Mention, StreetMention
from geo.fuzzy import DifflibStreets, FuzzyStreets, nominative_guesses
from geo.housenumber import display_house, house_number
from geo.names import STREET, NameMatcher, build_patterns
from geo.normalize import house_key, name_key
from geo.spatial import LocalMetric, lerp, line_middle, meeting_point
from geo.town import StreetRec, Town

log = logging.getLogger(__name__)

HOUSE, INTERPOLATED, STREET_P, INTERSECTION, LANDMARK_P, DISTRICT_P = (
    "house",
    "interpolated_house",
    "street",
    "intersection",
    "landmark",
    "district",
)
PRECISIONS = (HOUSE, INTERPOLATED, STREET_P, INTERSECTION, LANDMARK_P, DISTRICT_P)

# house_locator(street, house as written) -> (lon, lat) or None; e.g. a remote geocoder.
HouseLocator = Callable[[StreetRec, str], "tuple[float, float] | None"]

_CONTEXT_FACTOR = {"type": 1.0, "house": 1.0, "prep": 0.92, "start": 0.78}
_TYPE_GENITIVE = {
    "улица": ("улицы", "улиц"),
    "проспект": ("проспекта", "проспектов"),
    "переулок": ("переулка", "переулков"),
    "проезд": ("проезда", "проездов"),
    "бульвар": ("бульвара", "бульваров"),
    "шоссе": ("шоссе", "шоссе"),
    "площадь": ("площади", "площадей"),
    "набережная": ("набережной", "набережных"),
    "тупик": ("тупика", "тупиков"),
}
# How far another mention may be from the chosen point and still agree with it (metres).
NEAR_STREET, NEAR_LANDMARK, NEAR_CROSSING, NEAR_DISTRICT = 200.0, 400.0, 250.0, 100.0
NEAR_STREET_FROM_LANDMARK = 300.0  # a school stands inside its block, up to half a block from a street
MAX_CROSSING_GAP = 150.0  # streets further apart than this do not meet
REMOTE_MAX_OFF_STREET = 100.0  # a remote geocoder's house must lie this close to its street


@dataclass(frozen=True)
class Place:
    """A resolved place: a lon/lat point, how precise it is and how sure the index is."""

    lon: float
    lat: float
    precision: str  # one of PRECISIONS
    confidence: float  # 0..1
    address: str  # "улица Мира, 5", "перекрёсток улиц Мира и Ленина", "Школа № 2"
    district: str | None
    street: str | None = None
    house: str | None = None
    landmark: str | None = None
    source: str = "gazetteer"  # "remote" when a remote geocoder placed the house
    fuzzy: bool = False  # a name was matched only approximately

    def raw(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "confidence": round(self.confidence, 3),
            "address": self.address,
            "district": self.district,
            "street": self.street,
            "house": self.house,
            "landmark": self.landmark,
            "source": self.source,
            "fuzzy": self.fuzzy,
            "lon": self.lon,
            "lat": self.lat,
        }


@dataclass(frozen=True)
class Resolution:
    """The outcome of locating a text: a place, or none and the reason why."""

    place: Place | None
    reason: str = ""
    candidates: tuple[Place, ...] = ()  # the places the index could not choose between
    mentions: tuple[Mention, ...] = field(default=(), repr=False)


class GazetteerIndex:
    """Streets, houses, landmarks and districts of one town, ready for lookups.

    ``fuzzy_streets`` (name candidate → [(street name, similarity)]) finds
    street names with typos, e.g. backed by pg_trgm; without it a difflib
    fallback is used. ``fuzzy_threshold`` is the similarity a fuzzy match
    needs (default 0.45 for a callback, pg_trgm's scale; 0.8 for the fallback).
    ``house_locator`` places houses the gazetteer lacks (see
    :class:`geo.geocoder.RemoteGeocoder`); its answers are checked against the
    street line before use.
    """

    def __init__(
        self,
        town: Town,
        fuzzy_streets: FuzzyStreets | None = None,
        *,
        fuzzy_threshold: float | None = None,
        house_locator: HouseLocator | None = None,
    ) -> None:
        self.town = town
        self.streets: list[StreetRec] = list(town.streets)
        self.landmarks = list(town.landmarks)
        self.districts = list(town.districts)
        self.fuzzy_streets = fuzzy_streets
        self.fuzzy_threshold = fuzzy_threshold
        self.house_locator = house_locator
        geoms = [s.geom for s in self.streets] + [d.geom for d in self.districts] + [a.geom for a in town.addresses]
        self.metric = LocalMetric.around(geoms)
        self._street_m = [self.metric.to_metric(s.geom) for s in self.streets]
        self._district_m = [self.metric.to_metric(d.geom) for d in self.districts]
        self._district_geoms = [d.geom for d in self.districts]
        shapely.prepare(self._district_geoms)
        self._streets_by_key: dict[str, list[int]] = {}
        for i, s in enumerate(self.streets):
            self._streets_by_key.setdefault(s.key, []).append(i)
        self._build_houses()
        patterns = build_patterns(self.streets, self.landmarks, self.districts)
        forms: dict[str, set[str]] = {}
        for p in patterns:
            if p.kind == STREET and len(p.tokens) == 1:
                for t in p.targets:
                    forms.setdefault(self.streets[t].key, set()).update(p.tokens[0])
        self._fallback = DifflibStreets(forms)
        # Fuzzy lookups may be database queries: remember the answers (the gazetteer is fixed).
        self._fuzzy_cached = lru_cache(maxsize=10_000)(self._fuzzy_ids)
        self.parser = AddressParser(NameMatcher(patterns), self._fuzzy_cached)

    def _build_houses(self) -> None:
        self._houses: dict[tuple[int, str], Any] = {}
        self._by_base: dict[tuple[int, int], list[Any]] = {}
        sides: dict[tuple[int, int], dict[int, Any]] = {}
        for a in self.town.addresses:
            for sid in self._streets_by_key.get(name_key(a.street), []):
                key = house_key(a.housenumber)
                self._houses[(sid, key)] = a
                parsed = house_number(key)
                if parsed is None:
                    continue
                num, rest = parsed
                self._by_base.setdefault((sid, num), []).append(a)
                side = sides.setdefault((sid, num % 2), {})
                if num not in side or not rest:  # a plain "5" beats "5/1" as the plot's point
                    side[num] = a
        self._sides = {k: sorted(v.items()) for k, v in sides.items()}
        self._addresses = list(self.town.addresses)
        self._address_tree = STRtree([self.metric.to_metric(a.geom) for a in self._addresses])

    # -- text → place -----------------------------------------------------------
    def extract(self, text: str) -> list[Mention]:
        """The place mentions the parser finds in ``text``."""
        return self.parser.extract(text)

    def locate(self, text: str) -> Resolution:
        """Resolve a free text (a message or an address string) to at most one place."""
        return self.resolve(self.extract(text))

    def resolve(self, mentions: Sequence[Mention]) -> Resolution:
        """Choose the most precise mention, if all the others agree with it."""
        mentions = tuple(mentions)
        if not mentions:
            return Resolution(None, "no place named", (), mentions)
        unclear = self._ambiguous(mentions)
        if unclear is not None:
            reason, candidates = unclear
            return Resolution(None, reason, tuple(candidates), mentions)
        primary, used, reason = self._primary(mentions)
        if primary is None:
            return Resolution(None, reason, (), mentions)
        place = primary
        agreeing = 0
        street_sid = next((self._pick_street(u)[0][0] for u in used if isinstance(u, StreetMention)), None)
        for m in mentions:
            if any(m is u for u in used):
                continue
            verdict, place = self._agrees(place, primary, m, street_sid)
            if not verdict:
                return Resolution(None, "places named far apart", (primary,), mentions)
            agreeing += 1
        if agreeing:
            place = replace(place, confidence=min(0.99, place.confidence + 0.03 * agreeing))
        return Resolution(place, "", (), mentions)

    def _pick_street(self, m: StreetMention) -> tuple[list[int], bool]:
        """Streets a mention can mean, narrowed by its street type; and whether the type fitted."""
        ids = sorted(m.streets)
        if not m.types:
            return ids, True
        fitting = [i for i in ids if self.streets[i].type in m.types]
        return (fitting, True) if fitting else (ids, False)

    def _ambiguous(self, mentions: Sequence[Mention]) -> tuple[str, list[Place]] | None:
        for m in mentions:
            street_mentions = (
                [m] if isinstance(m, StreetMention) else ([m.first, m.second] if isinstance(m, CrossingMention) else [])
            )
            for sm in street_mentions:
                ids, _ = self._pick_street(sm)
                if len(ids) > 1:
                    return "street name shared by several streets", [self._street_place(i, 0.5, sm) for i in ids]
            if isinstance(m, LandmarkMention) and len(m.landmarks) > 1:
                return "landmark name shared by several landmarks", [
                    self._landmark_place(i, m) for i in sorted(m.landmarks)
                ]
            if isinstance(m, DistrictMention) and len(m.districts) > 1:
                return "district name shared by several districts", [
                    self._district_place(i) for i in sorted(m.districts)
                ]
        return None

    def _primary(self, mentions: Sequence[Mention]) -> tuple[Place | None, Sequence[Mention], str]:
        streets = [m for m in mentions if isinstance(m, StreetMention)]
        with_house = [m for m in streets if m.houses]
        if with_house:
            sids = {self._pick_street(m)[0][0] for m in with_house}
            if len(sids) > 1:
                return None, [], "house numbers on different streets"
            sid = sids.pop()
            same_street = [m for m in streets if self._pick_street(m)[0][0] == sid]
            if len({m.houses[0] for m in with_house}) > 1:
                return self._street_place(sid, 0.6, with_house[0]), same_street, ""
            return self._house_place(sid, with_house[0]), same_street, ""
        crossings = [m for m in mentions if isinstance(m, CrossingMention)]
        if crossings:
            pairs = {
                frozenset({self._pick_street(c.first)[0][0], self._pick_street(c.second)[0][0]}) for c in crossings
            }
            if len(pairs) > 1:
                return None, [], "several crossings"
            place = self._crossing_place(crossings[0])
            return place, crossings, "" if place else "the streets do not meet"
        landmarks = [m for m in mentions if isinstance(m, LandmarkMention)]
        if landmarks:
            ids = {next(iter(m.landmarks)) for m in landmarks}
            if len(ids) > 1:
                return None, [], "several landmarks"
            specific = [m for m in landmarks if not m.generic] or landmarks
            return self._landmark_place(ids.pop(), specific[0]), landmarks, ""
        if streets:
            sids = {self._pick_street(m)[0][0] for m in streets}
            if len(sids) > 1:
                return None, [], "several streets"
            best = max(streets, key=lambda m: _CONTEXT_FACTOR[m.context] * m.similarity)
            return self._street_place(sids.pop(), 0.85, best), streets, ""
        districts = [m for m in mentions if isinstance(m, DistrictMention)]
        ids = {next(iter(m.districts)) for m in districts}
        if len(ids) > 1:
            return None, [], "several districts"
        return self._district_place(ids.pop()), districts, ""

    def _agrees(self, place: Place, primary: Place, m: Mention, street_sid: int | None) -> tuple[bool, Place]:
        """Whether another mention fits the chosen place (a street-only place may be narrowed)."""
        pt = self.metric.point(place.lon, place.lat)
        if isinstance(m, StreetMention):
            sid = self._pick_street(m)[0][0]
            limit = NEAR_STREET_FROM_LANDMARK if primary.precision == LANDMARK_P else NEAR_STREET
            return self._street_m[sid].distance(pt) <= limit, place
        if isinstance(m, LandmarkMention):
            lm = self.landmarks[next(iter(m.landmarks))]
            return self.metric.point(lm.geom.x, lm.geom.y).distance(pt) <= NEAR_LANDMARK, place
        if isinstance(m, CrossingMention):
            other = self._crossing_place(m)
            return other is not None and self.metric.point(other.lon, other.lat).distance(pt) <= NEAR_CROSSING, place
        if isinstance(m, DistrictMention):
            did = next(iter(m.districts))
            area = self._district_m[did]
            if primary.precision == STREET_P and street_sid is not None:
                # "на Мира в 5 мкр": the part of the street inside the district
                part = self._street_m[street_sid].intersection(area)
                if part.is_empty or part.length < 1.0:
                    return False, place
                mid = line_middle(part)
                lon, lat = self.metric.lonlat(mid.x, mid.y)
                return True, replace(place, lon=lon, lat=lat, district=self.districts[did].name)
            return area.distance(pt) <= NEAR_DISTRICT, place
        return True, place

    # -- places -------------------------------------------------------------------
    def _confidence(self, base: float, m: StreetMention | None, type_fits: bool = True) -> float:
        c = base
        if m is not None:
            c *= _CONTEXT_FACTOR.get(m.context, 0.8)
            if m.similarity < 1.0:
                c *= 0.8
        if not type_fits:
            c *= 0.85
        return round(min(c, 0.99), 3)

    def _house_place(self, sid: int, m: StreetMention) -> Place:
        street = self.streets[sid]
        _, fits = self._pick_street(m)
        fuzzy = m.similarity < 1.0
        key = m.houses[0]
        shown = display_house(key)
        address = f"{street.full}, {shown}"
        for n, other in enumerate(m.houses):
            rec = self._houses.get((sid, other))
            if rec is None:
                continue
            if n == 0:
                return self._place(
                    rec.geom.x,
                    rec.geom.y,
                    HOUSE,
                    self._confidence(0.95, m, fits),
                    rec.full,
                    street=street.name,
                    house=rec.housenumber,
                    fuzzy=fuzzy,
                )
            # "5а" asked, only "5" known: the same plot, not the same house
            return self._place(
                rec.geom.x,
                rec.geom.y,
                INTERPOLATED,
                self._confidence(0.85, m, fits),
                address,
                street=street.name,
                house=shown,
                fuzzy=fuzzy,
            )
        if self.house_locator is not None:
            found = self._remote_house(sid, shown)
            if found is not None:
                return self._place(
                    *found,
                    HOUSE,
                    self._confidence(0.8, m, fits),
                    address,
                    street=street.name,
                    house=shown,
                    source="remote",
                    fuzzy=fuzzy,
                )
        parsed = house_number(key)
        if parsed is not None:
            num, _rest = parsed
            same_plot = self._by_base.get((sid, num))
            if same_plot:  # "24Б" asked, "24А" known: the same plot
                rec = same_plot[0]
                return self._place(
                    rec.geom.x,
                    rec.geom.y,
                    INTERPOLATED,
                    self._confidence(0.85, m, fits),
                    address,
                    street=street.name,
                    house=shown,
                    fuzzy=fuzzy,
                )
            side = self._sides.get((sid, num % 2), [])
            lower = [(n, a) for n, a in side if n < num]
            upper = [(n, a) for n, a in side if n > num]
            if lower and upper:
                (n0, a0), (n1, a1) = lower[-1], upper[0]
                p = lerp(a0.geom, a1.geom, (num - n0) / (n1 - n0))
                gap_penalty = 0.1 if n1 - n0 > 10 else 0.0
                return self._place(
                    p.x,
                    p.y,
                    INTERPOLATED,
                    self._confidence(0.8 - gap_penalty, m, fits),
                    address,
                    street=street.name,
                    house=shown,
                    fuzzy=fuzzy,
                )
        return self._street_place(sid, 0.6, m, house=shown)

    def _remote_house(self, sid: int, shown: str) -> tuple[float, float] | None:
        try:
            found = self.house_locator(self.streets[sid], shown) if self.house_locator else None
        except Exception:  # a remote service must never break triage
            log.warning("house locator failed", exc_info=True)
            return None
        if found is None:
            return None
        lon, lat = found
        if self._street_m[sid].distance(self.metric.point(lon, lat)) > REMOTE_MAX_OFF_STREET:
            return None  # the remote answer is not on this street: refuse it
        return lon, lat

    def _street_place(self, sid: int, base: float, m: StreetMention | None, house: str | None = None) -> Place:
        street = self.streets[sid]
        fits = self._pick_street(m)[1] if m is not None else True
        p = line_middle(street.geom)
        return self._place(
            p.x,
            p.y,
            STREET_P,
            self._confidence(base, m, fits),
            street.full,
            street=street.name,
            house=house,
            fuzzy=bool(m and m.similarity < 1.0),
        )

    def _crossing_place(self, c: CrossingMention) -> Place | None:
        a, b = self._pick_street(c.first)[0][0], self._pick_street(c.second)[0][0]
        if a == b:
            return None
        point, gap = meeting_point(self._street_m[a], self._street_m[b])
        if point is None or gap > MAX_CROSSING_GAP:
            return None
        lon, lat = self.metric.lonlat(point.x, point.y)
        sa, sb = self.streets[a], self.streets[b]
        if sa.type == sb.type and sa.type in _TYPE_GENITIVE:
            address = f"перекрёсток {_TYPE_GENITIVE[sa.type][1]} {sa.name} и {sb.name}"
        else:
            ga = _TYPE_GENITIVE.get(sa.type, (sa.type,))[0]
            gb = _TYPE_GENITIVE.get(sb.type, (sb.type,))[0]
            address = f"перекрёсток {ga} {sa.name} и {gb} {sb.name}"
        conf = min(self._confidence(0.9, c.first), self._confidence(0.9, c.second))
        if gap > 0:
            conf *= 0.9
        return self._place(
            lon,
            lat,
            INTERSECTION,
            round(conf, 3),
            address,
            street=f"{sa.name} / {sb.name}",
            fuzzy=c.first.similarity < 1.0 or c.second.similarity < 1.0,
        )

    def _landmark_place(self, i: int, m: LandmarkMention | None) -> Place:
        lm = self.landmarks[i]
        conf = 0.75 if m is not None and m.generic else 0.88
        return self._place(lm.geom.x, lm.geom.y, LANDMARK_P, conf, lm.name, landmark=lm.name, district=lm.district)

    def _district_place(self, i: int) -> Place:
        d = self.districts[i]
        p = d.geom.representative_point()
        return self._place(p.x, p.y, DISTRICT_P, 0.7, d.name, district=d.name)

    def _place(
        self,
        lon: float,
        lat: float,
        precision: str,
        confidence: float,
        address: str,
        *,
        district: str | None = None,
        **extra: Any,
    ) -> Place:
        return Place(
            float(lon), float(lat), precision, confidence, address, self.district_at(lon, lat) or district, **extra
        )

    # -- lookups ------------------------------------------------------------------
    def district_at(self, lon: float, lat: float) -> str | None:
        """Name of the district containing the point, if any."""
        for d, geom in zip(self.districts, self._district_geoms):
            if shapely.intersects_xy(geom, lon, lat):  # inside or on the border
                return d.name
        return None

    def reverse(self, lon: float, lat: float, max_distance: float = 150.0) -> Place | None:
        """The nearest house within ``max_distance`` metres, else the nearest street, else the district."""
        pt = self.metric.point(lon, lat)
        if self._addresses:
            idx, dist = self._address_tree.query_nearest(pt, max_distance=max_distance, return_distance=True)
            if len(idx):
                a = self._addresses[int(idx[0])]
                conf = round(max(0.3, 0.95 - float(dist[0]) / max_distance * 0.5), 3)
                return self._place(a.geom.x, a.geom.y, HOUSE, conf, a.full, street=a.street, house=a.housenumber)
        best = min(range(len(self.streets)), key=lambda i: self._street_m[i].distance(pt), default=None)
        if best is not None and self._street_m[best].distance(pt) <= max_distance:
            line = self._street_m[best]
            near = line.interpolate(line.project(pt))
            lon2, lat2 = self.metric.lonlat(near.x, near.y)
            return self._place(lon2, lat2, STREET_P, 0.6, self.streets[best].full, street=self.streets[best].name)
        name = self.district_at(lon, lat)
        if name is not None:
            return self._place(lon, lat, DISTRICT_P, 0.5, name, district=name)
        return None

    def _fuzzy_ids(self, word: str) -> tuple[frozenset[int], float] | None:
        """Street indexes of the one street name ``word`` resembles, with the similarity."""
        scores: dict[str, float] | None = None
        threshold = self.fuzzy_threshold
        if self.fuzzy_streets is not None:
            try:
                scores = {}
                for variant in nominative_guesses(word):
                    for name, sim in self.fuzzy_streets(variant) or ():
                        key = name_key(str(name))
                        scores[key] = max(scores.get(key, 0.0), float(sim))
                threshold = 0.45 if threshold is None else threshold
            except Exception:  # the database may be down: fall back, never fail triage
                log.warning("fuzzy_streets callback failed; using the difflib fallback", exc_info=True)
                scores, threshold = None, self.fuzzy_threshold
        if scores is None:
            scores = dict(self._fallback(word))
            threshold = 0.8 if threshold is None else threshold
        assert threshold is not None  # each branch above chose one
        if morph.is_known(word):  # a real word that resembles a street name needs to be very close
            threshold += (1.0 - threshold) * 0.5
        ranked = sorted(((k, v) for k, v in scores.items() if k in self._streets_by_key), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < threshold:
            return None
        if len(ranked) > 1 and ranked[1][1] > ranked[0][1] - 0.05:
            return None  # two names equally close: a typo we cannot attribute
        return frozenset(self._streets_by_key[ranked[0][0]]), min(ranked[0][1], 0.99)
