"""House numbers as residents write them, and numbers that only look like them.

``24А``, ``24 а``, ``8/1``, ``2 корп. 2``, ``2к2``, ``7 стр. 1`` are house
numbers; ``12 фонарей``, ``3 дня``, ``2 часа`` count something, and a number
followed by a dash and a digit is a range or a phone. Candidates come out in
order of preference so that the gazetteer can pick the one it knows
("24 а" is house 24А if that exists, else house 24 followed by "а ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from geo import morph
from geo.normalize import house_key

_HOUSE = re.compile(
    r"""
    (?P<num>\d{1,4})(?!\d)
    (?:\s?(?:/|дробь)\s?(?P<frac>\d{1,3})(?!\d))?
    (?:-?(?P<glued>[а-я])(?![а-я\d])(?!\.?\s?\d)|\s(?P<spaced>[а-я])(?![а-я\d-])(?!\.?\s?\d))?
    (?:(?:\s?(?:корпус|корп\.?|кор\.?)\s?|\s?к\.\s?|к\s?|\sк)(?P<block>\d{1,2})(?!\d))?
    (?:\s?(?:строение|стр\.?)\s?(?P<bld>\d{1,2})(?!\d)|с(?P<bld2>\d{1,2})(?!\d))?
    """,
    re.X,
)
_NOT_AFTER = re.compile(r"\s?[-–—]\s?\d|[.,:]\d|\s?%|-?(?:х|ти|ми|ей|ое|ий|ый|ой)\b")
_YEAR = re.compile(r"(?:19|20)\d\d\s?(?:г\b|г\.|год)")
# A one-letter word after a space is a preposition or conjunction, not a house letter,
# when a word follows it ("Мира 5 в 2 часа", "Мира 24 а у нас").
_SMALL_WORDS = frozenset("авскуиоя")

# Nouns that make a number a quantity whatever their form: time, money, measures.
UNITS = frozenset(
    {
        "час",
        "минута",
        "мин",
        "секунда",
        "день",
        "сутки",
        "неделя",
        "месяц",
        "год",
        "гг",
        "лет",
        "раз",
        "рубль",
        "руб",
        "р",
        "тысяча",
        "тыс",
        "копейка",
        "метр",
        "м",
        "км",
        "см",
        "мм",
        "километр",
        "сантиметр",
        "штука",
        "шт",
        "человек",
        "чел",
        "процент",
        "градус",
        "литр",
        "кг",
        "килограмм",
        "тонна",
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    }
)


@dataclass(frozen=True, slots=True)
class HouseMatch:
    """A house number found at a position: keys to try, in order, and where it ends."""

    keys: tuple[str, ...]
    text: str
    number: int
    end: int


def match_house(folded: str, pos: int) -> HouseMatch | None:
    """Read a house number starting exactly at ``pos`` of a folded text, or None."""
    m = _HOUSE.match(folded, pos)
    if m is None:
        return None
    end = m.end()
    if _NOT_AFTER.match(folded, end) or _YEAR.match(folded, pos):
        return None
    num = m.group("num")
    if int(num) == 0:
        return None
    base = num + (f"/{m.group('frac')}" if m.group("frac") else "")
    tail = ""
    if m.group("block"):
        tail += f"к{m.group('block')}"
    bld = m.group("bld") or m.group("bld2")
    if bld:
        tail += f"с{bld}"
    letter = m.group("glued") or m.group("spaced")
    if letter and m.group("spaced") and not tail:
        rest = folded[m.end("spaced") : m.end("spaced") + 2]
        if letter in _SMALL_WORDS and re.match(r"\s[а-яa-z\d]", rest):
            letter = None  # "Мира 5 в 2 часа": "в" is a preposition
            end = m.end("num") if not m.group("frac") else m.end("frac")
    keys: list[str] = []
    if letter:
        keys.append(house_key(base + letter + tail))
    keys.append(house_key(base + tail))
    if tail and letter:
        keys.append(house_key(base + letter))
    if tail or letter or m.group("frac"):
        keys.append(house_key(num))
    keys = list(dict.fromkeys(keys))
    return HouseMatch(tuple(keys), folded[pos:end].strip(), int(num), end)


@lru_cache(maxsize=50_000)
def counts_something(number: int, word: str, *, comma: bool) -> bool:
    """True when ``word`` after ``number`` makes it a quantity ("12 фонарей", "3 дня").

    Time, money and measure words always do. Other nouns do when their form is
    the one a numeral requires and cannot be a subject (``фонарей`` after 12,
    ``фонаря`` after 2), unless a comma or "дом" marked the number as a house
    (``Кедровая 4 выбоины``: house 4, "выбоины" is the subject).
    """
    word = word.replace("ё", "е")
    if morph.lemmas(word) & UNITS or word in UNITS:
        return True
    if comma:
        return False
    forms = morph.noun_forms(word)
    if not forms or any(case == "nomn" for _n, case in forms):
        return False
    last2, last = number % 100, number % 10
    if last == 1 and last2 != 11:
        return False  # "Ленина 21 фонарь": ambiguous, the house reading wins
    if 2 <= last <= 4 and not 12 <= last2 <= 14:
        return ("sing", "gent") in forms
    return ("plur", "gent") in forms


def display_house(key: str) -> str:
    """Readable form of a house key: ``24а`` → ``24А``, ``2к2`` → ``2 корп. 2``."""
    m = re.fullmatch(r"(\d+(?:/\d+)?)([а-я]?)(?:к(\d+))?(?:с(\d+))?", key)
    if not m:
        return key.upper()
    out = m.group(1) + m.group(2).upper()
    if m.group(3):
        out += f" корп. {m.group(3)}"
    if m.group(4):
        out += f" стр. {m.group(4)}"
    return out


def house_number(key: str) -> tuple[int, str] | None:
    """(leading number, rest) of a house key, for ordering and odd/even sides."""
    m = re.match(r"(\d+)(.*)", key)
    return (int(m.group(1)), m.group(2)) if m else None
