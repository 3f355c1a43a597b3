"""Gazetteer names as token patterns that match in any grammatical case.

Each street, landmark alias and district name becomes a :class:`NamePattern`:
one set of accepted folded word forms per word. Forms come from pymorphy3 once,
when the index is built ("Молодёжная" also accepts "молодёжной", "молодёжную";
"вторая школа" accepts "второй школы"), so matching a message is plain set
lookups. Only names the gazetteer holds can match: an unknown word is never a
street.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo import morph
from geo.housenumber import counts_something
from geo.tokens import Token, prepare, tokenize

if TYPE_CHECKING:
    from geo.town import DistrictRec, LandmarkRec, StreetRec

STREET, LANDMARK, DISTRICT = "street", "landmark", "district"

# Tokens a name may have between its words: "СОШ №1", "школа номер 1", "мкр. 5".
FILLERS = frozenset({"№", "номер", "n", '"', "«", "»", "“", "”", "„", "'", "-", "–", "—", "#"})
DISTRICT_WORD = "микрорайон"
DISTRICT_ABBREVIATIONS = frozenset({"мкр", "мкрн", "микр", "мкр-н", "мк-н", "мр-н", "микрорайончик"})
# A few names everybody says differently; keys are folded official names.
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "промзона": ("промышленная зона", "промка"),
}


@dataclass(frozen=True, slots=True)
class NamePattern:
    """A name to find in text: one set of accepted forms per word."""

    kind: str  # STREET, LANDMARK or DISTRICT
    targets: frozenset[int]  # indexes of the records it names (more than one: ambiguous)
    tokens: tuple[frozenset[str], ...]
    needs_context: bool  # one common word ("парк"): only after a preposition of place
    adjective: bool  # one adjective ("Южный"): not when it qualifies the next noun
    label: str


@dataclass(frozen=True, slots=True)
class NameHit:
    """A pattern found at tokens[start:end]."""

    kind: str
    targets: frozenset[int]
    start: int
    end: int
    needs_context: bool = False
    adjective: bool = False
    similarity: float = 1.0  # < 1 when found by fuzzy matching


def _alias_tokens(text: str) -> list[Token]:
    return [t for t in tokenize(prepare(text), text) if t.key not in FILLERS and t.text != "."]


def _word_forms(token: Token, kind: str, upper: bool) -> frozenset[str]:
    if token.kind != "word" or token.ordinal:
        return frozenset({token.key})
    word = token.text
    if word == DISTRICT_WORD or word in DISTRICT_ABBREVIATIONS:
        return morph.inflections(DISTRICT_WORD) | DISTRICT_ABBREVIATIONS
    if upper or len(word) <= 2:  # abbreviations: "ДК", "СОШ", "ТЦ"
        return frozenset({word})
    if kind == STREET:
        # Street names decline only when they are adjectives ("Молодёжная");
        # "Мира", "Нефтяников" are genitives and never change.
        if morph.is_adjective(word):
            return morph.inflections(word, same_gender=True)
        return frozenset({word})
    return morph.inflections(word)


def _patterns(kind: str, target: int, names: Iterable[str]) -> list[tuple[tuple[frozenset[str], ...], bool, bool, str]]:
    out: list[tuple[tuple[frozenset[str], ...], bool, bool, str]] = []
    for name in names:
        toks = _alias_tokens(name)
        if not toks:
            continue
        words = tuple(_word_forms(t, kind, t.upper) for t in toks)
        single = len(toks) == 1 and toks[0].kind == "word" and not toks[0].upper
        needs_context = single and kind != STREET and morph.is_generic(toks[0].text)
        adjective = single and morph.is_adjective(toks[0].text)
        out.append((words, needs_context, adjective, name))
        if len(words) == 2 and any(t.kind == "num" or t.ordinal for t in toks):
            out.append((words[::-1], False, False, name))  # "школа 2" and "2 школа"
    return out


def build_patterns(
    streets: Sequence[StreetRec], landmarks: Sequence[LandmarkRec], districts: Sequence[DistrictRec]
) -> list[NamePattern]:
    """Patterns for every street name (and alias), landmark name and alias, district name.

    Patterns with the same words are merged, so an alias shared by two
    landmarks carries both targets and the index can refuse to choose.
    """
    merged: dict[tuple[str, tuple[frozenset[str], ...]], tuple[set[int], bool, bool, str]] = {}

    def add(kind: str, target: int, names: Iterable[str]) -> None:
        for words, ctx, adj, label in _patterns(kind, target, names):
            entry = merged.setdefault((kind, words), (set(), ctx, adj, label))
            entry[0].add(target)

    type_words = {"ул", "улица", "пр", "пр-т", "проспект", "пер", "переулок", "пр-д", "проезд", "б-р", "бульвар"}
    for i, s in enumerate(streets):
        names = {s.name}
        for alias in s.aliases:  # "ул. Мира" adds nothing; a nickname adds a name
            words = [w for w in alias.replace(".", " ").split() if w.lower() not in type_words]
            if words:
                names.add(" ".join(words))
        add(STREET, i, names)
    for i, lm in enumerate(landmarks):
        add(LANDMARK, i, [lm.name, *lm.aliases])
    for i, d in enumerate(districts):
        folded = d.name.lower().replace("ё", "е")
        district_names = [d.name, *EXTRA_ALIASES.get(folded, ())]
        if DISTRICT_WORD not in folded:  # "мкр Южный", "Южный микрорайон"
            district_names += [f"{DISTRICT_WORD} {d.name}", f"{d.name} {DISTRICT_WORD}"]
        add(DISTRICT, i, district_names)
    return [
        NamePattern(kind, frozenset(t), words, ctx, adj, label)
        for (kind, words), (t, ctx, adj, label) in merged.items()
    ]


class NameMatcher:
    """Finds the longest gazetteer names in a token list, left to right."""

    def __init__(self, patterns: Sequence[NamePattern]) -> None:
        self.patterns = list(patterns)
        self._by_first: dict[str, list[NamePattern]] = {}
        for p in self.patterns:
            for form in p.tokens[0]:
                self._by_first.setdefault(form, []).append(p)

    def _match(self, tokens: Sequence[Token], i: int, pattern: NamePattern) -> int | None:
        j = i + 1
        for words in pattern.tokens[1:]:
            while j < len(tokens) and (
                tokens[j].key in FILLERS
                or (tokens[j].text == "." and len(tokens[j - 1].text) <= 4 and tokens[j - 1].kind == "word")
            ):
                j += 1
            if j >= len(tokens) or tokens[j].key not in words:
                return None
            j += 1
        last = tokens[j - 1]
        if last.kind == "num" and not last.ordinal and j < len(tokens) and tokens[j].kind == "word":
            if counts_something(int(last.text), tokens[j].text, comma=False):
                return None  # "у школы 2 дня нет света"
        return j

    def find(self, tokens: Sequence[Token]) -> list[NameHit]:
        hits: list[NameHit] = []
        i = 0
        while i < len(tokens):
            best_end = i
            best: list[NamePattern] = []
            for p in self._by_first.get(tokens[i].key, ()):
                end = self._match(tokens, i, p)
                if end is None or end < best_end:
                    continue
                if end > best_end:
                    best_end, best = end, []
                best.append(p)
            if not best:
                i += 1
                continue
            for p in best:
                hits.append(NameHit(p.kind, p.targets, i, best_end, p.needs_context, p.adjective))
            i = best_end
        return hits
