"""The project's own evaluation set of hand-written messages holds its floors.

``data/triage/eval_place.jsonl``: messages in real styles (ПОС letters with
markup, angry VK posts, one-line chat messages, reception notes, typos, no
punctuation) about this town and about others, scored by the project's copy of
the scorer (``bench/score_triage.py``, which also scores street stretches).
``tags`` mark the messages about another settlement ("elsewhere"), those that
mention one but are about this town ("mentions_elsewhere") and those that name
an institution as the addressee ("addressee").
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from geo.triage import LineError, triage_jsonl
from tests.geo_demo import TOWN_DIR, demo

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "data" / "triage" / "eval_place.jsonl"
SCORER = ROOT / "bench" / "score_triage.py"


def _labels() -> list[dict]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_set_is_large_and_varied() -> None:
    labels = _labels()
    assert len(labels) >= 300 and len({x["id"] for x in labels}) == len(labels)
    kinds = Counter(x["expect"]["kind"] for x in labels)
    assert kinds["segment"] >= 10 and kinds["house"] >= 100 and kinds["none"] >= 100
    tagged = Counter(t for x in labels for t in x.get("tags", ()))
    assert tagged["elsewhere"] >= 60 and tagged["addressee"] >= 40
    assert all(x["expect"]["kind"] == "none" for x in labels if "elsewhere" in x.get("tags", ()))
    assert sum("<p>" in x["text"] or "[id" in x["text"] or "&nbsp;" in x["text"] for x in labels) >= 10


def test_floors(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    with EVAL.open(encoding="utf-8") as src, results.open("w", encoding="utf-8") as out:
        for item in triage_jsonl(src, demo()):
            assert not isinstance(item, LineError), str(item)
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    proc = subprocess.run(
        [sys.executable, str(SCORER), str(EVAL), str(results), "--town", str(TOWN_DIR)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    score = json.loads(proc.stdout.strip().splitlines()[-1])
    assert score["missing"] == 0
    assert score["place_accuracy"] >= 0.97, proc.stdout
    assert score["wrong_point_rate"] <= 0.01, proc.stdout
