#!/usr/bin/env python3
"""Personal names for redaction: what the rules (geo.pii) find, what natasha's NER finds, and both.

natasha is not a dependency of the project (measured, it found no name the rules
miss, and over-fires on street names): `pip install natasha` to run this. Its
NER model (slovnet's news model) ships inside the package; nothing downloads.

Reads data/triage/names.jsonl (sentences with the names they hold, written to
include lower case, patronymics, initials and oblique cases) and counts a name
found when a detected span overlaps it; over-redaction is counted on the demo
town's labelled messages (which hold no names, only streets and landmarks),
with street and landmark spans skipped as triage skips them.

usage: python bench/names_eval.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.index import GazetteerIndex  # noqa: E402
from geo.pii import name_spans  # noqa: E402
from geo.town import read_town  # noqa: E402
from geo.triage import place_spans  # noqa: E402

_MODELS: tuple[Any, Any] | None = None


def ner_name_spans(text: str, skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of each person natasha's NER finds, except inside ``skip`` spans (places)."""
    global _MODELS
    from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

    if _MODELS is None:
        _MODELS = (Segmenter(), NewsNERTagger(NewsEmbedding()))
    doc = Doc(text)
    doc.segment(_MODELS[0])
    doc.tag_ner(_MODELS[1])
    return [
        (sp.start, sp.stop)
        for sp in doc.spans
        if sp.type == "PER" and not any(s < sp.stop and sp.start < e for s, e in skip)
    ]


NAMES = ROOT / "data" / "triage" / "names.jsonl"
LABELS = ROOT / "data" / "demo-town" / "messages" / "labels.jsonl"


def _found(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def main() -> None:
    index = GazetteerIndex(read_town(ROOT / "data" / "demo-town"))
    try:
        import natasha  # noqa: F401
    except ImportError:
        sys.exit("natasha is not installed: pip install natasha")
    rows = [json.loads(line) for line in NAMES.read_text("utf-8").splitlines() if line.strip()]
    ner_name_spans("прогрев Ивана Петрова", [])  # load the model before the clock starts
    totals = {"rules": 0, "ner": 0, "both": 0}
    names = 0
    ner_time = 0.0
    missed = []
    for row in rows:
        text = row["text"]
        skip = place_spans(index.extract(text))
        rules = [(s, e) for s, e, _ in name_spans(text, skip)]
        t = time.perf_counter()
        ner = ner_name_spans(text, skip)
        ner_time += time.perf_counter() - t
        for name in row["names"]:
            start = text.index(name)
            end = start + len(name)
            names += 1
            r, n = _found(rules, start, end), _found(ner, start, end)
            totals["rules"] += r
            totals["ner"] += n
            totals["both"] += r or n
            if not (r or n):
                missed.append(name)
    print(f"sentences {len(rows)}, names {names}")
    for key, value in totals.items():
        print(f"  found by {key:5s}: {value}/{names} ({value / names:.0%})")
    print(f"  missed by both: {missed}")
    print(f"  NER: {ner_time / len(rows) * 1000:.2f} ms per sentence")
    labels = [json.loads(line)["text"] for line in LABELS.read_text("utf-8").splitlines() if line.strip()]
    over = {"rules": 0, "ner": 0}
    for text in labels:
        skip = place_spans(index.extract(text))
        over["rules"] += bool(name_spans(text, skip))
        over["ner"] += bool(ner_name_spans(text, skip))
    print(f"demo messages with no names ({len(labels)}): a 'name' found in rules {over['rules']}, NER {over['ner']}")


if __name__ == "__main__":
    main()
