"""Tokens with character offsets, over a folded copy of the text that hides noise.

Parsers read :func:`prepare`'s copy: lower case, ``ё`` → ``е``, HTML tags,
contacts (phones, e-mails, links), dates, times and money blanked out with
spaces. The copy is exactly as long as the original, so every span a parser
reports indexes the original text; and a phone number can never be read as a
house number because it is not there any more.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from geo.normalize import fold_keep_length
from geo.pii import contact_spans

_HTML = re.compile(r"<[^<>]{0,300}>|&[a-z#0-9]{2,8};")
_NUMERIC_NOISE = re.compile(
    r"""
    (?<![\d/])\d{1,2}\.\d{1,2}\.\d{2,4}(?!\d)          # 01.02.2024
    |(?<![\d/])\d{1,2}/\d{1,2}/\d{2,4}(?!\d)           # 01/02/2024
    |(?<![\d.])\d{1,2}\.(?:0?[1-9]|1[0-2])(?![\d.])     # 12.01 (a date)
    |(?<!\d)\d{1,2}:\d{2}(?!\d)                         # 14:30
    |(?<![\d,])\d+(?:[.,]\d+)?\s?(?:₽|\$|€|%)            # money, per cent
    |(?<![\d,])\d+,\d+(?!\d)                            # decimals
    """,
    re.X,
)
_TOKEN = re.compile(r"(?P<num>\d+)|(?P<word>[a-zа-я]+(?:-[a-zа-я]+)*)|(?P<punct>[^\s\w]|_)")
# "2-й", "5-ый", "2ой": an ordinal numeral, one token.
_ORDINAL_TAIL = re.compile(
    r"(?:-(?:й|ой|ий|ый|я|ая|го|ого|му|ому|м|ом|ым|е|ое|ей|ю|ую|х|ых|их)|(?:й|ой|ий|ый|го|ого|ому|ом|ым|ая|ое|ую|ых))(?![a-zа-я\d])"
)

ORDINALS = {
    "первый": 1,
    "второй": 2,
    "третий": 3,
    "четвертый": 4,
    "пятый": 5,
    "шестой": 6,
    "седьмой": 7,
    "восьмой": 8,
    "девятый": 9,
    "десятый": 10,
    "одиннадцатый": 11,
    "двенадцатый": 12,
    "тринадцатый": 13,
    "четырнадцатый": 14,
    "пятнадцатый": 15,
}


class Token(NamedTuple):
    """One token of the folded text. ``key`` is what name patterns compare:
    the folded word, or ``#5`` for the number 5 and for ordinals ("пятом", "5-й").
    A NamedTuple: messages make many tokens, and tuples are the cheapest to build."""

    start: int
    end: int
    text: str
    kind: str  # "num", "word" or "punct"
    key: str
    cap: bool  # the original starts with a capital letter
    upper: bool  # the original is all capitals ("ДК", "СОШ")
    ordinal: bool = False


CACHE_TEXTS_UP_TO = 100_000  # characters; longer texts are not kept in caches


def prepare(text: str) -> str:
    """The folded, noise-free copy of ``text`` with the same length (see module doc).

    Cached for the last few (short) texts: triage prepares one message for the
    parser and the classifier.
    """
    return _prepare_cached(text) if len(text) <= CACHE_TEXTS_UP_TO else _prepare(text)


@lru_cache(maxsize=16)
def _prepare_cached(text: str) -> str:
    return _prepare(text)


def _prepare(text: str) -> str:
    folded = fold_keep_length(text)
    chars = None

    def blank(start: int, end: int) -> None:
        nonlocal chars
        if chars is None:
            chars = list(folded)
        chars[start:end] = " " * (end - start)

    for m in _HTML.finditer(folded):
        blank(m.start(), m.end())
    for start, end, _kind in contact_spans(text):
        blank(start, end)
    for m in _NUMERIC_NOISE.finditer(folded):
        blank(m.start(), m.end())
    return folded if chars is None else "".join(chars)


_ORDINAL_FORMS: dict[str, int] | None = None


def _ordinal_forms() -> dict[str, int]:
    """Every case form of "первый" … "пятнадцатый" → its number, built once."""
    global _ORDINAL_FORMS
    if _ORDINAL_FORMS is None:
        from geo.morph import analyzer

        forms: dict[str, int] = {}
        for word, n in ORDINALS.items():
            for p in analyzer().parse(word):
                if p.tag.POS == "ADJF":
                    for f in p.lexeme:
                        forms[f.word.replace("ё", "е")] = n
                    break
        _ORDINAL_FORMS = forms
    return _ORDINAL_FORMS


def tokenize(folded: str, original: str | None = None) -> list[Token]:
    """Split a :func:`prepare`'d text; ``original`` (same length) gives capitalisation."""
    original = folded if original is None else original
    ordinals = _ordinal_forms()
    out: list[Token] = []
    pos = 0
    n = len(folded)
    while pos < n:
        m = _TOKEN.search(folded, pos)
        if m is None:
            break
        start, end = m.span()
        kind = m.lastgroup or "punct"
        text = m.group()
        key = text
        ordinal = False
        if kind == "num":
            tail = _ORDINAL_TAIL.match(folded, end)
            if tail:
                end = tail.end()
                text = folded[start:end]
                ordinal = True
            key = f"#{int(m.group())}" if len(m.group()) <= 6 else m.group()
        elif kind == "word" and text in ordinals:
            key = f"#{ordinals[text]}"
            ordinal = True
        first = original[start]
        out.append(
            Token(
                start, end, text, kind, key, first.isupper(), original[start:end].isupper() and end - start > 1, ordinal
            )
        )
        pos = end
    return out
