"""A run killed part-way (SIGKILL) and run again ends with each message exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from flask import Flask

from tests.conftest import DEMO_TOWN, TEST_DATABASE_URL, stored_messages

WEBMAP = str(Path(sys.executable).parent / "webmap")
N = 3000


def _export(path: Path) -> None:
    labels = [json.loads(line)["text"] for line in (DEMO_TOWN / "messages" / "labels.jsonl").open(encoding="utf-8")]
    items = [
        {
            "id": i,
            "owner_id": -21835,
            "from_id": 100 + i,
            "date": 1664626500 + 60 * i,
            "text": f"{labels[i % len(labels)]} (#{i})",
        }
        for i in range(N)
    ]
    path.write_text(json.dumps({"response": {"count": N, "items": items}}, ensure_ascii=False), encoding="utf-8")


def test_killed_import_resumes_exactly_once(app: Flask, committed: None, tmp_path: Path) -> None:
    export = tmp_path / "wall.json"
    _export(export)
    env = {**os.environ, "DATABASE_URL": TEST_DATABASE_URL}
    cmd = [WEBMAP, "import", "vk", str(export), "--batch-size", "100"]
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while stored_messages(app)[0] < 300 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert child.poll() is None, "the import finished before it could be killed"
    child.send_signal(signal.SIGKILL)
    child.wait()
    partial = stored_messages(app)
    assert 0 < partial[0] < N and partial[0] % 100 == 0  # whole batches only
    assert partial[0] == partial[1] == partial[2]  # no duplicates; every stored message has its case

    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"already imported {partial[0]}" in done.stdout
    assert stored_messages(app) == (N, N, N)
