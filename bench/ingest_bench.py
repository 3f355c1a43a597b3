"""Ingest benchmark: N generated messages (mixed channels) into an empty database.

Prints messages per second end to end (reading, triage, grouping into cases,
writing) and the importer's peak memory (max RSS of the import processes).

    .venv/bin/python bench/ingest_bench.py [--messages 100000]

The database is BENCH_DATABASE_URL (default: webmap_bench_ingest on the
``make run`` server), created anew, migrated and loaded with the demo town.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import recreate_database  # noqa: E402

DEFAULT_URL = "postgresql://webmap:webmap@127.0.0.1:5432/webmap_bench_ingest"
WEBMAP = str(Path(sys.executable).parent / "webmap")
SHARES = {"vk": 0.4, "telegram": 0.3, "pos": 0.2, "reception": 0.1}


def _texts() -> list[str]:
    labels = ROOT / "data" / "demo-town" / "messages" / "labels.jsonl"
    return [json.loads(line)["text"] for line in labels.open(encoding="utf-8")]


def generate(directory: Path, n: int, seed: int = 7) -> dict[str, Path]:
    """Write one export per channel, N messages in all, texts varied from the labelled set."""
    rnd = random.Random(seed)
    texts = _texts()
    start = datetime(2025, 1, 1, tzinfo=UTC)
    counts = {ch: int(n * share) for ch, share in SHARES.items()}
    counts["vk"] += n - sum(counts.values())

    def text(i: int) -> str:
        return f"{rnd.choice(texts)} {rnd.choice(['', 'Срочно!', 'Уже неделю.', 'Помогите.'])} №{i}"

    def when(i: int) -> datetime:
        return start + timedelta(minutes=5 * i + rnd.randint(0, 4))

    paths = {}
    items = [
        {"id": i, "owner_id": -1, "from_id": 1000 + i, "date": int(when(i).timestamp()), "text": text(i)}
        for i in range(counts["vk"])
    ]
    paths["vk"] = directory / "vk.json"
    paths["vk"].write_text(
        json.dumps({"response": {"count": len(items), "items": items}}, ensure_ascii=False), encoding="utf-8"
    )
    messages = [
        {
            "id": i,
            "type": "message",
            "date": when(i).strftime("%Y-%m-%dT%H:%M:%S"),
            "date_unixtime": str(int(when(i).timestamp())),
            "from": f"Житель {i}",
            "from_id": f"user{i}",
            "text": text(i),
        }
        for i in range(counts["telegram"])
    ]
    paths["telegram"] = directory / "result.json"
    paths["telegram"].write_text(
        json.dumps({"name": "bench", "type": "public_supergroup", "id": 1, "messages": messages}, ensure_ascii=False),
        encoding="utf-8",
    )
    paths["pos"] = directory / "pos.csv"
    with paths["pos"].open("w", encoding="cp1251", errors="replace", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["Номер", "Дата поступления", "Категория", "Текст сообщения", "Статус", "Заявитель"])
        for i in range(counts["pos"]):
            w.writerow(
                [
                    f"ПОС-{i}",
                    when(i).strftime("%d.%m.%Y %H:%M"),
                    "Благоустройство",
                    text(i).replace("№", "N"),
                    "Зарегистрировано",
                    f"Заявитель {i}",
                ]
            )
    paths["reception"] = directory / "receptions.csv"
    with paths["reception"].open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["date", "visitor", "question", "received_by"])
        for i in range(counts["reception"]):
            w.writerow([when(i).strftime("%Y-%m-%d"), f"Посетитель {i}", text(i), "Глава города"])
    return paths


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=100_000)
    args = ap.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    work = ROOT / "bench" / "out"
    work.mkdir(parents=True, exist_ok=True)
    paths = generate(work, args.messages)
    recreate_database(url)
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([WEBMAP, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [WEBMAP, "gazetteer", "load", str(ROOT / "data" / "demo-town")], env=env, check=True, capture_output=True
    )
    total = 0.0
    for kind, path in paths.items():
        started = time.perf_counter()
        done = subprocess.run(
            [WEBMAP, "import", kind, str(path), "--batch-size", "1000"], env=env, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        total += seconds
        if done.returncode:
            sys.exit(f"{kind} import failed: {done.stderr[-2000:]}")
        print(f"{kind:10s} {seconds:7.1f} s  {done.stdout.splitlines()[0]}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"messages: {args.messages}, seconds: {total:.1f}, messages/s: {args.messages / total:.0f} "
        f"(target >= 300), peak memory of an import process: {peak_mb:.0f} MB (target < 500 MB)"
    )


if __name__ == "__main__":
    main()
