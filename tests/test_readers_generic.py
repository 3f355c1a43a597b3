"""Generic CSV/JSON readers with a column mapping, the registry, date parsing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from webmap.ingest.readers import (
    READERS,
    MappingError,
    RawMessage,
    ReaderError,
    ReadStats,
    Rejected,
    get_reader,
    read,
    read_csv,
    read_json,
    read_pos,
    read_vk,
)
from webmap.ingest.readers.values import clean_raw, excerpt, parse_datetime

NOW = datetime(2023, 1, 1, tzinfo=UTC)
UTC = UTC


def split(items: Any) -> tuple[list[RawMessage], list[Rejected]]:
    items = list(items)
    return [i for i in items if isinstance(i, RawMessage)], [i for i in items if isinstance(i, Rejected)]


def test_registry() -> None:
    assert set(READERS) == {"vk", "telegram", "pos", "reception", "csv", "json"}
    assert get_reader("vk") is read_vk and get_reader(" POS ") is read_pos
    with pytest.raises(ValueError, match="unknown reader 'xml'; known: vk, telegram"):
        get_reader("xml")


def test_generic_csv_with_mapping(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text(
        "ID;Создано;Описание;Автор;Ссылка\n"
        "55;2022-11-01 10:00;Не убран снег, Мира 3;Ольга;https://ok.ru/group/1/topic/55\n"
        "56;вчера;x;;\n",
        encoding="utf-8",
    )
    mapping = {"external_id": "id", "posted_at": "Создано", "text": "описание", "author": "Автор", "url": "Ссылка"}
    messages, rejected = split(read("csv", path, channel="ok", mapping=mapping, now=NOW))
    m = messages[0]
    assert (m.channel, m.external_id, m.author, m.url) == ("ok", "55", "Ольга", "https://ok.ru/group/1/topic/55")
    assert m.posted_at == datetime(2022, 11, 1, 5, 0, tzinfo=UTC)
    assert rejected[0].reason == "unparseable date 'вчера'" and rejected[0].channel == "ok"


def test_generic_csv_missing_mapped_column_and_bad_mapping(tmp_path: Path) -> None:
    path = tmp_path / "phone.csv"
    path.write_text("when,what\n2022-11-01,Яма\n", encoding="utf-8")
    with pytest.raises(ReaderError, match=r"missing required column.*Кто"):
        list(read_csv(path, channel="phone", mapping={"posted_at": "when", "text": "what", "author": "Кто"}))
    with pytest.raises(MappingError, match="unknown field"):
        list(read_csv(path, channel="phone", mapping={"posted_at": "when", "text": "what", "colour": "x"}))
    with pytest.raises(ValueError, match=r"lacks required field.*posted_at"):
        list(read_csv(path, channel="phone", mapping={"text": "what"}))


def test_generic_csv_without_id_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "manual.csv"
    path.write_text("date,text\n2022-11-01,Яма\n2022-11-02,Яма\n", encoding="utf-8")
    mapping = {"posted_at": "date", "text": "text"}
    first = [m.external_id for m in read_csv(path, channel="manual", mapping=mapping, now=NOW)]
    second = [m.external_id for m in read_csv(path, channel="manual", mapping=mapping, now=NOW)]
    assert first == second and len(set(first)) == 2


def test_generic_json_dotted_paths_and_auto_array(tmp_path: Path) -> None:
    data = {
        "meta": {"n": 2},
        "data": [
            {"uid": 1, "ts": 1667278800, "body": {"text": "Темно у школы"}, "user": {"name": "Пётр", "id": 9}},
            {"uid": 2, "ts": 1667278800, "body": {"text": ""}, "user": {}},
        ],
    }
    path = tmp_path / "x.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    mapping = {
        "external_id": "uid",
        "posted_at": "ts",
        "text": "body.text",
        "author": "user.name",
        "author_id": "user.id",
    }
    messages, rejected = split(read_json(path, channel="x", mapping=mapping, now=NOW))
    assert [(m.external_id, m.text, m.author, m.author_id) for m in messages] == [("1", "Темно у школы", "Пётр", "9")]
    assert messages[0].position == "data[0]" and messages[0].raw == data["data"][0]
    assert rejected[0].reason == "empty text" and rejected[0].position == "data[1]"
    # an explicit path, a bare list
    path.write_text(json.dumps({"result": {"rows": data["data"]}}), encoding="utf-8")
    messages, _ = split(read_json(path, channel="x", mapping=mapping, items_path="result.rows", now=NOW))
    assert len(messages) == 1
    path.write_text(json.dumps(data["data"]), encoding="utf-8")
    messages, _ = split(read_json(path, channel="x", mapping=mapping, now=NOW))
    assert messages[0].position == "$[0]"


def test_generic_json_lines_bad_line_is_rejected(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 1, "t": "2022-11-01T10:00:00+05:00", "s": "Яма"}, ensure_ascii=False),
        '{"id": 2, "t": "2022-11-01',
        "",
        json.dumps({"id": 3, "t": "2022-11-01", "s": "NUL\u0000!"}),
        "[1]",
    ]
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stats = ReadStats()
    mapping = {"external_id": "id", "posted_at": "t", "text": "s"}
    messages, rejected = split(read_json(path, channel="x", mapping=mapping, now=NOW, stats=stats))
    assert [m.external_id for m in messages] == ["1", "3"]
    assert messages[0].posted_at == datetime(2022, 11, 1, 5, 0, tzinfo=UTC)
    assert messages[1].text == "NUL!" and messages[1].raw["s"] == "NUL!"
    assert [r.position for r in rejected] == ["line 2", "line 5"]
    assert rejected[0].reason.startswith("invalid JSON")
    assert (stats.messages, stats.rejected, stats.skipped) == (2, 2, 1)
    # detected from content too, when the name says nothing
    other = tmp_path / "x.txt"
    other.write_text("\n".join([lines[0], lines[3]]), encoding="utf-8")
    assert len(split(read_json(other, channel="x", mapping=mapping, now=NOW))[0]) == 2


def test_generic_json_truncated_and_empty(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('[{"id": 1, "t": "2022-11-01", "s": "a"}, {"id": 2, "t"', encoding="utf-8")
    got = []
    with pytest.raises(ReaderError, match=r"\$\[1\].*truncated"):
        for item in read_json(path, channel="x", mapping={"external_id": "id", "posted_at": "t", "text": "s"}, now=NOW):
            got.append(item)
    assert len(got) == 1
    path.write_text("", encoding="utf-8")
    with pytest.raises(ReaderError, match=r"^empty file$"):
        list(read_json(path, channel="x", mapping={"posted_at": "t", "text": "s"}))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1664626500, datetime(2022, 10, 1, 12, 15, tzinfo=UTC)),
        ("1664626500", datetime(2022, 10, 1, 12, 15, tzinfo=UTC)),
        ("1664626500000", datetime(2022, 10, 1, 12, 15, tzinfo=UTC)),
        ("01.10.2022 17:15", datetime(2022, 10, 1, 12, 15, tzinfo=UTC)),
        ("01.10.2022  17:15:00", datetime(2022, 10, 1, 12, 15, tzinfo=UTC)),
        ("2022-10-01T17:15:00", datetime(2022, 10, 1, 12, 15, tzinfo=UTC)),
        ("2022-10-01T12:15:00Z", datetime(2022, 10, 1, 12, 15, tzinfo=UTC)),
        ("2022-10-01T15:15:00+03:00", datetime(2022, 10, 1, 12, 15, tzinfo=UTC)),
        ("01.10.2022", datetime(2022, 9, 30, 19, 0, tzinfo=UTC)),
        ("1.10.22 7:05", datetime(2022, 10, 1, 2, 5, tzinfo=UTC)),
        ("2022-10-01 17:15", datetime(2022, 10, 1, 12, 15, tzinfo=UTC)),
        ("2022-10-01", datetime(2022, 9, 30, 19, 0, tzinfo=UTC)),
    ],
)
def test_parse_datetime(value: Any, expected: datetime) -> None:
    assert parse_datetime(value) == expected


@pytest.mark.parametrize("value", ["", "завтра", "31.02.2022", None, True, [1], "2022-13-01"])
def test_parse_datetime_refuses(value: Any) -> None:
    with pytest.raises(ValueError):
        parse_datetime(value)


def test_clean_raw_and_excerpt() -> None:
    record = {"a\x00": ["x\x00y", {"b": "\ud800"}], "n": 1.5}
    assert clean_raw(record) == {"a": ["xy", {"b": "\ufffd"}], "n": 1.5}
    plain = {"a": "b"}
    assert clean_raw(plain) is plain
    short = excerpt({"text": "я" * 1_000_000, "id": 1})
    assert len(short) <= 500 and "1000000 chars" in short
