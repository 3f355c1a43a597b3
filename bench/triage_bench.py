#!/usr/bin/env python3
"""Triage throughput: messages per second in one process, and p95 latency.

Generates N messages (default 10,000) by varying the demo town's labelled
texts (house numbers, letter case, ё/е, typos, greetings, phone numbers, other
streets), triages each with the in-memory gazetteer index, and prints figures,
with the ratio to Nominatim's public usage policy of one request a second.

usage: python bench/triage_bench.py [--n 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.classifier import shipped_model  # noqa: E402
from geo.index import GazetteerIndex  # noqa: E402
from geo.town import read_town  # noqa: E402
from geo.triage import triage  # noqa: E402

TOWN = ROOT / "data" / "demo-town"
NOMINATIM_PER_SECOND = 1.0
PREFIXES = ["", "", "Добрый вечер! ", "ЛЮДИ!!! ", "Здравствуйте, ", "вопрос к администрации: "]
SUFFIXES = ["", "", " #Покачи", " Тел. 8-912-345-67-89", " уже 3 дня так", " 😡😡", " фото в комментах"]


def _typo(text: str, rnd: random.Random) -> str:
    words = list(re.finditer(r"[а-яё]{5,}", text))
    if not words:
        return text
    m = rnd.choice(words)
    w = m.group()
    i = rnd.randrange(1, len(w) - 2)
    w = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    return text[: m.start()] + w + text[m.end() :]


def generate(n: int, seed: int) -> list[str]:
    """N messages varied from the labelled texts."""
    rnd = random.Random(seed)
    texts = [json.loads(line)["text"] for line in (TOWN / "messages" / "labels.jsonl").read_text("utf-8").splitlines()]
    names = ["Мира", "Ленина", "Геологов", "Нефтяников", "Победы"]
    out = []
    for _ in range(n):
        t = rnd.choice(texts)
        t = re.sub(r"\b\d{1,2}\b", lambda _m: str(rnd.randint(1, 60)), t) if rnd.random() < 0.5 else t
        if rnd.random() < 0.2:
            t = re.sub(r"\b(Мира|Ленина|Геологов|Нефтяников)\b", lambda _m: rnd.choice(names), t)
        if rnd.random() < 0.3:
            t = t.lower()
        if rnd.random() < 0.3:
            t = t.replace("ё", "е")
        if rnd.random() < 0.15:
            t = _typo(t, rnd)
        out.append(rnd.choice(PREFIXES) + t + rnd.choice(SUFFIXES))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    t0 = time.perf_counter()
    index = GazetteerIndex(read_town(TOWN))
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    shipped_model()  # trained once per process, before the clock starts
    trained = time.perf_counter() - t0
    messages = generate(a.n, a.seed)
    latencies = []
    placed = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    for text in messages:
        t = time.perf_counter()
        r = triage(text, index)
        latencies.append(time.perf_counter() - t)
        placed += r.lon is not None
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    rate = len(messages) / total
    p50 = statistics.median(latencies) * 1000
    p95 = statistics.quantiles(latencies, n=100)[94] * 1000
    print(f"index built in {build:.2f} s (demo town, cold morphology)")
    print(f"category model trained in {trained:.2f} s (shipped corpus)")
    print(f"messages: {len(messages)}, placed: {placed} ({placed / len(messages):.0%}), total {total:.2f} s")
    print(
        f"throughput: {rate:,.0f} messages/s (one process, wall clock); "
        f"{len(messages) / cpu:,.0f} messages/s per CPU second (what a busy machine hides)"
    )
    print(f"latency: p50 {p50:.3f} ms, p95 {p95:.3f} ms, max {max(latencies) * 1000:.1f} ms")
    print(f"vs Nominatim public policy ({NOMINATIM_PER_SECOND:g} request/s): {rate / NOMINATIM_PER_SECOND:,.0f}x")


if __name__ == "__main__":
    main()
