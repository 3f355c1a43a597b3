"""The closed vocabularies of the data model, each defined once: codes, labels, groups, moves.

Every list of codes the app knows (case and work statuses, channels, place
precisions, roles) lives here with its label for people (translated where it
is shown) and its groups (FixMyStreet's open / closed / fixed states): the
models' CHECK constraints, the SQL filters, the forms' choices, the pages'
labels and the workflow's allowed transitions are all read from these objects,
so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


def sql_list(values: Iterable[str]) -> str:
    """SQL text ``('a', 'b')`` of codes (our constants only, never input)."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def sql_in(column: str, values: Iterable[str]) -> str:
    """SQL text ``column IN ('a', 'b')``: for CHECK constraints and filters (codes only, never input)."""
    return f"{column} IN {sql_list(values)}"


@dataclass(frozen=True, slots=True)
class Term:
    """One code of a vocabulary: its label, the groups it belongs to, the codes it may move to."""

    code: str
    label: LazyString
    groups: frozenset[str] = frozenset()
    moves: frozenset[str] = frozenset()


def label(vocabulary: Vocabulary, code: str | None) -> str:
    """``vocabulary.label(code)``, for callers that pass the vocabulary around."""
    return vocabulary.label(code)


def term(code: str, label: LazyString, groups: Iterable[str] = (), moves: Iterable[str] = ()) -> Term:
    return Term(code, label, frozenset(groups), frozenset(moves))


class Vocabulary:
    """An ordered, closed list of :class:`Term` with lookups by code and by group."""

    def __init__(self, name: str, *terms: Term) -> None:
        self.name = name
        self.terms: dict[str, Term] = {t.code: t for t in terms}
        unknown = {m for t in terms for m in t.moves} - self.terms.keys()
        if unknown:
            raise ValueError(f"{name}: moves to unknown codes {sorted(unknown)}")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.terms)

    def __iter__(self) -> Iterator[str]:
        return iter(self.terms)

    def __contains__(self, code: object) -> bool:
        return code in self.terms

    def group(self, name: str) -> tuple[str, ...]:
        """The codes in group ``name``, in the vocabulary's order."""
        return tuple(c for c, t in self.terms.items() if name in t.groups)

    def label(self, code: str | None) -> str:
        """The label of ``code`` in the current language; the code itself for values added later."""
        found = self.terms.get(code or "")
        return str(found.label) if found else (code or "—")

    def labels(self) -> dict[str, str]:
        """Every code's label in the current language (for scripts and forms)."""
        return {c: str(t.label) for c, t in self.terms.items()}

    def choices(self, codes: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> list[tuple[str, LazyString]]:
        """``(code, label)`` pairs for a select (labels translated when shown), without ``exclude``."""
        skip = set(exclude)
        wanted = self.codes if codes is None else tuple(codes)
        return [(c, self.terms[c].label) for c in wanted if c not in skip]

    def may_move(self, old: str, new: str) -> bool:
        """Whether the workflow allows ``old`` -> ``new``."""
        found = self.terms.get(old)
        return found is not None and new in found.moves

    def check(self, column: str) -> str:
        """The CHECK constraint text keeping ``column`` inside the vocabulary."""
        return sql_in(column, self.codes)

    def sql_list(self, group: str) -> str:
        """SQL text ``('a', 'b')`` of the codes of ``group``."""
        return sql_list(self.group(group))

    def sql_group(self, column: str, group: str) -> str:
        """SQL ``column IN (...)`` for the codes of ``group``."""
        return sql_in(column, self.group(group))


OPEN, CLOSED, PUBLIC, FIXED = "open", "closed", "public", "fixed"
LINE = "line"  # a place drawn as a line: the case keeps the street's (or stretch's) line beside its point
WAITING = "waiting"  # open and not yet in work: opening a work moves these cases to in work

# A case. "duplicate" needs the case it duplicates; a done case is reopened when the resident
# says it is not fixed. The public map shows accepted, in-work and done cases only.
APPEAL_STATUS = Vocabulary(
    "appeal status",
    term("new", _l("новое"), {OPEN, WAITING}, {"accepted", "in_work", "done", "rejected", "duplicate"}),
    term("accepted", _l("принято"), {OPEN, WAITING, PUBLIC}, {"in_work", "done", "rejected", "duplicate"}),
    term("in_work", _l("в работе"), {OPEN, PUBLIC}, {"accepted", "done", "rejected", "duplicate"}),
    term("done", _l("выполнено"), {CLOSED, PUBLIC, FIXED}, {"accepted"}),
    term("rejected", _l("отклонено"), {CLOSED}, {"new", "accepted"}),
    term("duplicate", _l("дубликат"), {CLOSED}, {"new", "accepted"}),
)

# A work on the ground: planned -> in work -> done; a done work reopens when the job was not
# finished. The public map shows works in work and done.
WORK_STATUS = Vocabulary(
    "work status",
    term("planned", _l("запланирована"), {OPEN}, {"in_work", "done"}),
    term("in_work", _l("в работе"), {OPEN, PUBLIC}, {"planned", "done"}),
    term("done", _l("выполнена"), {CLOSED, PUBLIC, FIXED}, {"in_work"}),
)

# Where a message came from; a "public" channel's posts may be linked by URL. "intake": an
# operator may type a message of this channel in by hand.
INTAKE = "intake"
CHANNEL = Vocabulary(
    "channel",
    term("vk", _l("ВКонтакте"), {PUBLIC}),
    term("telegram", _l("Telegram"), {PUBLIC}),
    term("ok", _l("Одноклассники"), {PUBLIC}),
    term("pos", _l("ПОС (Госуслуги)")),
    term("reception", _l("личный приём"), {INTAKE}),
    term("phone", _l("телефон"), {INTAKE}),
    term("manual", _l("вручную"), {INTAKE}),
    term("open311", _l("Open311")),
    term("csv", _l("таблица (CSV)")),
)

# What became of an answer to a resident: posted back to the channel (``sent``), waiting for
# the operator to copy it (``to_send``: no token or a channel without posting), refused by the
# channel (``failed``: may be retried), or kept for the official reply (ПОС, reception, phone).
# The public popup shows the last ``sent`` or ``official`` one.
ANSWER_STATE = Vocabulary(
    "answer state",
    term("sent", _l("отправлен"), {PUBLIC}),
    term("to_send", _l("к отправке")),
    term("failed", _l("не отправлен")),
    term("official", _l("для официального ответа"), {PUBLIC}),
)

# How exactly a case is placed, finest first.
PRECISION = Vocabulary(
    "precision",
    term("house", _l("дом")),
    term("interpolated_house", _l("дом (по соседним)")),
    term("street", _l("улица"), {LINE}),
    term("segment", _l("участок улицы"), {LINE}),
    term("intersection", _l("перекрёсток")),
    term("landmark", _l("ориентир")),
    term("district", _l("микрорайон")),
    term("none", _l("не определено")),
)

PLACED_BY = Vocabulary("placed by", term("auto", _l("автоматически")), term("operator", _l("оператор")))

ROLE = Vocabulary(
    "role",
    term("admin", _l("администратор")),
    term("operator", _l("оператор")),
    term("crew", _l("бригада")),
    term("analyst", _l("аналитик")),
)


class CategorySeed(NamedTuple):
    code: str
    name_ru: str
    name_en: str


class WorkTypeSeed(NamedTuple):
    """A work type seeded at set-up; ``category`` is the case category it answers by default."""

    code: str
    name_ru: str
    name_en: str
    icon: str
    category: str


# Seeded into the categories and work_types tables by the first migration; admins may add more.
CATEGORIES = (
    CategorySeed("speed_bump", "Искусственные неровности", "Speed bumps"),
    CategorySeed("fence", "Ограждения, заборы", "Fences"),
    CategorySeed("streetlight", "Уличное освещение", "Street lighting"),
    CategorySeed("manhole", "Люки и колодцы", "Manholes"),
    CategorySeed("road", "Дороги, ямы, тротуары", "Roads and pavements"),
    CategorySeed("snow", "Снег и наледь", "Snow and ice"),
    CategorySeed("garbage", "Мусор и контейнерные площадки", "Garbage"),
    CategorySeed("yard", "Дворы и детские площадки", "Yards and playgrounds"),
    CategorySeed("water", "Водоснабжение и канализация", "Water and sewerage"),
    CategorySeed("heating", "Отопление и теплотрассы", "Heating"),
    CategorySeed("transport", "Общественный транспорт", "Public transport"),
    CategorySeed("other", "Другое", "Other"),
)

WORK_TYPES = (
    WorkTypeSeed(
        "speed_bump", "Установлена искусственная неровность", "Speed bump installed", "speed_bump", "speed_bump"
    ),
    WorkTypeSeed("fence", "Установлено ограждение", "Fence built", "fence", "fence"),
    WorkTypeSeed(
        "streetlight",
        "Отремонтировано или установлено освещение",
        "Streetlight repaired or installed",
        "streetlight",
        "streetlight",
    ),
    WorkTypeSeed("manhole", "Закрыт или заменён люк", "Manhole closed or replaced", "manhole", "manhole"),
    WorkTypeSeed("road", "Отремонтирована дорога", "Road repaired", "road", "road"),
)


def default_work_type(category: str) -> str:
    """The work type a new work for a case of ``category`` starts with: the seeded one that answers
    it, else a type of the category's own code (one an admin may have added)."""
    return next((w.code for w in WORK_TYPES if w.category == category), category)
