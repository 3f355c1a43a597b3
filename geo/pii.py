"""Personal data in message text: phones, e-mails, profile links and person names.

Public pages must not show them (152-FZ), so they are found as character spans
and :func:`redact` replaces each with a placeholder. Finding errs towards too
much: an over-redacted word costs little, a published phone number costs a lot.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache

from geo import morph

PiiSpan = tuple[int, int, str]  # (start, end, kind): kind is phone, email, link or name

LABELS = {"phone": "[телефон]", "email": "[e-mail]", "link": "[ссылка]", "name": "[имя]"}

_SEP = r"[\s\-\u00a0.]{0,2}"
_PHONE = re.compile(
    rf"""
    (?<![\w+])(?:\+\s?7|8|7){_SEP}\(?\d{{3,5}}\)?{_SEP}\d{{1,3}}{_SEP}\d{{1,2}}{_SEP}\d{{2}}(?!\d)  # +7 (912) 345-67-89
    |(?<![\w+])9\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}(?!\d)                                # 912 345 67 89
    |(?<![\w+\-/.])\d{{1,3}}-\d{{2}}-\d{{2}}(?![\d\-])                                               # 7-12-34 (local)
    """,
    re.X,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[a-zA-Z0-9а-яА-Я-]+(?:\.[a-zA-Z0-9а-яА-Я-]+)+")
_LINK = re.compile(
    r"""(?:https?://|www\.)[^\s<>"'«»]+
    |(?<![\w.@])(?:m\.)?(?:vk\.com|vk\.ru|vkontakte\.ru|t\.me|telegram\.me|ok\.ru|odnoklassniki\.ru
       |instagram\.com|facebook\.com|fb\.com|youtube\.com|max\.ru|dzen\.ru)/[^\s<>"'«»]*""",
    re.X | re.I,
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z][A-Za-z0-9_.]{2,31}(?![\w@])")

_CAP_WORD = re.compile(r"(?<![\w@.\-])[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?![\w])")
_INITIALS_AFTER = re.compile(r"\s*[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.)?")
_INITIALS_BEFORE = re.compile(r"[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.\s?)?$")
# Capitalised words after these are street or place names, not people ("ул. Ленина").
_PLACE_WORDS = re.compile(
    r"(?:\b(?:ул|улица|улице|улицы|улицу|пр|пр-т|пр-кт|просп|проспект\w*|пер|переул\w*|пр-д|проезд\w*"
    r"|б-р|бульвар\w*|мкр|им|имени|г|город\w*|пл|площад\w*|шк|школ\w*|сад\w*|парк\w*|памятник\w*)\.?\s*)$",
    re.I,
)
_NOT_NAMES = frozenset({"покачи", "россия", "югра"})


def contact_spans(text: str) -> list[PiiSpan]:
    """Phones, e-mails and links by pattern alone (no morphology; cheap)."""
    return list(_contact_spans_cached(text) if len(text) <= 100_000 else _contact_spans(text))


@lru_cache(maxsize=16)
def _contact_spans_cached(text: str) -> tuple[PiiSpan, ...]:
    return _contact_spans(text)


def _contact_spans(text: str) -> tuple[PiiSpan, ...]:
    spans: list[PiiSpan] = []
    for kind, rx in (("link", _LINK), ("email", _EMAIL), ("link", _HANDLE), ("phone", _PHONE)):
        for m in rx.finditer(text):
            if kind == "phone" and sum(c.isdigit() for c in m.group()) not in (5, 6, 7, 10, 11):
                continue
            end = m.end()
            if kind == "link":  # a link does not end with the sentence's punctuation
                end = m.start() + len(m.group().rstrip(".,;:!?)"))
            spans.append((m.start(), end, kind))
    return tuple(_merge(spans))


def _is_person_word(word: str) -> tuple[bool, bool]:
    """(strong, weak): strong when the best reading is a name, weak when any reading is."""
    if word.lower() in _NOT_NAMES:
        return False, False
    best, anywhere = morph.name_tags(word.lower().replace("ё", "е"))
    strong = bool(best)
    return strong, bool(anywhere)


def name_spans(text: str, skip: Iterable[tuple[int, int]] = ()) -> list[PiiSpan]:
    """Person names: runs of capitalised words that pymorphy3 reads as Name/Surn/Patr,
    and surnames with initials ("Иванов И.И.", "И. И. Иванов").

    ``skip`` holds spans already known to be places (street and landmark
    mentions), since many street names are surnames in the genitive ("Ленина").
    """
    merged = _merge([(s, e, "") for s, e in skip])
    starts = [s for s, _e, _k in merged]
    ends = [e for _s, e, _k in merged]

    def skipped(start: int, end: int) -> bool:
        i = bisect_right(starts, end - 1) - 1  # the last skip span starting before ``end``
        return i >= 0 and ends[i] > start

    words = []
    for m in _CAP_WORD.finditer(text):
        if skipped(m.start(), m.end()) or _PLACE_WORDS.search(text, max(0, m.start() - 14), m.start()):
            continue
        after = text[m.end() : m.end() + 3]
        if re.match(r",?\s?\d", after):  # "Ленина 5": a street with a house number
            continue
        strong, weak = _is_person_word(m.group())
        words.append((m.start(), m.end(), strong, weak))

    words = [w for w in words if w[3]]  # only words that can be a name start or extend a run
    spans: list[PiiSpan] = []
    i = 0
    while i < len(words):
        j = i
        while j + 1 < len(words) and re.fullmatch(r" ?", text[words[j][1] : words[j + 1][0]]):
            j += 1
        run = words[i : j + 1]
        start, end = run[0][0], run[-1][1]
        initials_after = _INITIALS_AFTER.match(text, end)
        initials_after = initials_after if initials_after and initials_after.group().strip() else None
        initials_before = _INITIALS_BEFORE.search(text[max(0, start - 8) : start])
        if run[0][2] and morph.name_tags(text[start : run[0][1]].lower())[0] == {"Patr"}:
            before = re.search(r"([А-ЯЁ][а-яё]+) ?$", text[max(0, start - 30) : start])
            if before:  # "Мира Петровна": a first name the dictionary does not know as one
                start -= len(before.group())
        if any(w[2] for w in run) or len(run) >= 2 or initials_after or initials_before:
            if initials_after:
                end = initials_after.end()
            if initials_before:
                start -= len(initials_before.group())
            spans.append((start, end, "name"))
        i = j + 1
    return spans


def find_pii(text: str, skip: Iterable[tuple[int, int]] = ()) -> list[PiiSpan]:
    """All personal-data spans in ``text``, sorted and not overlapping."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    contacts = contact_spans(text)
    names = name_spans(text, list(skip) + [(s, e) for s, e, _ in contacts])
    return _merge(contacts + names)


def _merge(spans: list[PiiSpan]) -> list[PiiSpan]:
    """Sort spans and fold overlapping ones into the first (the earlier kind wins)."""
    out: list[PiiSpan] = []
    for start, end, kind in sorted(spans):
        if out and start < out[-1][1]:
            s, e, k = out[-1]
            out[-1] = (s, max(e, end), k)
        else:
            out.append((start, end, kind))
    return out


def redact(text: str, spans: Iterable[PiiSpan]) -> str:
    """``text`` with each span replaced by its placeholder ("[телефон]", "[имя]" ...)."""
    parts = []
    pos = 0
    for start, end, kind in _merge([(s, e, k) for s, e, k in spans if 0 <= s < e <= len(text)]):
        parts.append(text[pos:start])
        parts.append(LABELS.get(kind, "[скрыто]"))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
