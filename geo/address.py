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
from dataclasses import dataclass, field, replace

from geo import morph
from geo.addressee import addressee
from geo.housenumber import HouseMatch, counts_something, match_house
from geo.names import DISTRICT_ABBREVIATIONS, DISTRICT_WORD, LANDMARK, STREET, NameHit, NameMatcher
from geo.tokens import Token, prepare, tokenize

# word -> (street indexes of the one name it resembles, similarity), or None
FuzzyStreetIds = Callable[[str], "tuple[frozenset[int], float] | None"]

_TYPE_ABBREVIATIONS: dict[str, frozenset[str]] = {
    "ул": frozenset({"улица"}),
    "пр": frozenset({"проспект", "проезд"}),
    "пр-т": frozenset({"проспект"}),
    "пр-та": frozenset({"проспект"}),
    "пр-те": frozenset({"проспект"}),
    "пр-ту": frozenset({"проспект"}),
    "пр-том": frozenset({"проспект"}),
    "пр-кт": frozenset({"проспект"}),
    "пр-кта": frozenset({"проспект"}),
    "пр-кте": frozenset({"проспект"}),
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
            "р-не",
            "через",
            "угол",
            "углу",
            "пересечении",
            "перекрестке",
            "конце",
            "начале",
            "середине",
            "участке",
            "участок",
            "участка",
            "отрезке",
            "отрезок",
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
        "р-не",
        "территории",
        "между",
        "позади",
        "сзади",
        "под",
        "мимо",
    }
)
# Words between a street and its house: "Мира возле д. 8", "Лесной в районе дома 3", "Ленина, напротив дома № 4".
RELATION_WORDS = frozenset(
    {"у", "возле", "около", "напротив", "рядом", "с", "со", "в", "во", "районе", "р-не", "за", "перед", "недалеко"}
    | {"от", "между", "под", "сзади", "позади", "вдоль", "со", "стороны", "торца", "дворе", "двор", "во", "близ"}
)
DISTRICT_WORDS = DISTRICT_ABBREVIATIONS | morph.inflections(DISTRICT_WORD)
# "вход в X", "въезд на X": the way into a place is at it.
ENTRANCE_WORDS = frozenset(
    {"вход", "входа", "входе", "входом", "въезд", "въезда", "въезде", "въездом", "заезд", "заезда", "заезде"}
    | {"крыльцо", "крыльца", "ворота", "ворот", "калитка", "калитки", "дорога", "дороге", "дорогу", "дорожка"}
)
_RANGE_HOUSE_WORDS = frozenset({"домами", "домов", "домах", "д", "дд"})
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


@dataclass(frozen=True, slots=True)
class SegmentMention:
    """A stretch of one street: between two crossing streets or between two houses.

    "на Геологов от Мира до Ленина", "на участке от ул. Мира до ул. Ленина"
    (``street`` None: the index looks for the one street that crosses both),
    "на Мира между домами 21 и 25".
    """

    street: StreetMention | None
    ends: tuple[StreetMention, StreetMention] | None  # the crossing streets
    houses: tuple[tuple[str, ...], tuple[str, ...]] | None  # the house keys of the two ends
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class UnknownStreetMention:
    """A street the text names by its type ("ул. Пушкина", "Садовая улица") that the gazetteer lacks.

    Most often the message is about another town; else about a street the
    gazetteer does not know yet. Either way no point here is sure.
    """

    name: str
    span: tuple[int, int]
    what: str = "улица"  # or "микрорайон" for "мкр. Пойма"


Mention = StreetMention | LandmarkMention | DistrictMention | CrossingMention | SegmentMention | UnknownStreetMention


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
        return self.scan(text)[0]

    def scan(self, text: str) -> tuple[list[Mention], list[Token], set[int]]:
        """The mentions, the tokens they were read from, and which tokens are gazetteer names."""
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
        mentions = self._segments(scan, mentions)
        mentions = self._loose_houses(scan, mentions)
        unknown = self._unknown_streets(scan)
        if unknown:
            mentions = sorted([*mentions, *unknown], key=lambda m: m.span[0])
        return self._crossings(scan.tokens, mentions), scan.tokens, scan.hit_tokens

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
        if house is None:
            house = self._house_near(scan, m)  # "по ул. Мира возле д. 8", "на Лесной в районе дома 3"
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
        if hit.nickname and context not in ("type", "house") and (prev is None or prev.text not in STREET_PREPS):
            return None  # "Комсомолка сказала": a person; "на Комсомолке" is the street
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

    def _house_near(self, scan: _Scan, m: int) -> HouseMatch | None:
        """A marked house a few words after the street: "Мира возле д. 8", "Ленина напротив дома № 4"."""
        tokens, n = scan.tokens, len(scan.tokens)
        for _ in range(4):
            if m < n and (tokens[m].text in RELATION_WORDS or tokens[m].text in (",", "-", "–", "—")):
                m += 1
        return self._marked_house(scan, m)

    def _marked_house(self, scan: _Scan, m: int) -> HouseMatch | None:
        """A house number after a house word at tokens[m] ("д. 8", "дома № 4", "дом 9")."""
        tokens, n = scan.tokens, len(scan.tokens)
        if m >= n or tokens[m].text not in HOUSE_MARKERS:
            return None
        m += 1
        while m < n and tokens[m].text in (".", "№"):
            m += 1
        if m >= n or tokens[m].kind != "num" or tokens[m].ordinal or m in scan.hit_tokens:
            return None
        return self._checked_house(scan, m, True)

    def _loose_houses(self, scan: _Scan, mentions: list[Mention]) -> list[Mention]:
        """Bind a house named apart from its street ("у дома 15 яма, это на Ленина") when one street is named."""
        streets = [x for x in mentions if isinstance(x, StreetMention)]
        if not streets or any(x.houses for x in streets) or len({x.streets for x in streets}) != 1:
            return mentions
        if any(isinstance(x, CrossingMention) for x in mentions):
            return mentions
        taken = [x.span for x in mentions]
        found: list[HouseMatch] = []
        for i, t in enumerate(scan.tokens):
            if t.text in HOUSE_MARKERS and not any(a <= t.start < b for a, b in taken):
                house = self._marked_house(scan, i)
                if house is not None:
                    found.append(house)
        if len({h.keys[0] for h in found}) != 1:
            return mentions  # no house, or several: the index decides from the street alone
        first = streets[0]
        bound = StreetMention(
            first.streets, first.types, found[0].keys, found[0].text, first.context, first.similarity * 0.99, first.span
        )
        return [bound if x is first else x for x in mentions]

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
        if hit.kind == LANDMARK and addressee(tokens, hit.start, hit.end):
            return False  # "обращалась в администрацию", "в ДК сказали": whom they wrote to
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
            entrance = k >= 1 and tokens[k - 1].text in ENTRANCE_WORDS  # "у входа в поликлинику"
            if tokens[k].text in _MOTION_PREPS and not entrance and not morph.cases(tokens[i].text) & {"loct", "loc2"}:
                return False  # "писали в администрацию", "пошли на стадион"
        if hit.adjective and hit.end < len(tokens) and tokens[hit.end].kind == "word":
            if morph.agrees(tokens[i].text, tokens[hit.end].text):
                return False  # "южный ветер"
        return True

    # -- streets the gazetteer lacks --------------------------------------------------
    def _unknown_streets(self, scan: _Scan) -> list[UnknownStreetMention]:
        """Names after (or, for adjectives, before) a street type that are no gazetteer name."""
        tokens, n = scan.tokens, len(scan.tokens)
        named = {k for h in scan.hits for k in range(h.start, h.end)}
        out: list[UnknownStreetMention] = []
        for i, t in enumerate(tokens):
            if t.kind == "word" and t.text in DISTRICT_WORDS:
                j = i + 2 if i + 1 < n and tokens[i + 1].text == "." else i + 1
                if j < n and self._unknown_name(tokens[j], named, j) and not tokens[j].ordinal:
                    out.append(
                        UnknownStreetMention(tokens[j].text.capitalize(), (t.start, tokens[j].end), "микрорайон")
                    )
                continue
            if t.kind != "word" or t.text not in self.type_markers:
                continue
            j = i + 1
            if j < n and tokens[j].text == ".":
                j += 1
            elif t.text in _TYPE_ABBREVIATIONS and t.text in ("пр", "пл", "ш"):
                continue  # "пр", "пл", "ш" alone are too short to be sure of
            if t.text == "пр" and i > 0 and tokens[i - 1].text == "и":
                continue  # "и пр." is "and so on"
            if j < n and self._unknown_name(tokens[j], named, j):
                out.append(UnknownStreetMention(_nominative(tokens[j].text), (t.start, tokens[j].end)))
                continue
            k = i - 1
            if k >= 0 and self._unknown_name(tokens[k], named, k) and morph.is_adjective(tokens[k].text):
                if t.text in _TYPE_ABBREVIATIONS or t.text.startswith("улиц") or t.text.startswith("переул"):
                    out.append(UnknownStreetMention(_nominative(tokens[k].text), (tokens[k].start, t.end)))
        return out

    @staticmethod
    def _unknown_name(t: Token, named: set[int], k: int) -> bool:
        if t.kind != "word" or not t.cap or t.upper or k in named or len(t.text) < 3:
            return False
        pos = morph.pos_set(t.text)
        return not morph.is_known(t.text) or bool(pos & {"NOUN", "ADJF", "NUMR"})

    # -- segments -----------------------------------------------------------------
    def _segments(self, scan: _Scan, mentions: list[Mention]) -> list[Mention]:
        """Find "от X до Y" / "между X и Y" (streets) and "между домами 21 и 25" (houses) on one street."""
        tokens = scan.tokens
        starts = {t.start: idx for idx, t in enumerate(tokens)}
        streets = [m for m in mentions if isinstance(m, StreetMention)]
        for a, b in zip(streets, streets[1:]):
            ia, ib = starts.get(a.span[0], -1), starts.get(b.span[0], -1)
            if ia < 1 or ib <= ia or ib - ia > 8 or a.houses or b.houses or a.streets == b.streets:
                continue
            pa, pb = tokens[ia - 1].text, tokens[ib - 1].text
            if not ((pa in ("от", "с", "со") and pb in ("до", "по")) or (pa == "между" and pb == "и")):
                continue
            others = [m for m in streets if m is not a and m is not b and m.streets not in (a.streets, b.streets)]
            if len({m.streets for m in others}) > 1:
                return mentions  # several other streets: which one is the stretch on?
            main = others[0] if others else None
            main = replace(main, houses=(), house_text=None) if main is not None else None
            used = {id(a), id(b)} | ({id(others[0])} if others else set())
            span_from = min([a.span[0]] + ([others[0].span[0]] if others else []))
            span_to = max([b.span[1]] + ([others[0].span[1]] if others else []))
            seg = SegmentMention(main, (a, b), None, (span_from, span_to))
            return sorted([m for m in mentions if id(m) not in used] + [seg], key=lambda m: m.span[0])
        ends = self._house_range(scan)
        if ends is None or len({m.streets for m in streets}) != 1:
            return mentions
        (first, second), (start, end) = ends
        main = replace(streets[0], houses=(), house_text=None)
        span = (min(start, main.span[0]), max(end, main.span[1]))
        seg = SegmentMention(main, None, (first, second), span)
        return sorted([m for m in mentions if not isinstance(m, StreetMention)] + [seg], key=lambda m: m.span[0])

    def _house_range(self, scan: _Scan) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], tuple[int, int]] | None:
        """Two houses that bound a stretch: "между домами 21 и 25", "от дома 3 до дома 11", "с 3 по 11 дом"."""
        tokens, n = scan.tokens, len(scan.tokens)

        def number(m: int) -> tuple[HouseMatch, int] | None:
            while m < n and (tokens[m].text in HOUSE_MARKERS or tokens[m].text in _RANGE_HOUSE_WORDS):
                m += 1
            while m < n and tokens[m].text in (".", "№"):
                m += 1
            if m < n and tokens[m].kind == "num" and not tokens[m].ordinal:
                house = match_house(scan.folded, tokens[m].start)
                if house is not None:
                    return house, m
            return None

        for i, t in enumerate(tokens[:-3]):
            if t.text not in ("между", "от", "с", "со"):
                continue
            marked = tokens[i + 1].text in HOUSE_MARKERS or tokens[i + 1].text in _RANGE_HOUSE_WORDS
            if t.text != "с" and not marked:
                continue
            first = number(i + 1)
            if first is None:
                continue
            h1, m = first
            k = m + 1
            while k < n and tokens[k].start < h1.end:
                k += 1
            joint = {"между": ("и",), "от": ("до",), "с": ("по", "до"), "со": ("по", "до")}[t.text]
            if k >= n or tokens[k].text not in joint:
                continue
            second = number(k + 1)
            if second is None:
                continue
            h2, m2 = second
            tail = m2 + 1
            if not marked and not (tail < n and tokens[tail].text in HOUSE_MARKERS | _RANGE_HOUSE_WORDS):
                continue  # "с 3 по 11" alone may be dates or flats: "с 3 по 11 дом" is houses
            if h1.keys[0] == h2.keys[0]:
                continue
            return (h1.keys, h2.keys), (t.start, h2.end)
        return None

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


def _nominative(word: str) -> str:
    """An adjective street name in the nominative ("садовой" → "Садовая"), else the word as written."""
    for p in morph.parses(word)[:1]:
        if p.tag.POS == "ADJF":
            form = p.inflect({"nomn", "sing", p.tag.gender or "femn"})
            if form is not None:
                return str(form.word).capitalize()
    return word.capitalize()
