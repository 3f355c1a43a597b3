"""triage() and the JSON-lines batch helper, including hostile input."""

from __future__ import annotations

import io
import json
import time
from functools import lru_cache
from pathlib import Path

import pytest

from geo.category import CATEGORIES
from geo.index import GazetteerIndex
from geo.town import read_town
from geo.triage import LineError, TriageResult, run_jsonl, triage, triage_jsonl

TOWN_DIR = Path(__file__).parent.parent / "data" / "demo-town"


@lru_cache(maxsize=1)
def demo() -> GazetteerIndex:
    return GazetteerIndex(read_town(TOWN_DIR))


def test_house_message() -> None:
    r = triage("Люди, Сугробы, не пройти на Комсомольской 27. Тел. 8-900-123-45-67", demo(), "vk")
    assert isinstance(r, TriageResult)
    assert (r.precision, r.address, r.category) == ("house", "улица Комсомольская, 27", "snow")
    assert r.lon is not None and r.lat is not None and 0.9 <= r.confidence <= 1.0
    assert r.district is not None and r.district.endswith("микрорайон")
    assert [k for _s, _e, k in r.pii] == ["phone"]


@pytest.mark.parametrize(
    "text, precision, address",
    [
        ("на углу Мира и Харьковской яма", "intersection", "перекрёсток улиц Мира и Харьковская"),
        ("у второй школы темно", "landmark", "Школа № 2"),
        ("по ул. Таёжной не чистят снег", "street", "улица Таёжная"),
        ("в 5 мкр не вывозят мусор", "district", "5-й микрорайон"),
        ("на Ленина 8 яма", "interpolated_house", "улица Ленина, 8"),
    ],
)
def test_precisions_and_addresses(text: str, precision: str, address: str) -> None:
    r = triage(text, demo())
    assert (r.precision, r.address) == (precision, address)
    assert r.district is not None


def test_no_place() -> None:
    r = triage("Шумят соседи ночью опять, уже 3 дня, в 2 часа ночи", demo())
    assert (r.lon, r.lat, r.precision, r.confidence, r.address, r.district) == (None, None, "none", 0.0, None, None)
    assert r.category == "other"


def test_ambiguous_message_says_why() -> None:
    r = triage("Мира 5 и Ленина 7 ямы", demo())
    assert r.lon is None and "different streets" in r.note


def test_street_names_are_not_redacted_as_names() -> None:
    r = triage("Шумят соседи ночью на Ленина, пишет Петров Иван", demo())
    assert r.precision == "street"
    names = [r_ for r_ in r.pii if r_[2] == "name"]
    assert (
        len(names) == 1
        and "Петров Иван" in "Шумят соседи ночью на Ленина, пишет Петров Иван"[names[0][0] : names[0][1]]
    )


# -- hostile input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('Мира 5')</script><b>ул. Мира, 5</b> яма",
        "<img src=x onerror=alert(1)> на Мира 5 яма &nbsp; &lt;",
    ],
)
def test_html_and_js(text: str) -> None:
    r = triage(text, demo())
    assert (r.precision, r.address, r.category) == ("house", "улица Мира, 5", "road")


def test_sql_text_is_just_text() -> None:
    r = triage("'; DROP TABLE appeals; -- Ленина 5 \" OR 1=1 --", demo())
    assert r.address == "улица Ленина, 5" and r.category in CATEGORIES


def test_empty_and_whitespace() -> None:
    for text in ("", "   ", "\n\t", "!!!", "😡😡😡", "\x00\x01"):
        r = triage(text, demo())
        assert r.lon is None and r.category == "other" and r.pii == ()


@pytest.mark.parametrize("bad", [None, 5, b"bytes", ["list"], {"text": "x"}])
def test_non_string_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError):
        triage(bad, demo())  # type: ignore[arg-type]


def test_one_megabyte_text_is_fast_and_finds_its_pii() -> None:
    chunk = "Иванов И.И. пишет: на Мира 5 яма, звоните 89123456789! "
    text = (chunk * (1_000_000 // len(chunk) + 1))[:1_000_000]
    start = time.perf_counter()
    r = triage(text, demo())
    assert time.perf_counter() - start < 15
    assert r.address == "улица Мира, 5" and r.category == "road"
    assert sum(1 for *_x, k in r.pii if k == "phone") > 10_000


def test_unicode_oddities() -> None:
    r = triage("НА МОЛОДЁЖНОЙ\u00a07 ЯМА\u200b", demo())
    assert r.address == "улица Молодёжная, 7"
    r = triage("İİİ на Мира 5 яма", demo())  # "İ" lower-cases to two characters
    assert r.address == "улица Мира, 5"


# -- batch ---------------------------------------------------------------------------------


def test_jsonl_batch_yields_results_and_errors_by_line() -> None:
    lines = [
        json.dumps({"id": "vk:1", "text": "на Мира 5 яма", "channel": "vk"}, ensure_ascii=False),
        "{not json",
        "",
        json.dumps({"id": 7, "text": "Шумят соседи"}),
        json.dumps({"text": "no id"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "x", "text": 42}),
        json.dumps({"id": "y", "text": "яма", "channel": 5}),
        json.dumps({"id": True, "text": "bool id"}),
        b'{"id": "b", "text": "\xd0\xbd\xd0\xb0 \xd0\x9c\xd0\xb8\xd1\x80\xd0\xb0 5"}',
        b"\xff\xfe",
    ]
    out = list(triage_jsonl(lines, demo()))
    ok = [o for o in out if isinstance(o, dict)]
    errors = [o for o in out if isinstance(o, LineError)]
    assert [o["id"] for o in ok] == ["vk:1", 7, "b"]
    assert [e.line for e in errors] == [2, 5, 6, 7, 8, 9, 11]
    assert all(str(e).startswith(f"line {e.line}: ") for e in errors)
    first = ok[0]
    assert set(first) == {
        "id",
        "lon",
        "lat",
        "precision",
        "confidence",
        "address",
        "district",
        "category",
        "category_confidence",
    }
    assert first["address"] == "улица Мира, 5" and first["category"] == "road"
    assert ok[1]["lon"] is None and ok[1]["precision"] == "none"


def test_run_jsonl_writes_streams() -> None:
    out, err = io.StringIO(), io.StringIO()
    counts = run_jsonl(['{"id": 1, "text": "у ДК яма"}', "oops"], demo(), out, err)
    assert counts == (1, 1)
    assert json.loads(out.getvalue())["address"] == "Дом культуры «Октябрь»"
    assert err.getvalue().startswith("line 2: not valid JSON")
