"""Street names with typos, without a database.

In production the lead backs fuzzy lookups with PostgreSQL ``pg_trgm``; this
module is the pure-Python stand-in used when no callback is given, and the
small helpers both share. Similarities are on [0, 1]; the two scales differ
(pg_trgm gives ~0.55 for a one-letter typo in a ten-letter name, difflib ~0.9),
so each source has its own threshold (see :class:`geo.index.GazetteerIndex`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from difflib import SequenceMatcher
from functools import lru_cache

FuzzyStreets = Callable[[str], list[tuple[str, float]]]  # name candidate -> [(street name, similarity)]

# Case endings of adjective street names → the nominative, so that a lookup
# against nominative names ("молодежная") works for "малодежной".
_ENDINGS = (
    ("ой", ("ая", "ой", "ый")),
    ("ую", ("ая",)),
    ("ая", ("ая",)),
    ("ою", ("ая",)),
    ("ого", ("ый", "ий", "ой")),
    ("ому", ("ый", "ий", "ой")),
    ("ым", ("ый", "ий")),
    ("им", ("ий",)),
    ("ом", ("ый", "ий", "ой")),
    ("ем", ("ий",)),
    ("ей", ("яя", "ий")),
)


def nominative_guesses(word: str) -> list[str]:
    """The word and its likely nominative forms (spelling kept, typos and all)."""
    out = [word]
    for ending, replacements in _ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            out += [word[: -len(ending)] + r for r in replacements]
            break
    return list(dict.fromkeys(out))


def ratio(a: str, b: str) -> float:
    """difflib's similarity ratio (2·matches / total length)."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance (a swap of neighbours counts 1), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def trigram_similarity(a: str, b: str) -> float:
    """The similarity pg_trgm computes on folded keys (``ё`` → ``е``), for tests and thresholds."""

    def grams(s: str) -> set[str]:
        out: set[str] = set()
        for w in re.findall(r"\w+", s.lower().replace("ё", "е")):
            w = f"  {w} "
            out |= {w[i : i + 3] for i in range(len(w) - 2)}
        return out

    ga, gb = grams(a), grams(b)
    return len(ga & gb) / len(ga | gb) if ga and gb else 0.0


class DifflibStreets:
    """Fallback for ``fuzzy_streets``: compares a word with every form of every street name."""

    def __init__(self, forms: Mapping[str, Iterable[str]]) -> None:
        """``forms``: street name → its folded surface forms (all cases)."""
        self._forms = [(name, f) for name, fs in forms.items() for f in fs]

    @lru_cache(maxsize=20_000)
    def __call__(self, candidate: str) -> list[tuple[str, float]]:
        word = candidate.lower().replace("ё", "е")
        best: dict[str, float] = {}
        for name, form in self._forms:
            if abs(len(form) - len(word)) > 3 or form[:1] != word[:1] and form[1:3] != word[1:3]:
                continue
            score = ratio(word, form)
            if score > best.get(name, 0.0):
                best[name] = score
        return sorted(best.items(), key=lambda kv: -kv[1])
