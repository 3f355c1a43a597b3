"""Cached access to pymorphy3, the Russian morphology used by parsing and classifying.

One analysis costs ~150 µs, but citizen messages reuse a small vocabulary, so
every lookup goes through an LRU cache: after warm-up a word costs a dict hit.
Words are passed folded (lower case, ``ё`` → ``е``); pymorphy3 copes with that.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

import pymorphy3

_LOCK = threading.Lock()
_ANALYZER: pymorphy3.MorphAnalyzer | None = None

NAME_TAGS = frozenset({"Name", "Surn", "Patr"})
_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "gen2", "loc2", "acc2", "voct")


def analyzer() -> pymorphy3.MorphAnalyzer:
    """The process-wide analyzer, loaded on first use (loading takes ~0.1 s)."""
    global _ANALYZER
    if _ANALYZER is None:
        with _LOCK:
            if _ANALYZER is None:
                _ANALYZER = pymorphy3.MorphAnalyzer()
    return _ANALYZER


@lru_cache(maxsize=100_000)
def parses(word: str) -> tuple[Any, ...]:
    """All pymorphy3 parses of a folded word, best first."""
    return tuple(analyzer().parse(word))


@lru_cache(maxsize=100_000)
def lemmas(word: str) -> frozenset[str]:
    """Normal forms of every parse (``ё`` folded), so any reading can match a rule."""
    return frozenset(p.normal_form.replace("ё", "е") for p in parses(word))


@lru_cache(maxsize=100_000)
def is_known(word: str) -> bool:
    """True when the dictionary has the word (an unknown word may be a typo)."""
    return bool(analyzer().word_is_known(word))


@lru_cache(maxsize=100_000)
def pos_set(word: str) -> frozenset[str]:
    """Parts of speech of all parses (``NOUN``, ``ADJF``, ``PREP`` ...)."""
    return frozenset(str(p.tag.POS) for p in parses(word) if p.tag.POS)


@lru_cache(maxsize=100_000)
def cases(word: str) -> frozenset[str]:
    """Grammatical cases the word can be in ("стадионе" → loct)."""
    return frozenset(str(p.tag.case) for p in parses(word) if p.tag.case)


@lru_cache(maxsize=100_000)
def noun_forms(word: str) -> frozenset[tuple[str, str]]:
    """(number, case) pairs of the word's noun readings, for numeral agreement."""
    out = set()
    for p in parses(word):
        if p.tag.POS == "NOUN" and p.tag.number and p.tag.case:
            out.add((p.tag.number, p.tag.case))
    return frozenset(out)


@lru_cache(maxsize=100_000)
def adjective_forms(word: str) -> frozenset[tuple[str | None, str, str]]:
    """(gender, number, case) triples of the word's full-adjective readings."""
    out = set()
    for p in parses(word):
        if p.tag.POS in ("ADJF", "PRTF") and p.tag.case:
            out.add((p.tag.gender, p.tag.number, p.tag.case))
    return frozenset(out)


@lru_cache(maxsize=100_000)
def noun_agreement(word: str) -> frozenset[tuple[str | None, str, str]]:
    """(gender, number, case) triples of the noun readings, to test adjective agreement."""
    out = set()
    for p in parses(word):
        if p.tag.POS == "NOUN" and p.tag.case:
            out.add((p.tag.gender, p.tag.number, p.tag.case))
    return frozenset(out)


def agrees(adjective: str, noun: str) -> bool:
    """True when an adjective form can modify the noun ("северная часть", "школьный автобус")."""
    adj = adjective_forms(adjective)
    if not adj:
        return False
    for gender, number, case in noun_agreement(noun):
        for a_gender, a_number, a_case in adj:
            if a_case != case and not (a_case.startswith(case[:3]) or case.startswith(a_case[:3])):
                continue
            if a_number != number:
                continue
            if number == "plur" or a_gender is None or gender is None or a_gender == gender:
                return True
    return False


@lru_cache(maxsize=100_000)
def name_tags(word: str) -> tuple[frozenset[str], frozenset[str]]:
    """(tags of the best parse, tags of any parse) among Name/Surn/Patr, for names in text."""
    ps = parses(word)
    if not ps:
        return frozenset(), frozenset()
    best = NAME_TAGS & ps[0].tag.grammemes
    anywhere: set[str] = set()
    for p in ps:
        anywhere |= NAME_TAGS & p.tag.grammemes
    return frozenset(best), frozenset(anywhere)


@lru_cache(maxsize=10_000)
def inflections(word: str, *, same_gender: bool = False, plural: bool = False) -> frozenset[str]:
    """Case forms of a noun or adjective given in its dictionary form, folded.

    Used to build the gazetteer's name patterns ("Молодёжная" → "молодёжной",
    "молодёжную" ...). Singular only by default, so that a landmark called
    "Нефтяник" does not also match "нефтяников" (the plural, a street's name).
    Words that are not a noun or adjective stay as they are.
    """
    word = word.replace("ё", "е")
    ps = [p for p in parses(word) if p.tag.POS in ("NOUN", "ADJF")]
    if not ps:
        return frozenset({word})
    best = ps[0]
    if {"Fixd", "Abbr"} & best.tag.grammemes:
        return frozenset({word})
    out = {word}
    for form in best.lexeme:
        tag = form.tag
        if tag.POS not in ("NOUN", "ADJF") or tag.case not in _CASES:
            continue
        if tag.number == "plur" and not plural and "Pltm" not in tag.grammemes:
            continue
        if same_gender and best.tag.gender and tag.gender and tag.gender != best.tag.gender:
            continue
        out.add(form.word.replace("ё", "е"))
    return frozenset(out)


def is_adjective(word: str) -> bool:
    """True when the best reading is a full adjective (street names like "Молодёжная")."""
    ps = parses(word)
    return bool(ps) and ps[0].tag.POS == "ADJF"


def is_generic(word: str) -> bool:
    """True for a common noun or adjective ("парк", "стадион"), not a proper name or abbreviation.

    A landmark alias made of one such word names a place only after a
    preposition of place ("у стадиона"), never on its own ("Уважаемая администрация").
    """
    ps = parses(word)
    if not ps or not is_known(word):
        return False
    best = ps[0]
    if best.tag.POS not in ("NOUN", "ADJF"):
        return False
    return not ({"Abbr", "Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Fixd"} & best.tag.grammemes)
