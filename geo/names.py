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
DISTRICT_ABBREVIATIONS = frozenset(
    {"мкр", "мкрн", "микр", "мкр-н", "мк-н", "мр-н", "микрорайончик", "мкр-не", "мкрне", "мкр-на", "мкрна"}
)
# "р-н Южный", "в р-не Южного": for named districts only ("в р-не второй школы" is no "2-й микрорайон").
RAION_WORDS = frozenset({"р-н", "р-не", "р-на", "р-ну", "район", "района", "районе", "району", "раен", "раене"})
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
    nickname: bool = False  # a street's nickname ("Комсомолка"): a street only after a preposition or with a house


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
    nickname: bool = False


def _alias_tokens(text: str) -> list[Token]:
    return [t for t in tokenize(prepare(text), text) if t.key not in FILLERS and t.text != "."]


def _word_forms(token: Token, kind: str, upper: bool, numbered: bool = False) -> frozenset[str]:
    if token.kind != "word" or token.ordinal:
        return frozenset({token.key})
    word = token.text
    if word == DISTRICT_WORD or word in DISTRICT_ABBREVIATIONS:
        forms = morph.inflections(DISTRICT_WORD) | DISTRICT_ABBREVIATIONS
        return forms if numbered or kind != DISTRICT else forms | RAION_WORDS
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
        numbered = any(t.kind == "num" or t.ordinal for t in toks)
        words = tuple(_word_forms(t, kind, t.upper, numbered) for t in toks)
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
    merged: dict[tuple[str, tuple[frozenset[str], ...]], tuple[set[int], bool, bool, str, bool]] = {}

    def add(kind: str, target: int, names: Iterable[str]) -> None:
        for words, ctx, adj, label in _patterns(kind, target, names):
            entry = merged.setdefault((kind, words), (set(), ctx, adj, label, False))
            entry[0].add(target)

    # Every form (plural too) of the other places' one-word names: a nickname form that is
    # one of them ("на Нефтяниках": the stadium «Нефтяник» too) is no nickname.
    others: set[str] = set()
    for names_of in [[lm.name, *lm.aliases] for lm in landmarks] + [[d.name] for d in districts]:
        for name in names_of:
            if len(name.split()) == 1:
                others |= morph.inflections(name.lower().replace("ё", "е"), plural=True)

    def add_nickname(target: int, forms: frozenset[str], label: str) -> None:
        forms = forms - others
        if not forms:
            return
        entry = merged.setdefault((STREET, (forms,)), (set(), False, False, label, True))
        entry[0].add(target)

    type_words = {"ул", "улица", "пр", "пр-т", "проспект", "пер", "переулок", "пр-д", "проезд", "б-р", "бульвар"}
    for i, s in enumerate(streets):
        names = {s.name}
        for alias in s.aliases:  # "ул. Мира" adds nothing; a nickname adds a name
            words = [w for w in alias.replace(".", " ").split() if w.lower() not in type_words]
            if len(words) == 1 and _is_noun_nickname(words[0]):
                add_nickname(i, morph.inflections(words[0].lower()), alias)  # "Нефтянка": "на Нефтянке"
            elif words:
                names.add(" ".join(words))
        add(STREET, i, names)
        for forms in street_nicknames(s.name):
            add_nickname(i, forms, s.name)
    for i, lm in enumerate(landmarks):
        add(LANDMARK, i, [lm.name, *lm.aliases])
    for i, d in enumerate(districts):
        folded = d.name.lower().replace("ё", "е")
        district_names = [d.name, *EXTRA_ALIASES.get(folded, ())]
        if DISTRICT_WORD not in folded:  # "мкр Южный", "Южный микрорайон"
            district_names += [f"{DISTRICT_WORD} {d.name}", f"{d.name} {DISTRICT_WORD}"]
        add(DISTRICT, i, district_names)
    return [
        NamePattern(kind, frozenset(t), words, ctx, adj, label, nick)
        for (kind, words), (t, ctx, adj, label, nick) in merged.items()
    ]


def _is_noun_nickname(word: str) -> bool:
    """A gazetteer alias that is a noun in the nominative ("Нефтянка"), so it declines ("на Нефтянке")."""
    folded = word.lower().replace("ё", "е")
    ps = morph.parses(folded)
    if not ps:
        return False
    best = ps[0].tag
    return best.POS == "NOUN" and best.case == "nomn" and best.number == "sing" and not morph.is_adjective(folded)


_KA_ENDINGS = ("ка", "ки", "ке", "ку", "кой", "кою")


def street_nicknames(name: str) -> list[frozenset[str]]:
    """The forms residents use for a street beside its name, by general rules of Russian.

    * an adjective street name has a feminine "-ка" nickname: Комсомольская →
      «на Комсомолке», Молодёжная → «Молодёжка», Кедровая → «Кедровка»;
    * a name in the genitive plural is said in the plural: Геологов → «на
      Геологах», Нефтяников → «на Нефтяниках».
    """
    words = name.lower().replace("ё", "е").split()
    if len(words) != 1:
        return []
    word = words[0]
    out: list[frozenset[str]] = []
    if morph.is_adjective(word) and word.endswith("ая"):
        if word.endswith(("ская", "цкая")):
            stem = word[:-4]
        elif word.endswith("ная"):
            stem = word[:-3]
        elif word.endswith("вая"):
            stem = word[:-2]
        else:
            stem = ""
        stem = stem.rstrip("ь")
        if len(stem) >= 4:
            out.append(frozenset(stem + e for e in _KA_ENDINGS))
    for p in morph.parses(word)[:1]:
        if p.tag.POS == "NOUN" and p.tag.number == "plur" and p.tag.case == "gent":
            forms = {f.word.replace("ё", "е") for f in p.lexeme if f.tag.number == "plur" and f.tag.case == "loct"}
            if forms:
                out.append(frozenset(forms))
    return out


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
                hits.append(NameHit(p.kind, p.targets, i, best_end, p.needs_context, p.adjective, nickname=p.nickname))
            i = best_end
        return hits
