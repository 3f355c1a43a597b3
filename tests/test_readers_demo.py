"""The channel readers on the demo town's exports: every message read, none lost."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from webmap.ingest.readers import RawMessage, ReadStats, Rejected, get_reader

MESSAGES = Path(__file__).resolve().parent.parent / "data" / "demo-town" / "messages"


def read_all(kind: str, name: str) -> tuple[list[RawMessage], list[Rejected], ReadStats]:
    stats = ReadStats()
    items = list(get_reader(kind)(MESSAGES / name, stats=stats))
    messages = [i for i in items if isinstance(i, RawMessage)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    return messages, rejected, stats


@pytest.mark.parametrize(
    ("kind", "name", "count"),
    [
        ("vk", "vk_wall.json", 75),
        ("telegram", "telegram/result.json", 62),
        ("pos", "pos_export.csv", 60),
        ("reception", "receptions.csv", 23),
    ],
)
def test_demo_counts(kind: str, name: str, count: int) -> None:
    messages, rejected, stats = read_all(kind, name)
    assert len(messages) == count
    assert rejected == []
    assert (stats.messages, stats.rejected, stats.skipped) == (count, 0, 0)
    assert len({m.external_id for m in messages}) == count
    for m in messages:
        assert m.channel == kind
        assert m.text and m.text == m.text.strip()
        assert m.posted_at.utcoffset() is not None and m.posted_at.utcoffset().total_seconds() == 0
        json.dumps(m.raw, ensure_ascii=False)  # storable as JSONB


def test_demo_total_matches_labels() -> None:
    labels = (MESSAGES / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    total = sum(
        len(read_all(kind, name)[0])
        for kind, name in [
            ("vk", "vk_wall.json"),
            ("telegram", "telegram/result.json"),
            ("pos", "pos_export.csv"),
            ("reception", "receptions.csv"),
        ]
    )
    assert total == len(labels) == 220


def test_demo_vk_fields_and_raw_kept_whole() -> None:
    messages, _, _ = read_all("vk", "vk_wall.json")
    items = json.loads((MESSAGES / "vk_wall.json").read_text(encoding="utf-8"))["response"]["items"]
    first, item = messages[0], items[0]
    assert first.external_id == f"{item['owner_id']}_{item['id']}" == "-21835_1191"
    assert first.url == "https://vk.com/wall-21835_1191"
    assert first.author_id == "100191"
    assert first.posted_at == datetime.fromtimestamp(item["date"], tz=UTC)
    assert first.raw == item
    assert first.position == "response.items[0]"
    assert [m.raw for m in messages] == items


def test_demo_telegram_fields() -> None:
    messages, _, _ = read_all("telegram", "telegram/result.json")
    first = messages[0]
    assert first.external_id == "1835001_1119"
    assert first.url is None  # the export has no public username
    assert first.author == "Житель 119"
    assert first.author_id == "user500119"
    assert first.posted_at == datetime(2022, 10, 5, 4, 36, tzinfo=UTC)  # 09:36 +05


def test_demo_pos_fields() -> None:
    messages, _, _ = read_all("pos", "pos_export.csv")
    first = messages[0]
    assert first.external_id == "ПОС-1127"
    assert first.text == "молодёжная 34 нужен лежачий полицейский."
    assert first.posted_at == datetime(2022, 10, 2, 19, 22, tzinfo=UTC)  # 03.10 00:22 +05
    assert (first.category, first.status, first.author) == ("Благоустройство", "Зарегистрировано", "Заявитель 127")
    assert first.url is None
    assert first.raw["Номер"] == "ПОС-1127" and first.position == "line 2"


def test_demo_reception_fields_and_stable_ids() -> None:
    messages, _, _ = read_all("reception", "receptions.csv")
    again, _, _ = read_all("reception", "receptions.csv")
    assert [m.external_id for m in messages] == [m.external_id for m in again]
    first = messages[0]
    assert first.author == "Посетитель 51"
    assert first.received_by == "Глава города"
    assert first.posted_at == datetime(2022, 9, 30, 19, 0, tzinfo=UTC)  # local midnight
    with (MESSAGES / "receptions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [m.raw for m in messages] == rows
