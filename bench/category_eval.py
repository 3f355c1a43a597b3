#!/usr/bin/env python3
"""Category classifier figures: cross-validated accuracy on the shipped corpus, by model and by register.

Compares the rules alone, a calibrated linear SVM (the shipped choice) and
logistic regression, by stratified k-fold cross-validation over
data/triage/corpus; then trains on all of it and scores the demo town's
labelled messages and each held-out register (trained on the other registers).

usage: python bench/category_eval.py [--folds 5] [--kinds svm logreg]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.category import classify  # noqa: E402
from geo.classifier import CORPUS_DIR, cross_validate, read_corpus, train  # noqa: E402

LABELS = ROOT / "data" / "demo-town" / "messages" / "labels.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--kinds", nargs="*", default=["svm", "logreg"], help="model kinds to cross-validate")
    a = ap.parse_args()
    examples = read_corpus([CORPUS_DIR])
    registers = Counter(e.source for e in examples)
    print(f"corpus: {len(examples)} messages; by file {dict(sorted(registers.items()))}")
    print(f"rules alone on the corpus: {sum(classify(e.text) == e.category for e in examples) / len(examples):.3f}")
    for kind in a.kinds:
        t = time.perf_counter()
        accuracy = cross_validate(examples, a.folds, kind=kind)
        print(f"{kind}: {a.folds}-fold accuracy {accuracy:.3f} ({time.perf_counter() - t:.0f} s)")
    labels = [json.loads(line) for line in LABELS.read_text("utf-8").splitlines() if line.strip()]
    t = time.perf_counter()
    model = train(examples)
    print(f"trained on all in {time.perf_counter() - t:.1f} s")
    demo = sum(model.predict(lab["text"])[0] == lab["category"] for lab in labels) / len(labels)
    rules = sum(classify(lab["text"]) == lab["category"] for lab in labels) / len(labels)
    print(f"demo labelled set ({len(labels)}): model {demo:.3f}, rules {rules:.3f}")
    for register in sorted(registers):
        rest = [e for e in examples if e.source != register]
        held = [e for e in examples if e.source == register]
        m = train(rest)
        acc = sum(m.predict(e.text)[0] == e.category for e in held) / len(held)
        print(f"  held-out file {register}.jsonl ({len(held)}): {acc:.3f}")


if __name__ == "__main__":
    main()
