"""ПОС and reception CSV readers: encodings, delimiters, headers, bad rows."""

from __future__ import annotations

import io
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from webmap.ingest.readers import RawMessage, ReaderError, ReadStats, Rejected, read_pos, read_reception
from webmap.ingest.readers.csvtable import normalize_header
from webmap.ingest.readers.reception import reception_id

NOW = datetime(2023, 1, 1, tzinfo=UTC)
HEADER = ["Номер", "Дата поступления", "Категория", "Текст сообщения", "Статус", "Заявитель"]
ROWS = [
    [
        "ПОС-1",
        "03.10.2022 00:22",
        "Благоустройство",
        "Яма на ул. Мира, 5; глубокая",
        "Зарегистрировано",
        "Иванов И. И.",
    ],
    ["ПОС-2", "2022-10-04T10:00:00", "Дороги", 'Нет "зебры" у школы 2', "В работе", "Петрова"],
]


def csv_text(rows: list[list[str]], delimiter: str = ";", header: list[str] = HEADER) -> str:
    def cell(value: str) -> str:
        if any(c in value for c in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(cell(v) for v in row) + "\r\n" for row in [header, *rows])


def write(tmp_path: Path, text: str, encoding: str = "cp1251", name: str = "pos.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def split(items: list[Any]) -> tuple[list[RawMessage], list[Rejected]]:
    return [i for i in items if isinstance(i, RawMessage)], [i for i in items if isinstance(i, Rejected)]


def read(path: Any, reader: Any = read_pos, **options: Any) -> tuple[list[RawMessage], list[Rejected]]:
    return split(list(reader(path, now=NOW, **options)))


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8", "utf-8-sig", "koi8_r", "cp866", "utf-16"])
def test_encodings_detected(tmp_path: Path, encoding: str) -> None:
    messages, rejected = read(write(tmp_path, csv_text(ROWS), encoding))
    assert rejected == []
    assert [m.text for m in messages] == ["Яма на ул. Мира, 5; глубокая", 'Нет "зебры" у школы 2']
    assert messages[0].author == "Иванов И. И."


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_delimiters_detected(tmp_path: Path, delimiter: str) -> None:
    messages, _ = read(write(tmp_path, csv_text(ROWS, delimiter), "utf-8"))
    assert [m.external_id for m in messages] == ["ПОС-1", "ПОС-2"]
    assert messages[0].category == "Благоустройство"


def test_excel_sep_line_and_overrides(tmp_path: Path) -> None:
    messages, _ = read(write(tmp_path, "sep=;\r\n" + csv_text(ROWS)))
    assert [m.position for m in messages] == ["line 3", "line 4"]
    messages, _ = read(write(tmp_path, csv_text(ROWS, ",")), encoding="cp1251", delimiter=",")
    assert len(messages) == 2


def test_header_variants(tmp_path: Path) -> None:
    header = ["  текст   сообщения ", "НОМЕР", "Дата", "Состояние", "Лишняя колонка", "заявитель:"]
    rows = [[r[3], r[0], r[1], r[4], "x", r[5]] for r in ROWS]
    messages, _ = read(write(tmp_path, csv_text(rows, header=header)))
    assert [(m.external_id, m.status, m.category) for m in messages] == [
        ("ПОС-1", "Зарегистрировано", None),
        ("ПОС-2", "В работе", None),
    ]
    assert messages[0].raw["Лишняя колонка"] == "x"
    assert normalize_header("\ufeffДата_поступления*") == "дата поступления"
    assert normalize_header("Ёмкость") == "емкость"


def test_missing_columns_refuse_file(tmp_path: Path) -> None:
    header = ["Номер", "Дата поступления", "Категория"]
    path = write(tmp_path, csv_text([["ПОС-1", "03.10.2022 00:22", "Дороги"]], header=header))
    with pytest.raises(ReaderError) as error:
        list(read_pos(path))
    assert "missing required column(s): Текст сообщения" in str(error.value)
    assert "'Номер', 'Дата поступления', 'Категория'" in str(error.value)


def test_wrong_encoding_forced_gives_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text(ROWS), "cp1251")
    with pytest.raises(ReaderError, match="line 1: the file is not valid utf-8 text"):
        list(read_pos(path, encoding="utf-8"))
    # a UTF-8 header with a Windows-1251 row further down
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(
        csv_text([]).encode("utf-8") + ("x" * 70_000).encode() + b"\r\n" + ";".join(ROWS[0]).encode("cp1251") + b"\r\n"
    )
    with pytest.raises(ReaderError, match=r"line \d+: the file is not valid utf-8 text"):
        list(read_pos(mixed))


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n  \r\n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "pos.csv"
    path.write_bytes(content)
    with pytest.raises(ReaderError, match=r"^empty file$"):
        list(read_pos(path))


def test_header_only_is_no_messages(tmp_path: Path) -> None:
    assert read(write(tmp_path, csv_text([]))) == ([], [])


def test_dates_formats_future_and_unparseable(tmp_path: Path) -> None:
    rows = [
        ["1", "03.10.2022 00:22", "", "a", "", ""],
        ["2", "03.10.2022 00:22:15", "", "b", "", ""],
        ["3", "2022-10-03 00:22", "", "c", "", ""],
        ["4", "2022-10-02T19:22:00Z", "", "d", "", ""],
        ["5", "03.10.2022", "", "e", "", ""],
        ["6", "03.10.2030 00:22", "", "f", "", ""],
        ["7", "32.13.2022", "", "g", "", ""],
        ["8", "", "", "h", "", ""],
    ]
    messages, rejected = read(write(tmp_path, csv_text(rows)))
    utc = UTC
    assert [m.posted_at for m in messages] == [
        datetime(2022, 10, 2, 19, 22, tzinfo=utc),
        datetime(2022, 10, 2, 19, 22, 15, tzinfo=utc),
        datetime(2022, 10, 2, 19, 22, tzinfo=utc),
        datetime(2022, 10, 2, 19, 22, tzinfo=utc),
        datetime(2022, 10, 2, 19, 0, tzinfo=utc),
    ]
    assert [(r.position, r.external_id) for r in rejected] == [("line 7", "6"), ("line 8", "7"), ("line 9", "8")]
    assert "in the future" in rejected[0].reason
    assert rejected[1].reason == "unparseable date '32.13.2022'"
    assert rejected[2].reason == "missing date"


def test_missing_id_empty_text_and_blank_lines(tmp_path: Path) -> None:
    rows = [
        ["", "03.10.2022 00:22", "", "текст", "", ""],
        ["9", "03.10.2022 00:22", "", "   ", "", ""],
        ["", "", "", "", "", ""],
        ["10", "03.10.2022 00:22", "", "ok", "", ""],
    ]
    stats = ReadStats()
    messages, rejected = split(list(read_pos(write(tmp_path, csv_text(rows) + "\r\n"), now=NOW, stats=stats)))
    assert [m.external_id for m in messages] == ["10"]
    assert [(r.position, r.reason) for r in rejected] == [("line 2", "missing id"), ("line 3", "empty text")]
    assert (stats.messages, stats.rejected, stats.skipped) == (1, 2, 2)
    assert stats.skipped_reasons == {"blank line": 2}


def test_ten_megabyte_field_rejected_then_reading_goes_on(tmp_path: Path) -> None:
    rows = [["1", "03.10.2022 00:22", "", "я" * 10_000_000, "", ""], ROWS[0]]
    messages, rejected = read(write(tmp_path, csv_text(rows)))
    assert [m.external_id for m in messages] == ["ПОС-1"]
    assert messages[0].position == "line 3"
    assert rejected[0].reason == "text is 10,000,000 characters, over the limit of 20,000"
    assert len(rejected[0].raw_excerpt) <= 500


def test_html_sql_multiline_and_nul_kept_as_text(tmp_path: Path) -> None:
    texts = [
        "<script>document.location='http://evil'</script><b>Яма</b>",
        '\'; DROP TABLE appeal; -- и ещё "кавычки"',
        "первая строка\r\nвторая строка\n\nтретья",
        "  NUL\x00 внутри  ",
    ]
    rows = [[str(i), "03.10.2022 00:22", "", t, "", ""] for i, t in enumerate(texts)] + [ROWS[0]]
    messages, rejected = read(write(tmp_path, csv_text(rows), "utf-8"))
    assert rejected == []
    assert [m.text for m in messages[:4]] == [*texts[:3], "NUL внутри"]
    assert messages[2].raw["Текст сообщения"] == texts[2]
    assert messages[3].raw["Текст сообщения"] == "  NUL внутри  "
    assert messages[4].position == "line 9"  # the multi-line record took three lines


def test_broken_quoting_rejected_without_swallowing_rows(tmp_path: Path) -> None:
    text = (
        "Номер;Дата поступления;Текст сообщения\r\n"
        '1;03.10.2022 00:22;"кавычка"не там\r\n'
        '2;03.10.2022 00:22;Мира 5 "зебра" стёрта\r\n'
        '3;03.10.2022 00:22;"открыта кавычка\r\n'
        "4;03.10.2022 00:22;текст\r\n"
    )
    messages, rejected = read(write(tmp_path, text))
    assert [(m.external_id, m.text) for m in messages] == [("2", 'Мира 5 "зебра" стёрта')]
    assert [r.position for r in rejected] == ["line 2", "line 4"]
    assert rejected[0].reason.startswith("broken CSV quoting")
    assert rejected[1].reason == "unterminated quoted field: the record runs to the end of the file (lines 4-5)"
    assert "открыта кавычка" in rejected[1].raw_excerpt and "4;03.10.2022" in rejected[1].raw_excerpt


def test_extra_cells_kept_in_raw(tmp_path: Path) -> None:
    text = csv_text([[*ROWS[0], "лишнее", "ещё"]])
    messages, _ = read(write(tmp_path, text))
    assert messages[0].raw["_extra"] == ["лишнее", "ещё"]


def test_binary_stream_source(tmp_path: Path) -> None:
    stream = io.BytesIO(csv_text(ROWS).encode("cp1251"))
    messages, _ = read(stream)
    assert len(messages) == 2 and not stream.closed


def test_csv_streams_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    n = 20_000
    with path.open("w", encoding="cp1251", newline="") as out:
        out.write(";".join(HEADER) + "\r\n")
        for i in range(n):
            out.write(f"ПОС-{i};03.10.2022 00:22;Дороги;Яма у дома {i} по ул. Мира;Зарегистрировано;Заявитель {i}\r\n")
    tracemalloc.start()
    try:
        count = sum(1 for item in read_pos(path, now=NOW) if isinstance(item, RawMessage))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    assert peak < 10 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"  # a few records' worth, not the file


# --- receptions -----------------------------------------------------------

RECEPTION = 'date,visitor,question,received_by\r\n2022-10-01,Посетитель 1,"Яма, Мира 5",Глава города\r\n'


def test_reception_ids_stable_and_format_independent(tmp_path: Path) -> None:
    first, _ = read(write(tmp_path, RECEPTION, "utf-8", "r.csv"), read_reception)
    again, _ = read(write(tmp_path, RECEPTION, "utf-8", "r.csv"), read_reception)
    other = 'дата;посетитель;вопрос;принял\n01.10.2022; Посетитель 1 ;"  Яма, Мира 5 ";Глава города\n'
    variant, _ = read(write(tmp_path, other, "cp1251", "r2.csv"), read_reception)
    assert first[0].external_id == again[0].external_id == variant[0].external_id
    assert first[0].external_id == reception_id("2022-10-01", "Посетитель 1", "Яма, Мира 5")
    assert first[0].external_id != reception_id("2022-10-02", "Посетитель 1", "Яма, Мира 5")
    assert first[0].received_by == variant[0].received_by == "Глава города"


def test_reception_optional_columns_and_id(tmp_path: Path) -> None:
    text = (
        "id,date,visitor,question,received_by,address,phone\r\n"
        "R-7,2022-10-01 14:30,Сидоров,Не горит фонарь,Зам. главы,ул. Мира 5,+7 900 000-00-00\r\n"
    )
    messages, _ = read(write(tmp_path, text, "utf-8", "r.csv"), read_reception)
    m = messages[0]
    assert (m.external_id, m.address, m.phone, m.received_by) == ("R-7", "ул. Мира 5", "+7 900 000-00-00", "Зам. главы")
    assert m.posted_at == datetime(2022, 10, 1, 9, 30, tzinfo=UTC)
    assert m.url is None and m.channel == "reception"


def test_reception_missing_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "date,visitor,received_by\r\n2022-10-01,X,Y\r\n", "utf-8", "r.csv")
    with pytest.raises(ReaderError, match=r"missing required column.*question"):
        list(read_reception(path))
