"""The labelled development set, scored by the shared scorer, plus harder sentences of our own.

The labels are templated, so passing them proves little on its own; the
second half checks sentences written to be harder (declined names, typos,
nicknames, numbers that are not addresses) on the same town.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.index import GazetteerIndex
from geo.town import read_town
from geo.triage import LineError, triage, triage_jsonl

TOWN_DIR = Path(__file__).parent.parent / "data" / "demo-town"
LABELS = TOWN_DIR / "messages" / "labels.jsonl"
# The shared scorer beside the checkout, else the project's copy of it (bench/score_triage.py).
SHARED_SCORER = Path(__file__).resolve().parents[2] / "shared" / "tools" / "score_triage.py"
SCORER = SHARED_SCORER if SHARED_SCORER.exists() else Path(__file__).resolve().parents[1] / "bench" / "score_triage.py"


@pytest.fixture(scope="module")
def index() -> GazetteerIndex:
    return GazetteerIndex(read_town(TOWN_DIR))


def _score(labels: Path, results: Path) -> dict:
    if not SCORER.exists():
        pytest.skip(f"scorer not found at {SCORER}")
    proc = subprocess.run(
        [sys.executable, str(SCORER), str(labels), str(results), "--town", str(TOWN_DIR)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_labelled_messages_score(index: GazetteerIndex, tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    with LABELS.open(encoding="utf-8") as src, results.open("w", encoding="utf-8") as out:
        for item in triage_jsonl(src, index):
            assert not isinstance(item, LineError), str(item)
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    score = _score(LABELS, results)
    assert score["missing"] == 0
    assert score["place_accuracy"] >= 0.97, score
    assert score["wrong_point_rate"] <= 0.01, score
    assert score["category_accuracy"] >= 0.95, score
    assert score["place_accuracy"] == 1.0 and score["wrong_point_rate"] == 0.0, score  # every place, as today


# Harder sentences in the labels' format: (text, expect, category).
HARD = [
    ("на молодежной 7 яма огромная", {"kind": "house", "street": "Молодёжная", "house": "7"}, "road"),
    ("НА ТАЕЖНОЙ 52А ФОНАРИ НЕ ГОРЯТ", {"kind": "house", "street": "Таёжная", "house": "52А"}, "streetlight"),
    ("у дома 5 по Мира прорвало трубу", {"kind": "house", "street": "Мира", "house": "5"}, "water"),
    ("Нефтяников пр-т 3 мусорка горит", {"kind": "house", "street": "Нефтяников", "house": "3"}, "garbage"),
    ("ул малодежная 41 калодец открыт", {"kind": "house", "street": "Молодёжная", "house": "41"}, "manhole"),
    ("харьковская 12 аутобус не ходит", {"kind": "house", "street": "Харьковская", "house": "12"}, "transport"),
    ("на харьковской возле 12 дома сугробы", {"kind": "house", "street": "Харьковская", "house": "12"}, "snow"),
    ("Северная 8/1 батореи холодные", {"kind": "house", "street": "Северная", "house": "8/1"}, "heating"),
    ("Молодежная 2к2 качельки сломали", {"kind": "house", "street": "Молодёжная", "house": "2 корп. 2"}, "yard"),
    ("на Мира 12 фонарей не горят", {"kind": "street", "street": "Мира"}, "streetlight"),
    ("на Северной в 2 часа ночи гоняют машины нужен лежачий", {"kind": "street", "street": "Северная"}, "speed_bump"),
    ("по кедровой уже 3 дня нет воды", {"kind": "street", "street": "Кедровая"}, "water"),
    ("на углу Мира и Харьковской яма", {"kind": "intersection", "streets": ["Мира", "Харьковская"]}, "road"),
    (
        "перекресток таежной и промышленной темно",
        {"kind": "intersection", "streets": ["Таёжная", "Промышленная"]},
        "streetlight",
    ),
    ("у второй школы гололед", {"kind": "landmark", "landmark": "Школа № 2"}, "snow"),
    ("возле ДК забор упал", {"kind": "landmark", "landmark": "Дом культуры «Октябрь»"}, "fence"),
    ("у садика Сказка люк без крышки", {"kind": "landmark", "landmark": "Детский сад «Сказка»"}, "manhole"),
    ("на пляже свалка", {"kind": "landmark", "landmark": "Тёплый берег"}, "garbage"),
    ("в 5 мкр темнотища", {"kind": "district", "district": "5-й микрорайон"}, "streetlight"),
    ("в промзоне ямы", {"kind": "district", "district": "Промзона"}, "road"),
    ("автобус №3 опять не пришел", {"kind": "none"}, "transport"),
    ("звоните 8-912-345-67-89 трубу прорвало", {"kind": "none"}, "water"),
    ("уважаемая администрация уже 3 дня нет отопления", {"kind": "none"}, "heating"),
    ("Мира 5 и Ленина 7 ямы", {"kind": "none"}, "road"),
    ("школьный автобус не ходит", {"kind": "none"}, "transport"),
]


def test_harder_sentences_score(index: GazetteerIndex, tmp_path: Path) -> None:
    labels, results = tmp_path / "hard_labels.jsonl", tmp_path / "hard_results.jsonl"
    with labels.open("w", encoding="utf-8") as lab, results.open("w", encoding="utf-8") as res:
        for n, (text, expect, category) in enumerate(HARD):
            lab.write(
                json.dumps({"id": n, "text": text, "expect": expect, "category": category}, ensure_ascii=False) + "\n"
            )
            res.write(json.dumps(triage(text, index).record(n), ensure_ascii=False) + "\n")
    score = _score(labels, results)
    assert score["wrong_point_rate"] == 0.0, score
    assert score["place_accuracy"] >= 0.96, score
    assert score["category_accuracy"] >= 0.96, score
