#!/usr/bin/env python3
"""Triage a labelled file with the demo town's in-memory index and score it.

Prints the scorer's summary (bench/score_triage.py: place accuracy, wrong
points, category accuracy); with --show-misses, every miss.

usage: python bench/triage_eval.py [LABELS.jsonl] [--show-misses]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.index import GazetteerIndex  # noqa: E402
from geo.town import read_town  # noqa: E402
from geo.triage import LineError, triage_jsonl  # noqa: E402

TOWN = ROOT / "data" / "demo-town"
DEFAULT = ROOT / "data" / "triage" / "eval_place.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("labels", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--show-misses", action="store_true")
    a = ap.parse_args()
    index = GazetteerIndex(read_town(TOWN))
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "results.jsonl"
        with a.labels.open(encoding="utf-8") as src, results.open("w", encoding="utf-8") as out:
            for item in triage_jsonl(src, index):
                if isinstance(item, LineError):
                    print(item, file=sys.stderr)
                    continue
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
        cmd = [
            sys.executable,
            str(ROOT / "bench" / "score_triage.py"),
            str(a.labels),
            str(results),
            "--town",
            str(TOWN),
        ]
        sys.exit(subprocess.run(cmd + (["--show-misses"] if a.show_misses else [])).returncode)


if __name__ == "__main__":
    main()
