"""Reading a CSV export whose encoding, delimiter and header we must guess.

Russian municipal systems export Windows-1251 with ``;`` (Excel's locale
default), newer ones UTF-8 with or without a BOM, Excel "Unicode text" is
UTF-16 with tabs. The header is the strongest signal: the encoding and
delimiter under which the expected column names appear win; the
charset-normalizer guess breaks ties when the header is plain ASCII. Columns
are matched by normalised name, never by position, so reordered or extra
columns are fine and missing required ones refuse the whole file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import charset_normalizer

from .checks import Checker
from .records import ReaderError, ReadItem, ReadStats
from .sources import UTF8_BOM, Peeked

DELIMITERS = (";", ",", "\t", "|")
#: Single-byte encodings seen in Russian exports, most likely first.
CYRILLIC_ENCODINGS = ("cp1251", "koi8_r", "cp866", "mac_cyrillic")
#: The csv module's field limit is process-wide; readers raise it (never lower
#: it) to this so that an over-long text is rejected as a record, not a file.
FIELD_SIZE_LIMIT = 64 << 20

_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$")
_EXCERPT = 500


@dataclass(frozen=True, slots=True)
class Column:
    """A field a reader wants, and the header names it is known by."""

    field: str
    names: tuple[str, ...]  # names[0] is the canonical name shown in errors
    required: bool = True


def normalize_header(name: str) -> str:
    """Case, ё/е, BOM, quotes, ``_``/``-``, trailing ``:``/``*`` and inner
    spacing do not matter in header names."""
    text = name.replace("\ufeff", "").casefold().replace("ё", "е")
    text = re.sub(r"[_\-]+", " ", text)
    text = text.strip().strip("\"'").strip().rstrip(":*").strip()
    return " ".join(text.split())


@dataclass(slots=True)
class CsvTable:
    """An opened CSV export: how it was decoded, its header and column map."""

    encoding: str
    delimiter: str
    header: list[str]
    index: dict[str, int]  # field -> column number
    keys: list[str]  # unique header names used as ``raw`` keys
    _rows: Iterator[tuple[int, list[str] | BadRow]]

    def rows(self) -> Iterator[tuple[int, list[str] | BadRow]]:
        """(line number where the record starts, cells or BadRow) per row."""
        return self._rows

    def value(self, cells: Sequence[str], field: str) -> str | None:
        i = self.index.get(field)
        return cells[i] if i is not None and i < len(cells) else None

    def raw(self, cells: Sequence[str]) -> dict[str, Any]:
        """The row as {header: value}; cells beyond the header go to ``_extra``."""
        record: dict[str, Any] = dict(zip(self.keys, cells, strict=False))
        if len(cells) > len(self.keys):
            record["_extra"] = list(cells[len(self.keys) :])
        return record


def _match(header: Sequence[str], columns: Sequence[Column]) -> dict[str, int]:
    normalized = [normalize_header(h) for h in header]
    found: dict[str, int] = {}
    for column in columns:  # aliases in order of preference
        for alias in map(normalize_header, column.names):
            i = next(
                (i for i, n in enumerate(normalized) if n == alias and i not in found.values()),
                None,
            )
            if i is not None:
                found[column.field] = i
                break
    return found


def _utf8_ok(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def candidate_encodings(head: bytes) -> list[str]:
    """Encodings worth trying for these first bytes, most likely first."""
    if head.startswith(UTF8_BOM):
        return ["utf-8-sig"]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    if _utf8_ok(head):
        return ["utf-8"]  # cp1251/koi8 Cyrillic is practically never valid UTF-8
    found: list[str] = []
    best = charset_normalizer.from_bytes(head, cp_isolation=list(CYRILLIC_ENCODINGS)).best()
    if best is not None:
        found.append(best.encoding)
    return found + [e for e in CYRILLIC_ENCODINGS if e not in found]


def _first_line(text: str) -> tuple[str | None, str]:
    """(delimiter from an Excel ``sep=`` line or None, the header line)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None, ""
    sep = _SEP_LINE.match(lines[0])
    if sep and len(lines) > 1:
        return sep.group(1), lines[1]
    return None, lines[0]


def _guess_delimiter(line: str, columns: Sequence[Column]) -> tuple[str, int]:
    """The delimiter that splits the header into the most known columns."""
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        cells = next(csv.reader([line], delimiter=delimiter), [])
        score = (len(_match(cells, columns)), len(cells))
        if score > best_score:
            best, best_score = delimiter, score
    if best_score[0] == 0:
        with contextlib.suppress(csv.Error):
            best = csv.Sniffer().sniff(line, delimiters="".join(DELIMITERS)).delimiter
    return best, best_score[0]


class _Lines:
    """Text lines with NULs removed, counting physical lines for positions and
    keeping the start of the current record for error excerpts."""

    def __init__(self, text: Iterable[str]) -> None:
        self._text = iter(text)
        self.count = 0
        self._current: list[str] = []
        self._kept = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._text)
        self.count += 1
        if "\x00" in line:
            line = line.replace("\x00", "")
        if self._kept < _EXCERPT:
            self._current.append(line[: _EXCERPT - self._kept])
            self._kept += len(self._current[-1])
        return line

    def mark(self) -> None:
        """A new record starts with the next line."""
        self._current, self._kept = [], 0

    def current(self) -> str:
        """The first characters of the current record as read."""
        return "".join(self._current)


@dataclass(frozen=True, slots=True)
class BadRow:
    """A record the csv module could not split (broken quoting)."""

    reason: str
    text: str  # its first lines as read, truncated


def open_table(
    peeked: Peeked,
    columns: Sequence[Column],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> CsvTable:
    """Detect encoding and delimiter, read the header and map the columns.

    Raises ReaderError for an empty file, an undecodable header or missing
    required columns (naming them and the columns found).
    """
    encodings = [encoding] if encoding else candidate_encodings(peeked.head)
    chosen: tuple[int, str, str] | None = None  # (matched, encoding, delimiter)
    sep_line = False
    for candidate in encodings:
        try:
            text = codecs.getincrementaldecoder(candidate)(errors="replace").decode(peeked.head)
        except LookupError as exc:
            raise ReaderError(f"unknown encoding {candidate!r}") from exc
        sep, line = _first_line(text)
        if not line:
            raise ReaderError("empty file")
        given = delimiter or sep
        if given:
            found = len(_match(next(csv.reader([line], delimiter=given)), columns))
            guess = (found, candidate, given)
        else:
            guessed, matched = _guess_delimiter(line, columns)
            guess = (matched, candidate, guessed)
        if chosen is None or guess[0] > chosen[0]:
            chosen, sep_line = guess, bool(sep)
        if guess[0] == len(columns):
            break
    assert chosen is not None
    encoding, delimiter = chosen[1], chosen[2]

    csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
    text_stream = io.TextIOWrapper(peeked.stream, encoding=encoding, newline="")
    lines = _Lines(text_stream)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        if sep_line:
            while not next(lines).strip():
                pass
        header = next((row for row in reader if any(c.strip() for c in row)), None)
    except UnicodeDecodeError as exc:
        raise ReaderError(f"the file is not valid {encoding} text ({exc.reason})", "line 1") from None
    except csv.Error as exc:
        raise ReaderError(f"unreadable CSV header: {exc}", "line 1") from None
    if header is None:
        raise ReaderError("empty file")
    index = _match(header, columns)
    missing = [c.names[0] for c in columns if c.required and c.field not in index]
    if missing:
        names = ", ".join(repr(h) for h in header[:20])
        raise ReaderError(
            f"missing required column(s): {', '.join(missing)}; "
            f"found columns: {names} (encoding {encoding}, delimiter {delimiter!r})",
            "line 1",
        )
    return CsvTable(
        encoding=encoding,
        delimiter=delimiter,
        header=header,
        index=index,
        keys=_unique_keys(header),
        _rows=_iter_rows(reader, lines, encoding, text_stream),
    )


def _unique_keys(header: Sequence[str]) -> list[str]:
    keys: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(header):
        key = name.replace("\ufeff", "").strip() or f"column_{i + 1}"
        while key in seen:
            key = f"{key}_{i + 1}"
        seen.add(key)
        keys.append(key)
    return keys


def _iter_rows(
    reader: Iterator[list[str]], lines: _Lines, encoding: str, text_stream: io.TextIOWrapper
) -> Iterator[tuple[int, list[str] | BadRow]]:
    """Rows with their first line. Broken quoting is a BadRow: the csv module
    (strict mode) resumes at the next line, so one bad record never swallows
    the records after it. Undecodable bytes and a field over the size limit
    stop the file (ReaderError): there is no sound place to resume."""
    try:
        while True:
            start = lines.count + 1
            lines.mark()
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise ReaderError(
                    f"the file is not valid {encoding} text ({exc.reason}); pass the right encoding",
                    f"line {lines.count + 1}",
                ) from None
            except csv.Error as exc:
                if "field limit" in str(exc):
                    raise ReaderError(f"a field is over {FIELD_SIZE_LIMIT:,} characters", f"line {start}") from None
                end = lines.count
                where = f" (lines {start}-{end})" if end > start else ""
                if "unexpected end of data" in str(exc):
                    reason = f"unterminated quoted field: the record runs to the end of the file{where}"
                else:
                    reason = f"broken CSV quoting: {exc}{where}"
                yield start, BadRow(reason, lines.current())
                continue
            yield start, row
    finally:
        with contextlib.suppress(ValueError):
            text_stream.detach()  # leave the caller's stream open


def blank(cells: Sequence[str]) -> bool:
    return not any(c.strip() for c in cells)


def read_rows(
    table: CsvTable,
    checker: Checker,
    stats: ReadStats,
    build: Callable[[str, list[str]], ReadItem],
) -> Iterator[ReadItem]:
    """The loop all CSV readers share: blank lines are skipped, broken rows
    rejected, every other row handed to ``build(position, cells)``."""
    for line, cells in table.rows():
        if isinstance(cells, BadRow):
            out: ReadItem = checker.reject(f"line {line}", cells.reason, cells.text)
        elif blank(cells):
            stats.skip("blank line")
            continue
        else:
            out = build(f"line {line}", cells)
        stats.count(out)
        yield out
