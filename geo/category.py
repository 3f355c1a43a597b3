"""What a message is about: weighted rules on lemmas and stems, no model to download.

Residents name the broken thing with a handful of words ("люк", "фонарь",
"яма") in any case, with typos and slang ("фанарь", "лежачка", "мусорка").
Each word votes for categories through its pymorphy3 lemmas, a stem list for
slang and derived words, and a one-letter-typo match for unknown words. Words
that only say where the problem is ("у детской площадки", "возле остановки")
vote with a fraction of their weight, so the object itself wins: "сломан
забор у детской площадки" is about a fence, not a playground.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from geo import morph
from geo.fuzzy import edit_distance
from geo.tokens import prepare

CATEGORIES = (
    "speed_bump",
    "fence",
    "streetlight",
    "manhole",
    "road",
    "snow",
    "garbage",
    "yard",
    "water",
    "heating",
    "transport",
    "other",
)
MIN_SCORE = 1.5  # below this the message is "other"

# lemma -> {category: weight}
_LEMMAS: dict[str, dict[str, float]] = {}
_RULES = {
    "speed_bump": {
        "лежачий": 3,
        "неровность": 3,
        "лежачка": 3,
        "лежак": 2,
        "скорость": 1.5,
        "носиться": 1.5,
        "гонять": 1.5,
        "гонщик": 1.5,
        "лихач": 2,
        "разгоняться": 1.5,
        "превышать": 1,
        "полицейский": 0.5,
        "идн": 3,
        "тормоз": 0.5,
    },
    "fence": {
        "забор": 3,
        "ограждение": 3,
        "ограда": 3,
        "заборчик": 3,
        "столбик": 3,
        "огородить": 2.5,
        "оградить": 2.5,
        "перила": 2,
        "отбойник": 2.5,
        "газон": 1.5,
        "ограничитель": 2,
        "полусфера": 2,
    },
    "streetlight": {
        "фонарь": 3,
        "освещение": 3,
        "освещать": 2,
        "осветить": 2,
        "темно": 2,
        "темнота": 2,
        "тьма": 2,
        "свет": 1.5,
        "светить": 1.5,
        "гореть": 1,
        "лампа": 2,
        "лампочка": 2,
        "прожектор": 2,
        "столб": 1,
        "светильник": 3,
        "освящение": 3,
        "потемки": 2,
        "неосвещенный": 2.5,
    },
    "manhole": {"люк": 3.5, "колодец": 3, "крышка": 2, "ливневка": 2, "решетка": 1},
    "road": {
        "яма": 3,
        "ямочный": 3,
        "выбоина": 3,
        "асфальт": 2.5,
        "дорога": 1.5,
        "тротуар": 1,
        "колея": 2,
        "колдобина": 3,
        "ухаб": 3,
        "покрытие": 1,
        "бордюр": 1.5,
        "лужа": 2,
        "разметка": 2,
        "ямка": 3,
        "провал": 1,
        "грейдер": 2,
        "щебень": 1.5,
        "дорожный": 1.5,
        "проезжий": 1,
        "яминка": 3,
    },
    "snow": {
        "снег": 3,
        "сугроб": 3,
        "наледь": 3,
        "сосулька": 3,
        "гололед": 3,
        "лед": 2,
        "скользко": 2,
        "скользкий": 2,
        "снегопад": 3,
        "снежный": 3,
        "обледенение": 3,
        "обледенелый": 3,
        "посыпать": 1.5,
        "реагент": 2,
        "чистить": 1,
        "почистить": 1,
        "расчистить": 1.5,
        "убрать": 0.5,
        "завалить": 0.5,
        "сугробище": 3,
        "снежок": 2,
        "каток": 1,
    },
    "garbage": {
        "мусор": 3,
        "мусорный": 3,
        "контейнер": 3,
        "помойка": 3,
        "свалка": 3,
        "мусорка": 3,
        "бак": 2,
        "отход": 2,
        "тко": 3,
        "вывоз": 1,
        "вывозить": 1.5,
        "мусоровоз": 3,
        "пакет": 1,
        "хлам": 2,
        "мешок": 1,
        "контейнерный": 3,
        "бачок": 2,
        "урна": 2.5,
    },
    "yard": {
        "качель": 3,
        "качели": 3,
        "скамейка": 3,
        "лавочка": 3,
        "песочница": 3,
        "горка": 2.5,
        "карусель": 3,
        "площадка": 0.5,
        "гвоздь": 1.5,
        "турник": 2.5,
        "тренажер": 2,
        "двор": 0.3,
        "благоустройство": 1.5,
        "детский": 0.5,
        "лавка": 2,
        "беседка": 2.5,
        "клумба": 1,
    },
    "water": {
        "вода": 2.5,
        "водоснабжение": 3,
        "канализация": 2.5,
        "канализационный": 1.5,
        "труба": 2,
        "прорвать": 1,
        "течь": 1.5,
        "подвал": 1,
        "затопить": 2,
        "водопровод": 3,
        "кран": 1.5,
        "напор": 2,
        "колонка": 1.5,
        "засор": 2,
        "засориться": 2,
        "вонь": 1,
        "сток": 1.5,
        "фекалия": 2,
        "гвс": 2,
        "хвс": 3,
        "ржавый": 1,
        "водоканал": 3,
        "потоп": 2,
        "подтопить": 2,
        "протечка": 2,
        "течет": 1.5,
        "водичка": 2,
    },
    "heating": {
        "отопление": 3,
        "батарея": 3,
        "теплотрасса": 3.5,
        "тепло": 2,
        "теплоснабжение": 3,
        "котельная": 2,
        "радиатор": 3,
        "холодно": 1.5,
        "отопительный": 3,
        "трасса": 1,
        "пар": 1.5,
        "теплосеть": 3,
        "отапливать": 3,
        "мерзнуть": 1.5,
        "замерзать": 1,
        "стояк": 1.5,
    },
    "transport": {
        "автобус": 3,
        "остановка": 3,
        "маршрут": 2.5,
        "маршрутка": 3,
        "расписание": 2,
        "рейс": 2,
        "павильон": 1.5,
        "транспорт": 2,
        "водитель": 0.5,
        "автовокзал": 1.5,
        "такси": 1.5,
        "проезд": 0.5,
        "кондуктор": 2.5,
        "автостанция": 1.5,
        "автобусный": 3,
        "интервал": 1,
    },
    "other": {
        "собака": 2.5,
        "шуметь": 2,
        "сосед": 1.5,
        "шум": 2,
        "граффити": 2,
        "алкоголик": 2,
        "пьяный": 2,
        "музыка": 1.5,
        "бродячий": 1.5,
        "крыса": 2,
        "кошка": 1.5,
        "запах": 0.5,
    },
}
for _cat, _words in _RULES.items():
    for _w, _weight in _words.items():
        _LEMMAS.setdefault(_w, {})[_cat] = float(_weight)

# Stems for slang and derived forms the dictionary lacks or lemmatises oddly.
_STEMS: tuple[tuple[str, str, float], ...] = (
    ("лежач", "speed_bump", 3),
    ("неровност", "speed_bump", 3),
    ("полицейск", "speed_bump", 0.5),
    ("фонар", "streetlight", 3),
    ("темн", "streetlight", 2),
    ("освещ", "streetlight", 3),
    ("освящ", "streetlight", 3),
    ("люк", "manhole", 3.5),
    ("колод", "manhole", 3),
    ("ям", "road", 2),
    ("выбоин", "road", 3),
    ("асфальт", "road", 2.5),
    ("колдоб", "road", 3),
    ("сугроб", "snow", 3),
    ("налед", "snow", 3),
    ("сосул", "snow", 3),
    ("гололед", "snow", 3),
    ("снег", "snow", 3),
    ("снеж", "snow", 3),
    ("мусор", "garbage", 3),
    ("помойк", "garbage", 3),
    ("свалк", "garbage", 3),
    ("контейнер", "garbage", 3),
    ("качел", "yard", 3),
    ("скамей", "yard", 3),
    ("скамее", "yard", 3),
    ("лавочк", "yard", 3),
    ("песочниц", "yard", 3),
    ("канализ", "water", 2.5),
    ("водопровод", "water", 3),
    ("водоснаб", "water", 3),
    ("отоплен", "heating", 3),
    ("отопит", "heating", 3),
    ("батаре", "heating", 3),
    ("теплотрас", "heating", 3.5),
    ("автобус", "transport", 3),
    ("остановк", "transport", 3),
    ("маршрутк", "transport", 3),
    ("огражд", "fence", 3),
    ("забор", "fence", 3),
)
# Two-word phrases (lemmas) that mean more than their words.
_PHRASES: dict[tuple[str, str], tuple[str, float]] = {
    ("лежачий", "полицейский"): ("speed_bump", 2),
    ("искусственный", "неровность"): ("speed_bump", 2),
    ("детский", "площадка"): ("yard", 2.5),
    ("игровой", "площадка"): ("yard", 2.5),
    ("мусорный", "площадка"): ("garbage", 1),
    ("контейнерный", "площадка"): ("garbage", 2),
    ("уличный", "освещение"): ("streetlight", 1),
    ("горячий", "вода"): ("water", 1),
    ("превышать", "скорость"): ("speed_bump", 1.5),
    ("ямочный", "ремонт"): ("road", 1),
    ("не", "гореть"): ("streetlight", 1.5),
    ("не", "вывозить"): ("garbage", 2),
    ("пешеходный", "ограждение"): ("fence", 1),
    ("не", "убрать"): ("snow", 0.5),
}
# Words after these say where, not what: they vote with a fraction of their weight.
_WHERE = frozenset({"у", "возле", "около", "напротив", "вдоль", "близ", "вблизи", "рядом", "мимо", "сзади", "позади"})
WHERE_FACTOR = 0.4
_WORD = re.compile(r"[а-яa-z]+(?:-[а-я]+)*|[.,!?;:()]|\d+")
_TYPO_FORMS: list[str] = sorted({w for w in _LEMMAS if len(w) >= 5} | {s for s, _c, _w in _STEMS if len(s) >= 5})


def _deletes(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


# Symmetric-delete index (as in SymSpell): two words one edit apart share a
# one-deletion variant, so candidates come from dict lookups, not a scan.
_DELETES: dict[str, set[str]] = {}
for _form in _TYPO_FORMS:
    for _d in _deletes(_form):
        _DELETES.setdefault(_d, set()).add(_form)
_TYPO_LENGTHS = sorted({len(f) for f in _TYPO_FORMS})


def _typo_candidates(word: str) -> list[str]:
    """Keywords (or stems) one edit from the word or from its beginning, closest first."""
    found: dict[str, int] = {}
    for length in [len(word)] + [n for n in _TYPO_LENGTHS if n < len(word)]:
        head = word[:length]
        for d in _deletes(head):
            for form in _DELETES.get(d, ()):
                if form not in found and edit_distance(head, form, 1) <= 1:
                    found[form] = len(word) - len(form)
    return sorted(found, key=lambda f: (found[f], f))


@lru_cache(maxsize=50_000)
def word_votes(word: str) -> tuple[tuple[str, float], ...]:
    """(category, weight) votes of one folded word."""
    votes: dict[str, float] = {}
    lemmas = morph.lemmas(word) | {word}
    for lemma in lemmas:
        for cat, w in _LEMMAS.get(lemma, {}).items():
            votes[cat] = max(votes.get(cat, 0.0), w)
    if not votes:
        for stem, cat, w in _STEMS:
            if word.startswith(stem) and (len(stem) >= 4 or len(word) <= len(stem) + 3):
                votes[cat] = max(votes.get(cat, 0.0), w)
    if not votes and len(word) >= 5 and not morph.is_known(word):
        # A typo: one edit from a keyword ("фанари" ~ "фонар", "сугорбы" ~ "сугроб").
        for form in _typo_candidates(word):
            for cat, w in _LEMMAS.get(form, {}).items():
                votes[cat] = max(votes.get(cat, 0.0), w * 0.8)
            for stem, cat, w in _STEMS:
                if stem == form:
                    votes[cat] = max(votes.get(cat, 0.0), w * 0.8)
            if votes:
                break
    return tuple(votes.items())


@lru_cache(maxsize=50_000)
def _ends_phrase(word: str) -> bool:
    """A noun or pronoun closes a "where" phrase; prepositions and adjectives do not."""
    ps = morph.parses(word)
    return not ps or ps[0].tag.POS in ("NOUN", "NPRO", None)


def scores(text: str, ignore: Iterable[tuple[int, int]] = ()) -> dict[str, float]:
    """Category → summed votes for ``text`` (only categories with a vote).

    Words inside ``ignore`` spans (place names: "Тёплый берег", "Котельная № 3")
    say where, not what, and do not vote.
    """
    folded = prepare(text)
    ignore_words = set()
    for start, end in ignore:
        ignore_words.update(_WORD.findall(folded[start:end]))
    words = _WORD.findall(folded)
    total: dict[str, float] = {}
    where_left = 0  # words left in a "where" phrase ("у детской площадки"), which ends at its noun
    prev_lemmas: frozenset[str] = frozenset()
    for word in words:
        if not word[0].isalpha():
            where_left, prev_lemmas = 0, frozenset()  # punctuation or a number ends a "where" phrase
            continue
        if ignore_words and word in ignore_words:
            where_left = 0
            continue
        factor = WHERE_FACTOR if where_left > 0 else 1.0
        if word in _WHERE:
            where_left = 4
        elif where_left > 0:
            where_left = 0 if _ends_phrase(word) else where_left - 1
        for cat, w in word_votes(word):
            total[cat] = total.get(cat, 0.0) + w * factor
        lemmas = morph.lemmas(word) | {word}
        for a in prev_lemmas:
            for b in lemmas:
                hit = _PHRASES.get((a, b))
                if hit:
                    total[hit[0]] = total.get(hit[0], 0.0) + hit[1] * factor
        prev_lemmas = lemmas
    return total


def classify(text: str, ignore: Iterable[tuple[int, int]] = ()) -> str:
    """The category code of a message by the rules alone ("other" when nothing votes enough).

    ``ignore``: character spans of place names that must not vote. The
    statistical model (geo.classifier) uses these votes as features.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    return verdict(scores(text, ignore))[0]


def verdict(total: dict[str, float]) -> tuple[str, float]:
    """The rules' category for summed votes, and the best vote's share of all votes (0 when none)."""
    if not total:
        return "other", 0.0
    order = {c: i for i, c in enumerate(CATEGORIES)}
    best = max(total.items(), key=lambda kv: (kv[1], -order[kv[0]]))
    share = best[1] / sum(total.values())
    return (best[0], share) if best[1] >= MIN_SCORE else ("other", 0.0)
