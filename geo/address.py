"""Place mentions in free Russian text: streets with houses, crossings, landmarks, districts.

The parser only reports what the gazetteer can name (see :mod:`geo.names`); it
reads the words around a name to decide whether it is a place at all:

* a street needs a street type ("ул.", "проспекта"), a house number, a
  preposition of place ("на Молодёжной") or to open a sentence; an adjective
  name that qualifies the next noun ("северная часть", "школьный автобус") is
  not a street;
* a house number must stand next to its street ("Мира, д. 5", "Нефтяников пр-т
  3", "у дома 5 по Мира"); a number that counts something ("12 фонарей") or a
  masked phone or date never is one;
* a one-word common alias ("парк", "администрация") names a landmark only after
  a preposition of place, so "Уважаемая администрация" is nobody's address.

Deciding which mention wins, and refusing to choose, is the index's job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from geo import morph
from geo.housenumber import HouseMatch, counts_something, match_house
from geo.names import LANDMARK, STREET, NameHit, NameMatcher
from geo.tokens import Token, prepare, tokenize

# word -> (street indexes of the one name it resembles, similarity), or None
FuzzyStreetIds = Callable[[str], "tuple[frozenset[int], float] | None"]

_TYPE_ABBREVIATIONS: dict[str, frozenset[str]] = {
    "ул": frozenset({"улица"}),
    "пр": frozenset({"проспект", "проезд"}),
    "пр-т": frozenset({"проспект"}),
    "пр-кт": frozenset({"проспект"}),
    "просп": frozenset({"проспект"}),
    "пер": frozenset({"переулок"}),
    "пр-д": frozenset({"проезд"}),
    "б-р": frozenset({"бульвар"}),
    "бул": frozenset({"бульвар"}),
    "бульв": frozenset({"бульвар"}),
    "ш": frozenset({"шоссе"}),
    "пл": frozenset({"площадь"}),
    "наб": frozenset({"набережная"}),
}
_TYPE_WORDS = ("улица", "проспект", "переулок", "проезд", "бульвар", "шоссе", "площадь", "набережная", "тупик")
HOUSE_MARKERS = frozenset({"д", "дом", "дома", "доме", "домом", "дому"})
CROSSING_WORDS = frozenset(
    {
        "перекресток",
        "перекрестка",
        "перекрестке",
        "перекрестком",
        "перекрестку",
        "перекрестки",
        "угол",
        "угла",
        "углу",
        "углом",
        "пересечение",
        "пересечения",
        "пересечении",
        "пересечением",
        "перекрестье",
    }
)
STREET_PREPS = (
    frozenset(
        {
            "на",
            "по",
            "вдоль",
            "около",
            "возле",
            "у",
            "напротив",
            "от",
            "до",
            "за",
            "перед",
            "близ",
            "вблизи",
            "к",
            "ко",
            "с",
            "со",
            "между",
            "районе",
            "через",
            "угол",
            "углу",
            "пересечении",
            "перекрестке",
            "конце",
            "начале",
            "середине",
            "и",
        }
    )
    | CROSSING_WORDS
)
# Before a one-word alias ("у стадиона"); not "из", "от", "с": "ответ из администрации" is no place.
PLACE_PREPS = frozenset(
    {
        "у",
        "возле",
        "около",
        "рядом",
        "напротив",
        "за",
        "перед",
        "в",
        "во",
        "на",
        "вдоль",
        "близ",
        "вблизи",
        "до",
        "к",
        "ко",
        "районе",
        "территории",
        "между",
        "позади",
        "сзади",
        "под",
        "мимо",
    }
)
_MOTION_PREPS = frozenset({"в", "во", "на"})  # with the accusative they say where to, not where


def _street_type_markers() -> dict[str, frozenset[str]]:
    markers = dict(_TYPE_ABBREVIATIONS)
    for word in _TYPE_WORDS:
        for form in morph.inflections(word, plural=True):
            markers.setdefault(form, frozenset({word}))
    return markers


@dataclass(frozen=True, slots=True)
class StreetMention:
    """A street named in text, with the house number if one was given."""

    streets: frozenset[int]  # candidate street indexes (more than one: ambiguous)
    types: frozenset[str]  # street types the text gave ("улица"), empty if none
    houses: tuple[str, ...]  # house keys to try in order; empty for the street alone
    house_text: str | None
    context: str  # "type", "house", "prep" or "start": how sure the text is that it is a street
    similarity: float  # 1.0 for an exact name, less when found by fuzzy matching
    span: tuple[int, int]  # characters in the original text


@dataclass(frozen=True, slots=True)
class LandmarkMention:
    landmarks: frozenset[int]
    generic: bool  # named by a common word ("стадион"), not a proper name
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class DistrictMention:
    districts: frozenset[int]
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class CrossingMention:
    """Two streets said to cross ("на углу Мира и Ленина")."""

    first: StreetMention
    second: StreetMention
    span: tuple[int, int]


Mention = StreetMention | LandmarkMention | DistrictMention | CrossingMention


@dataclass
class _Scan:
    tokens: list[Token]
    folded: str
    hits: list[NameHit] = field(default_factory=list)
    hit_tokens: set[int] = field(default_factory=set)
    street_ends: set[int] = field(default_factory=set)  # last tokens of street names


class AddressParser:
    """Extracts :data:`Mention` objects from text, using a gazetteer's name patterns."""

    def __init__(self, matcher: NameMatcher, fuzzy: FuzzyStreetIds | None = None) -> None:
        self.matcher = matcher
        self.fuzzy = fuzzy
        self.type_markers = _street_type_markers()

    # -- public -------------------------------------------------------------
    def extract(self, text: str) -> list[Mention]:
        """All place mentions in ``text``, in text order."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        folded = prepare(text)
        scan = _Scan(tokenize(folded, text), folded)
        scan.hits = self.matcher.find(scan.tokens)
        for h in scan.hits:
            scan.hit_tokens.update(range(h.start, h.end))
        if self.fuzzy is not None:
            scan.hits += self._fuzzy_hits(scan)
            scan.hits.sort(key=lambda h: h.start)
        scan.street_ends = {h.end - 1 for h in scan.hits if h.kind == STREET}
        mentions: list[Mention] = []
        for hit in scan.hits:
            m: Mention | None
            if hit.kind == STREET:
                m = self._street(scan, hit)
            elif self._place_context_ok(scan.tokens, hit):
                span = (scan.tokens[hit.start].start, scan.tokens[hit.end - 1].end)
                m = (
                    LandmarkMention(hit.targets, hit.needs_context, span)
                    if hit.kind == LANDMARK
                    else DistrictMention(hit.targets, span)
                )
            else:
                m = None
            if m is not None:
                mentions.append(m)
        return self._crossings(scan.tokens, mentions)

    # -- streets ------------------------------------------------------------
    def _type_at(self, tokens: Sequence[Token], k: int) -> frozenset[str] | None:
        if 0 <= k < len(tokens) and tokens[k].kind == "word":
            return self.type_markers.get(tokens[k].text)
        return None

    def _street(self, scan: _Scan, hit: NameHit) -> StreetMention | None:
        tokens, n = scan.tokens, len(scan.tokens)
        i, j = hit.start, hit.end
        types: frozenset[str] = frozenset()
        k = i - 1
        if k >= 0 and tokens[k].text == "." and self._type_at(tokens, k - 1):
            k -= 1
        found = self._type_at(tokens, k)
        if found:
            types, k = found, k - 1
        else:
            k = i - 1
        prev = tokens[k] if k >= 0 else None
        m = j
        found = self._type_at(tokens, m)
        if found and not types:
            types, m = found, m + 1
            if m < n and tokens[m].text == ".":
                m += 1
        house = self._house_after(scan, m)
        if house is None and prev is not None and prev.text in ("по", "на"):
            house = self._house_before(scan, k)  # "у дома 5 по Мира"
        elif house is None and types and k >= 0:
            house = self._house_before(scan, k + 1)  # "д. 5 ул. Ленина"
        if house is None:
            house = self._spoken_house(tokens, m, k)  # "на Мира возле 12 дома", "у 5-го дома по Мира"
        if types:
            context = "type"
        elif house is not None:
            context = "house"
        elif prev is not None and (prev.text in STREET_PREPS or k in scan.street_ends):
            context = "prep"  # "на Молодёжной", "перекрёсток Нефтяников Молодёжной"
        elif tokens[i].cap and (prev is None or prev.kind == "punct"):
            context = "start"
        else:
            return None
        if hit.similarity < 1.0 and context not in ("type", "house") and morph.is_known(tokens[i].text):
            return None
        if context in ("prep", "start") and j < n and tokens[j].kind == "word":
            after_street = prev is not None and prev.text in ("/", "и")
            if hit.adjective and not after_street and morph.agrees(tokens[i].text, tokens[j].text):
                return None  # "северная часть города", "школьный автобус"
            if tokens[j].cap and morph.name_tags(tokens[j].text)[0] & {"Patr", "Surn"}:
                return None  # "Мира Петровна": a person
        if (
            context == "start"
            and k >= 0
            and tokens[k].kind == "word"
            and tokens[k].cap
            and morph.name_tags(tokens[k].text)[0]
        ):
            return None  # "Иван Мира"
        start = tokens[k + 1].start if types and k + 1 < i else tokens[i].start
        end = max(tokens[j - 1].end, house.end if house and house.end > tokens[i].start else 0)
        return StreetMention(
            hit.targets,
            types,
            house.keys if house else (),
            house.text if house else None,
            context,
            hit.similarity,
            (start, end),
        )

    def _house_after(self, scan: _Scan, m: int) -> HouseMatch | None:
        """A house number right after the street: "Мира 5", "Мира, д. 5", "Мира дом № 5"."""
        tokens, n = scan.tokens, len(scan.tokens)
        marked = False
        if m < n and tokens[m].text == ",":
            m, marked = m + 1, True
        if m < n and tokens[m].text in HOUSE_MARKERS:
            m, marked = m + 1, True
            while m < n and tokens[m].text in (".", "№"):
                m += 1
        elif m < n and tokens[m].text == "№":
            m, marked = m + 1, True
        if m >= n or tokens[m].kind != "num" or tokens[m].ordinal or m in scan.hit_tokens:
            return None
        return self._checked_house(scan, m, marked)

    def _checked_house(self, scan: _Scan, m: int, marked: bool) -> HouseMatch | None:
        tokens = scan.tokens
        house = match_house(scan.folded, tokens[m].start)
        if house is None:
            return None
        for t in tokens[m + 1 : m + 8]:
            if t.start >= house.end:
                if t.kind == "word" and counts_something(house.number, t.text, comma=marked):
                    return None  # "на Мира 12 фонарей не горят"
                break
        return house

    def _house_before(self, scan: _Scan, k: int) -> HouseMatch | None:
        """A house number that ends right before tokens[k] ("по", or the street type):
        "у дома 5 по Мира", "во дворе дома № 21 по ул. Молодёжной", "д. 5 ул. Ленина"."""
        tokens = scan.tokens
        for back in range(k - 1, max(-1, k - 8), -1):
            if tokens[back].text in HOUSE_MARKERS:
                m = back + 1
                while m < k and tokens[m].text in (".", "№"):
                    m += 1
                if m < k and tokens[m].kind == "num" and not tokens[m].ordinal:
                    house = self._checked_house(scan, m, True)
                    last = k - 1 if tokens[k - 1].text not in (",", ";") else k - 2
                    if house is not None and house.end >= tokens[last].end:
                        return house
                return None
        return None

    @staticmethod
    def _spoken_house(tokens: Sequence[Token], after: int, before: int) -> HouseMatch | None:
        """A house said as "12 дом" / "5-го дома" next to the street (speech, not addresses)."""

        def numbered(i: int) -> HouseMatch | None:
            if (
                0 <= i < len(tokens) - 1
                and tokens[i].kind == "num"
                and tokens[i + 1].text.startswith("дом")
                and tokens[i + 1].text in HOUSE_MARKERS
            ):
                digits = "".join(c for c in tokens[i].text if c.isdigit())
                if digits and 0 < int(digits) < 1000:
                    return HouseMatch((digits,), tokens[i].text, int(digits), tokens[i + 1].end)
            return None

        n = len(tokens)
        i = after
        for _ in range(3):  # "на Мира, возле 12 дома"
            if i < n and (tokens[i].text in PLACE_PREPS or tokens[i].text in (",", "рядом")):
                i += 1
        found = numbered(i)
        if found is None and before >= 0 and tokens[before].text in ("по", "на"):
            found = numbered(before - 2)  # "у 12 дома по Мира"
        return found

    def _fuzzy_hits(self, scan: _Scan) -> list[NameHit]:
        """Street names with typos, looked for only where a street must stand."""
        fuzzy = self.fuzzy
        if fuzzy is None:
            return []
        tokens = scan.tokens
        out: list[NameHit] = []
        for i, t in enumerate(tokens):
            if (
                t.kind != "word"
                or i in scan.hit_tokens
                or len(t.text) < 5
                or t.ordinal
                or t.text in self.type_markers
                or t.text in HOUSE_MARKERS
            ):
                continue
            pi = i - 1
            if pi >= 1 and tokens[pi].text == "." and self._type_at(tokens, pi - 1):
                pi -= 1
            prev = tokens[pi] if pi >= 0 else None
            nxt = i + 1 + (1 if i + 1 < len(tokens) and tokens[i + 1].text == "," else 0)
            slot = bool(self._type_at(tokens, pi) or self._type_at(tokens, i + 1))
            if not slot and nxt < len(tokens) and tokens[nxt].kind == "num" and not tokens[nxt].ordinal:
                slot = prev is None or prev.kind == "punct" or prev.text in STREET_PREPS
            if not slot and prev is not None and prev.text in STREET_PREPS and not morph.is_known(t.text):
                slot = len(t.text) >= 6
            if not slot:
                continue
            found = fuzzy(t.text)
            if found:
                streets, sim = found
                out.append(NameHit(STREET, streets, i, i + 1, adjective=morph.is_adjective(t.text), similarity=sim))
        return out

    # -- landmarks and districts ----------------------------------------------
    @staticmethod
    def _place_context_ok(tokens: Sequence[Token], hit: NameHit) -> bool:
        i = hit.start
        if hit.needs_context:
            k = i - 1
            if k >= 0 and tokens[k].kind == "punct" and tokens[k].text in '«"“':
                k -= 1
            if (
                k >= 0
                and tokens[k].kind == "word"
                and tokens[k].text not in PLACE_PREPS
                and morph.adjective_forms(tokens[k].text)
                and k - 1 >= 0
            ):
                k -= 1  # "у старого стадиона"
            if k >= 1 and tokens[k].text in ("с", "со") and tokens[k - 1].text == "рядом":
                k -= 1
            if k < 0 or tokens[k].text not in PLACE_PREPS:
                return False
            if tokens[k].text in _MOTION_PREPS and not morph.cases(tokens[i].text) & {"loct", "loc2"}:
                return False  # "писали в администрацию", "пошли на стадион"
        if hit.adjective and hit.end < len(tokens) and tokens[hit.end].kind == "word":
            if morph.agrees(tokens[i].text, tokens[hit.end].text):
                return False  # "южный ветер"
        return True

    # -- crossings ----------------------------------------------------------------
    @staticmethod
    def _crossings(tokens: Sequence[Token], mentions: list[Mention]) -> list[Mention]:
        """Turn "на углу/перекрёстке X и Y", "пересечение X с Y", "X/Y" into one crossing."""
        streets = [m for m in mentions if isinstance(m, StreetMention) and not m.houses]
        if len(streets) < 2:
            return mentions
        starts = {t.start: idx for idx, t in enumerate(tokens)}
        keyword_at = [idx for idx, t in enumerate(tokens) if t.text in CROSSING_WORDS]
        pairs: list[tuple[StreetMention, StreetMention]] = []
        used: set[int] = set()
        for a, b in zip(streets, streets[1:]):
            if a.streets == b.streets or id(a) in used:
                continue
            ia, ib = starts.get(a.span[0], -1), starts.get(b.span[0], -1)
            slash = 0 <= ia < ib <= ia + 4 and any(t.text == "/" for t in tokens[ia:ib])
            near_keyword = any(ia - 4 <= kw <= ia or ia < kw < ib for kw in keyword_at) and ib - ia <= 8
            if slash or near_keyword:
                pairs.append((a, b))
                used.update({id(a), id(b)})
        if not pairs:
            return mentions
        out: list[Mention] = [m for m in mentions if id(m) not in used]
        for a, b in pairs:
            out.append(CrossingMention(a, b, (a.span[0], b.span[1])))
        return sorted(out, key=lambda m: m.span[0])
