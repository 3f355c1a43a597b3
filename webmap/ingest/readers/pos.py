"""ПОС (Gosuslugi feedback platform) CSV export.

Columns by name: Номер, Дата поступления, Текст сообщения are required (the
message cannot be identified, dated or read without them); Категория, Статус,
Заявитель are kept when present. ПОС is a non-public channel: ``url`` is None
and the text must never be shown publicly without redaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from .checks import Checker
from .csvtable import Column, open_table, read_rows
from .records import ReadItem, ReadStats
from .sources import Source, open_source
from .values import DEFAULT_MAX_TEXT

COLUMNS = (
    Column("external_id", ("Номер", "№", "Номер обращения", "Номер сообщения", "ID", "Идентификатор")),
    Column(
        "posted_at",
        ("Дата поступления", "Дата и время поступления", "Дата обращения", "Дата создания", "Дата регистрации", "Дата"),
    ),
    Column(
        "text",
        ("Текст сообщения", "Текст обращения", "Текст", "Сообщение", "Содержание", "Описание"),
    ),
    Column("category", ("Категория", "Подкатегория", "Рубрика", "Тема"), required=False),
    Column("status", ("Статус", "Состояние", "Статус сообщения"), required=False),
    Column("author", ("Заявитель", "ФИО заявителя", "ФИО", "Автор"), required=False),
)


def read_pos(
    source: Source,
    *,
    channel: str = "pos",
    max_text_length: int = DEFAULT_MAX_TEXT,
    now: datetime | None = None,
    stats: ReadStats | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Iterator[ReadItem]:
    """Yield a RawMessage per row, a Rejected per bad row; blank lines are
    skipped, rows with broken quoting rejected. ``encoding``/``delimiter``
    override detection. Raises ReaderError
    for an empty file or missing required columns before yielding anything.
    """
    checker = Checker.create(channel, max_text_length, now)
    stats = stats if stats is not None else ReadStats()
    checker.dirty = lambda: False  # csvtable strips NUL; strict decoding
    with open_source(source) as peeked:
        table = open_table(peeked, COLUMNS, encoding=encoding, delimiter=delimiter)

        def build(position: str, cells: list[str]) -> ReadItem:
            return checker.build(
                position=position,
                record=table.raw(cells),
                external_id=table.value(cells, "external_id"),
                text=table.value(cells, "text"),
                posted_at=table.value(cells, "posted_at"),
                author=table.value(cells, "author"),
                category=table.value(cells, "category"),
                status=table.value(cells, "status"),
            )

        yield from read_rows(table, checker, stats, build)
