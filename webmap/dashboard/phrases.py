"""Russian counted phrases ("12 искусственных неровностей") and the works sentence.

Russian nouns after a number take one of three forms (1 люк, 3 люка, 5 люков),
and the adjectives before them follow (3 закрытых люка, 2 искусственные
неровности). The msgids of this project are Russian and there is no ``ru``
catalogue for ngettext to choose among three forms, so the forms come from
pymorphy3 (already the project's morphology): each word up to the head noun
is inflected for the number; the words after it (``участок дороги``) stay.
English uses WorkType.name_en and a plain count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from geo.morph import analyzer

# How the head of the administration would name a done work of each type.
WORK_PHRASES: dict[str, str] = {
    "speed_bump": "искусственная неровность",
    "fence": "ограждение",
    "streetlight": "отремонтированный светильник",
    "manhole": "закрытый люк",
    "road": "отремонтированный участок дороги",
}
FALLBACK_HEAD = "работа"  # a type admins added: «3 работы «Покрашены скамейки»»


def plural_form(n: int) -> str:
    """CLDR Russian plural category of a whole number: one, few or many."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


def _best(word: str, pos: tuple[str, ...]) -> Any:
    """The parse of ``word`` in the nominative singular with one of the parts of speech ``pos``."""
    candidates = analyzer().parse(word)
    for p in candidates:
        if p.tag.POS in pos and p.tag.number == "sing" and p.tag.case in ("nomn", "accs"):
            return p
    return None


@lru_cache(maxsize=1024)
def agree(n: int, phrase: str) -> str:
    """``phrase`` (nominative singular) in the form a count of ``n`` needs, without the number."""
    form = plural_form(n)
    words = phrase.split(" ")
    if form == "one":
        return phrase
    head = next((i for i, w in enumerate(words) if _best(w, ("NOUN",)) is not None), None)
    if head is None:
        return phrase
    noun = _best(words[head], ("NOUN",))
    out = list(words)
    noun_grammemes = {"sing", "gent"} if form == "few" else {"plur", "gent"}
    inflected = noun.inflect(noun_grammemes)
    out[head] = inflected.word if inflected else words[head]
    # 2 искусственные неровности (feminine: nominative plural), 3 закрытых люка (genitive plural)
    adj_grammemes = {"plur", "nomn"} if form == "few" and noun.tag.gender == "femn" else {"plur", "gent"}
    for i in range(head):
        adj = _best(words[i], ("ADJF", "PRTF"))
        if adj is not None:
            form_ = adj.inflect(adj_grammemes)
            out[i] = form_.word if form_ else words[i]
    return " ".join(out)


def counted(n: int, phrase: str) -> str:
    """``12 искусственных неровностей``."""
    return f"{n} {agree(n, phrase)}"


@dataclass(frozen=True)
class WorkCount:
    type_code: str
    name_ru: str
    name_en: str
    count: int
    place: str | None  # the district of a single work


def _ru_item(item: WorkCount) -> str:
    phrase = WORK_PHRASES.get(item.type_code)
    if phrase is None:
        text = f"{counted(item.count, FALLBACK_HEAD)} «{item.name_ru}»"
    elif item.count == 1:
        text = phrase
    else:
        text = counted(item.count, phrase)
    if item.count == 1 and item.place:
        text += f" ({item.place})"
    return text


def works_sentence(items: list[WorkCount], date_from: date, date_to: date) -> str:
    """What was done in the period, in one sentence the head of the town can read out."""
    period = _(
        "с %(start)s по %(end)s", start=format_date(date_from, "dd.MM.yyyy"), end=format_date(date_to, "dd.MM.yyyy")
    )
    if not items:
        return _("За период %(period)s работ не выполнено.", period=period)
    if str(get_locale()) == "ru":
        listed = ", ".join(_ru_item(i) for i in items)
    else:
        listed = ", ".join(
            f"{i.name_en}: {i.count}" + (f" ({i.place})" if i.count == 1 and i.place else "") for i in items
        )
    return _("За период %(period)s сделано: %(works)s.", period=period, works=listed)
