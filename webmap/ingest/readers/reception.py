"""Personal-reception log (the mayor's office): one row per visitor's question.

Columns by name: date, visitor, question are required; received_by, address,
phone and an id are optional (Russian header names are accepted too). A log
typed by hand has no ids, so ``external_id`` is then a stable hash of the
parsed date, the visitor and the question: re-importing the same log is
idempotent, and fixing a typo in the question makes a new message (the old
one stays, as everything a channel delivered does). Non-public channel: no URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from .checks import Checker
from .csvtable import Column, open_table, read_rows
from .records import ReadItem, ReadStats
from .sources import Source, open_source
from .values import DEFAULT_MAX_TEXT, clean_text, parse_datetime, stable_id

COLUMNS = (
    Column("posted_at", ("date", "Дата", "Дата приема", "Дата приёма", "Дата обращения", "datetime")),
    Column("author", ("visitor", "Посетитель", "Заявитель", "ФИО", "Гражданин", "name")),
    Column("text", ("question", "Вопрос", "Суть обращения", "Обращение", "Текст", "text")),
    Column(
        "received_by",
        ("received_by", "received by", "Принял", "Кто принял", "Принимающий", "Ведущий приём"),
        required=False,
    ),
    Column("address", ("address", "Адрес"), required=False),
    Column("phone", ("phone", "Телефон", "Тел", "Контактный телефон"), required=False),
    Column("external_id", ("id", "Номер", "№", "Номер записи"), required=False),
)


def reception_id(date: str | None, visitor: str | None, question: str | None) -> str:
    """The stable id of a row without an id column (see module docstring)."""
    try:
        day = parse_datetime(date).isoformat()
    except ValueError:
        day = clean_text(date)
    return stable_id(day, clean_text(visitor), clean_text(question))


def read_reception(
    source: Source,
    *,
    channel: str = "reception",
    max_text_length: int = DEFAULT_MAX_TEXT,
    now: datetime | None = None,
    stats: ReadStats | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Iterator[ReadItem]:
    """Yield a RawMessage per row, a Rejected per bad row; blank lines are
    skipped. A date without time is local midnight. Raises ReaderError for an
    empty file or missing required columns before yielding anything.
    """
    checker = Checker.create(channel, max_text_length, now)
    stats = stats if stats is not None else ReadStats()
    checker.dirty = lambda: False  # csvtable strips NUL; strict decoding
    with open_source(source) as peeked:
        table = open_table(peeked, COLUMNS, encoding=encoding, delimiter=delimiter)
        has_id = "external_id" in table.index

        def build(position: str, cells: list[str]) -> ReadItem:
            date = table.value(cells, "posted_at")
            visitor = table.value(cells, "author")
            question = table.value(cells, "text")
            return checker.build(
                position=position,
                record=table.raw(cells),
                external_id=(table.value(cells, "external_id") if has_id else reception_id(date, visitor, question)),
                text=question,
                posted_at=date,
                author=visitor,
                received_by=table.value(cells, "received_by"),
                address=table.value(cells, "address"),
                phone=table.value(cells, "phone"),
            )

        yield from read_rows(table, checker, stats, build)
