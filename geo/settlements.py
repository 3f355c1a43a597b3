"""Is a message about another settlement or region? Then it gets no point in this town.

Many towns share street names (every town has a Мира and a Ленина), so «Пишу из
Пыть-Яха: на Советской 5 …» must not put a pin on this town's Советская. The
settlements of Khanty-Mansi Autonomous Okrug – Yugra and its neighbours ship as
data (``geo/data/settlements.json``) with their case forms; any other
«г./город/пгт/посёлок/с./д. X» is recognised by its settlement word, and
«… Тюменской области», «Сургутский район» by the region noun.

Not every mention moves the problem: «родственники из Сургута приехали»,
«автобус до Лангепаса», «как в Когалыме» name a place the problem is not in, and
«в Лянторе уже сделали, а у нас на Кедровой 3 …» compares. So each mention gets a
role from the words before it (the writer's home, a location, an address line,
or neutral), and a location yields to words that anchor the text here («у нас»,
«в нашем городе», this town's own name). The town's own name comes from the
index (the settlement the gazetteer lies in), never from a fixed list.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from geo import morph
from geo.tokens import Token

DATA = Path(__file__).resolve().parent / "data" / "settlements.json"
HOME_RADIUS_KM = 25.0  # the gazetteer's centre lies this close to its own settlement

# Settlement words: folded token -> whether a "." must follow (one-letter abbreviations).
_TYPE_ABBREVIATIONS = {"г": False, "гор": False, "пгт": False, "рп": False, "пос": False, "п": True}
_TYPE_ABBREVIATIONS |= {"с": True, "д": True, "дер": False, "пст": False, "cп": False}
_TYPE_WORDS = ("город", "поселок", "село", "деревня", "поселение", "городок")
_WRITER = frozenset(
    {
        "пишу",
        "пишем",
        "обращаюсь",
        "обращаемся",
        "отправляю",
        "отправляем",
        "сообщаю",
        "сообщаем",
        "я",
        "мы",
        "живу",
        "живем",
        "проживаю",
        "проживаем",
        "проживающий",
        "проживающая",
        "проживающие",
        "прописан",
        "прописана",
        "родом",
        "сами",
    }
)
_DWELLERS = frozenset({"житель", "жительница", "жители", "жителей", "жителям", "жителями", "жительницы"})
_MOTION = frozenset(
    {
        "ехать",
        "поехать",
        "ездить",
        "съездить",
        "уехать",
        "приехать",
        "переехать",
        "выехать",
        "везти",
        "возить",
        "отвезти",
        "увезти",
        "направить",
        "отправить",
        "лететь",
        "добираться",
        "добраться",
        "рейс",
        "дорога",
        "трасса",
        "автобус",
        "маршрут",
        "выезд",
        "въезд",
        "поездка",
        "билет",
        "переезд",
        "уезжать",
        "ездка",
        "такси",
    }
)
# Someone's life elsewhere, not the problem's place: "сын живёт в Тюмени", "работаю в Сургуте".
_ELSEWHERE_LIFE = frozenset(
    {"жить", "проживать", "работать", "учиться", "лечиться", "отдыхать", "побывать", "служить", "гостить", "бывать"}
)
_COMPARE = frozenset({"как", "чем", "отличие", "даже", "например", "вот", "тоже", "также", "типа", "уже"})
_NEUTRAL_PREPS = frozenset({"до", "через", "между", "сторону", "направлении", "от", "с", "со", "из", "изо", "к"})
_NEAR_PREPS = frozenset({"под", "около", "возле", "у", "по", "близ"})
_REGION_NOUNS = {
    "область": "область",
    "области": "область",
    "областью": "область",
    "обл": "область",
    "край": "край",
    "края": "край",
    "крае": "край",
    "краю": "край",
    "краем": "край",
    "район": "район",
    "района": "район",
    "районе": "район",
    "району": "район",
    "районом": "район",
    "р-н": "район",
    "р-не": "район",
    "р-на": "район",
}
_ELSEWHERE_REGIONS = {"янао": "ЯНАО", "ямало-ненецкий": "ЯНАО", "ямало-ненецком": "ЯНАО", "ямало-ненецкого": "ЯНАО"}
_COMMON_NAME_PREVS = frozenset({"в", "во", "из", "изо", "до", "под", "по", "через", "около", "возле", "на", "с", "от"})
_ADDRESS_NEXT = frozenset({",", ":", ";", "-", "–", "—", "."})
_STREET_WORDS = frozenset(
    {"ул", "улица", "пр", "пр-т", "пр-кт", "проспект", "пер", "переулок", "мкр", "мкрн", "микрорайон", "д", "дом"}
    | {"б-р", "бульвар", "проезд", "пр-д", "пл", "площадь", "наб", "набережная", "шоссе", "ш", "квартал", "кв-л"}
)
_HERE_WORDS = frozenset({"нашем", "наш", "нашего", "нашему", "нашим", "наша", "нашей", "наше", "нашу"})
_HERE_NOUNS = frozenset({"город", "городе", "города", "городу", "поселок", "поселке", "поселка", "городок", "городке"})


@dataclass(frozen=True, slots=True)
class Settlement:
    name: str
    type: str
    lat: float | None
    lon: float | None
    common: bool  # the name is also an ordinary word ("Советский", "Радужный")


@dataclass(frozen=True, slots=True)
class _Mention:
    name: str  # display name (nominative)
    home: bool
    start: int  # first token of the mention, the settlement word included
    end: int
    role: str  # "writer", "address", "location", "region" or "neutral"


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def settlements() -> list[Settlement]:
    """The shipped settlements (see ``geo/data/settlements.json``)."""
    return [
        Settlement(s["name"], s["type"], s.get("lat"), s.get("lon"), bool(s.get("common")))
        for s in _data()["settlements"]
    ]


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def _word_forms(word: str) -> set[str]:
    """Singular case forms of one word of a name, without comparative and superlative forms."""
    word = _fold(word)
    out = {word}
    for p in morph.parses(word)[:1]:
        if p.tag.POS not in ("NOUN", "ADJF"):
            continue
        for form in p.lexeme:
            g = form.tag.grammemes
            if "Supr" in g or "Cmpr" in g or form.tag.POS not in ("NOUN", "ADJF"):
                continue
            if form.tag.number == "plur" and "Pltm" not in p.tag.grammemes:
                continue
            if p.tag.gender and form.tag.gender and form.tag.gender != p.tag.gender:
                continue
            out.add(form.word.replace("ё", "е"))
    return out


@lru_cache(maxsize=1)
def _type_word_forms() -> frozenset[str]:
    out: set[str] = set()
    for w in _TYPE_WORDS:
        out |= morph.inflections(w)
    return frozenset(out)


def nearest_settlement(lon: float, lat: float, radius_km: float = HOME_RADIUS_KM) -> str | None:
    """The shipped settlement within ``radius_km`` of a point (a gazetteer's centre), if any."""
    best: tuple[float, str] | None = None
    for s in settlements():
        if s.lat is None or s.lon is None:
            continue
        k = math.cos(math.radians((lat + s.lat) / 2))
        d = math.hypot((s.lon - lon) * k, s.lat - lat) * 111.195
        if d <= radius_km and (best is None or d < best[0]):
            best = (d, s.name)
    return best[1] if best else None


class SettlementFinder:
    """Finds the other settlements and regions a text places its problem in.

    ``home`` is this town's name (its mentions anchor the text here); ``taken``
    holds folded words that are names in this town's gazetteer: a settlement
    name that is also one of them counts only after a settlement word.
    """

    def __init__(self, home: str | None, taken: frozenset[str] = frozenset()) -> None:
        self.home = _fold(home) if home else None
        self.taken = taken
        self._gazetteer: set[int] | frozenset[int] = frozenset()
        self._by_first: dict[str, list[tuple[tuple[str, ...], int, bool]]] = {}
        self._items = settlements()
        self._declinable: list[bool] = []
        for n, s in enumerate(self._items):
            raw = next(x for x in _data()["settlements"] if x["name"] == s.name)
            forms: set[tuple[str, ...]] = set()
            nominative = tuple(_fold(s.name).split())
            forms.add(nominative)
            for f in raw.get("forms", ()):
                forms.add(tuple(_fold(f).split()))
            if " " not in s.name and "-" not in s.name:
                forms |= {(f,) for f in _word_forms(s.name)}
            self._declinable.append(len(forms) > 1)
            for f in forms:
                self._by_first.setdefault(f[0], []).append((f, n, f == nominative))
        self._home_region = frozenset(_data().get("home_region", ()))
        self._triggers = (
            frozenset(self._by_first)
            | frozenset(_TYPE_ABBREVIATIONS)
            | _type_word_forms()
            | frozenset(_ELSEWHERE_REGIONS)
        )

    # -- public -----------------------------------------------------------------
    def elsewhere(
        self, tokens: Sequence[Token], gazetteer_tokens: set[int] | frozenset[int] = frozenset()
    ) -> str | None:
        """Why the text is about another place ("другой населённый пункт: Пыть-Ях"), or None."""
        if not tokens:
            return None
        self._gazetteer = gazetteer_tokens
        mentions = self._mentions(tokens, gazetteer_tokens)
        if not mentions:
            return None
        home = any(m.home for m in mentions)
        local = home or self._local_anchor(tokens)
        for m in mentions:
            if m.home or m.role == "neutral":
                continue
            if m.role in ("writer", "address") and not home:
                return self._reason(m)
        for m in mentions:
            if m.home or m.role == "neutral":
                continue
            if m.role in ("location", "region") and not local:
                return self._reason(m)
        return None

    # -- mentions ---------------------------------------------------------------
    @staticmethod
    def _reason(m: _Mention) -> str:
        return f"другой регион: {m.name}" if m.role == "region" else f"другой населённый пункт: {m.name}"

    def _type_at(self, tokens: Sequence[Token], i: int) -> int | None:
        """Index after a settlement word at tokens[i] ("г.", "пгт", "посёлке"), or None."""
        t = tokens[i]
        if t.kind != "word":
            return None
        if t.text in _TYPE_ABBREVIATIONS:
            needs_dot = _TYPE_ABBREVIATIONS[t.text]
            j = i + 1
            if j < len(tokens) and tokens[j].text == ".":
                j += 1
            elif needs_dot:
                return None
            if i > 0 and tokens[i - 1].kind == "num":
                return None  # "2023 г." is a year
            return j
        if t.text in _type_word_forms():
            return i + 1
        return None

    def _mentions(self, tokens: Sequence[Token], gazetteer_tokens: set[int] | frozenset[int]) -> list[_Mention]:
        out: list[_Mention] = []
        n = len(tokens)
        i = 0
        triggers = self._triggers
        while i < n:
            text = tokens[i].text
            if text not in triggers and (i + 1 >= n or tokens[i + 1].text not in _REGION_NOUNS):
                i += 1  # most words start no settlement, settlement word or region: skip them cheaply
                continue
            after_type = self._type_at(tokens, i)
            start = i
            j = after_type if after_type is not None else i
            if j >= n:
                break
            found = self._known_at(tokens, j)
            if found is not None:
                end, idx, nominative = found
                s = self._items[idx]
                ok = self._known_ok(tokens, j, end, s, after_type is not None, gazetteer_tokens)
                if ok:
                    home = self.home is not None and _fold(s.name) == self.home
                    role = self._role(tokens, start, end, after_type is not None, nominative, s)
                    out.append(_Mention(s.name, home, start, end, role))
                    i = end
                    continue
            elif after_type is not None and self._unknown_ok(tokens, j, gazetteer_tokens):
                name = self._nominative(tokens[j])
                home = self.home is not None and _fold(name) == self.home
                role = self._role(tokens, start, j + 1, True, False, None)
                out.append(_Mention(name, home, start, j + 1, role))
                i = j + 1
                continue
            region = self._region_at(tokens, i, gazetteer_tokens)
            if region is not None:
                name, end = region
                out.append(_Mention(name, False, i, end, "region"))
                i = end
                continue
            i += 1
        return out

    def _known_at(self, tokens: Sequence[Token], i: int) -> tuple[int, int, bool] | None:
        best: tuple[int, int, bool] | None = None
        for form, idx, nominative in self._by_first.get(tokens[i].text, ()):
            end = i + len(form)
            if end > len(tokens) or any(tokens[i + k].text != form[k] for k in range(len(form))):
                continue
            if best is None or end > best[0]:
                best = (end, idx, nominative)
        return best

    def _known_ok(
        self,
        tokens: Sequence[Token],
        i: int,
        end: int,
        s: Settlement,
        typed: bool,
        gazetteer: set[int] | frozenset[int],
    ) -> bool:
        if typed:
            return True
        if any(k in gazetteer for k in range(i, end)) or tokens[i].text in self.taken:
            return False  # this town's own street, district or landmark
        if s.common and not self._opens_address(tokens, i, end, gazetteer):
            if not tokens[i].cap:
                return False
            prev = tokens[i - 1].text if i > 0 else ""
            if prev not in _COMMON_NAME_PREVS and prev not in _DWELLERS:
                return False
            if end < len(tokens) and tokens[end].kind == "word" and morph.agrees(tokens[i].text, tokens[end].text):
                return False  # "в Советском районе" is a district, "в Радужном дворе" a yard
        return True

    def _unknown_ok(self, tokens: Sequence[Token], j: int, gazetteer: set[int] | frozenset[int]) -> bool:
        t = tokens[j]
        if t.kind != "word" or not t.cap or t.upper or len(t.text) < 3 or j in gazetteer or t.text in self.taken:
            return False
        best, _any = morph.name_tags(t.text)
        return not best  # "г. Иванов" is rare; "гр. Иванов" is a citizen, not a town

    @staticmethod
    def _nominative(t: Token) -> str:
        for p in morph.parses(t.text)[:1]:
            if p.tag.POS == "NOUN" and "Geox" in p.tag.grammemes:
                return str(p.normal_form).capitalize()
        return t.text.capitalize()

    def _region_at(
        self, tokens: Sequence[Token], i: int, gazetteer: set[int] | frozenset[int]
    ) -> tuple[str, int] | None:
        t = tokens[i]
        if t.kind != "word":
            return None
        if t.text in _ELSEWHERE_REGIONS:
            return _ELSEWHERE_REGIONS[t.text], i + 1
        if t.text in self._home_region or i + 1 >= len(tokens) or i in gazetteer:
            return None
        noun = _REGION_NOUNS.get(tokens[i + 1].text)
        if noun is None or not (
            t.text.endswith(("ская", "ской", "скую", "цкая", "цкой", "ский", "ского", "ском", "скому"))
        ):
            return None
        if noun == "район" and not t.cap:
            return None  # "в нашем районе", "в районе школы": only a named district counts
        base = t.text
        gender = "femn" if noun == "область" else "masc"
        for p in morph.parses(t.text):
            if p.tag.POS == "ADJF":
                form = p.inflect({"nomn", "sing", gender})
                if form is not None:
                    base = form.word
                break
        end = i + 2
        if end < len(tokens) and tokens[end].text == ".":
            end += 1
        return f"{base.capitalize()} {noun}", end

    def _role(
        self, tokens: Sequence[Token], start: int, end: int, typed: bool, nominative: bool, s: Settlement | None
    ) -> str:
        p = start - 1
        prev = tokens[p].text if p >= 0 else ""
        before = {tokens[k].text for k in range(max(0, p - 3), max(0, p))}
        lemmas_before: set[str] = set()
        for k in range(max(0, p - 3), max(0, p + 1)):
            if tokens[k].kind == "word":
                lemmas_before |= morph.lemmas(tokens[k].text)
        if prev in _DWELLERS:
            return "writer"  # "жители д. Каркатеевы"
        if prev in ("из", "изо"):
            return "writer" if before & _WRITER else "neutral"
        if prev in ("в", "во", "на"):
            if before & _WRITER:
                return "writer"  # "живу в Сургуте"
            if lemmas_before & _ELSEWHERE_LIFE:
                return "neutral"  # "сын живёт в Тюмени", "работаю в Нижневартовске": not where the problem is
            if lemmas_before & _MOTION:
                return "neutral"  # "ездим в Сургут", "автобус в Лангепас"
            declinable = s is None or self._declinable[self._items.index(s)]
            if nominative and declinable and not typed:
                return "neutral"  # "в Сургут": where to, not where
            if p >= 1 and tokens[p - 1].text in _COMPARE:
                return "neutral"  # "как в Сургуте"
            return "location"
        if prev in _NEUTRAL_PREPS:
            return "neutral"
        if prev in _NEAR_PREPS:
            return "neutral" if p >= 1 and tokens[p - 1].text in _COMPARE else "location"
        if self._opens_address(tokens, start, end, self._gazetteer) or (
            typed and end < len(tokens) and tokens[end].text in _ADDRESS_NEXT
        ):
            return "address"  # "г. Нефтеюганск, ул. Мира", "Югорск, проспект Ленина", "Ноябрьск Ленина 5"
        if typed:
            return "location"  # "пгт Высокий нет света"
        return "neutral"

    @staticmethod
    def _opens_address(tokens: Sequence[Token], start: int, end: int, gazetteer: set[int] | frozenset[int]) -> bool:
        """A name that opens a sentence and is followed by an address: "Салехард ул Мира 15", "Когалым. Во дворе"."""
        if start > 0 and tokens[start - 1].kind != "punct":
            return False
        if end >= len(tokens):
            return False
        nxt = tokens[end]
        if nxt.kind == "num":
            return True  # "Нефтеюганск 11 мкр", "Сургут 5 мкр дом 3"
        return nxt.text in _ADDRESS_NEXT or nxt.text in _STREET_WORDS or end in gazetteer

    @staticmethod
    def _local_anchor(tokens: Sequence[Token]) -> bool:
        """Words that put the text in the writer's own town: "у нас", "в нашем городе"."""
        for k in range(len(tokens) - 1):
            a, b = tokens[k].text, tokens[k + 1].text
            if a == "у" and b == "нас":
                return True
            if a in _HERE_WORDS and b in _HERE_NOUNS:
                return True
            if a in ("а", "но") and b in ("здесь", "тут"):
                return True
        return False
