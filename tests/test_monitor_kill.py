"""A worker killed part-way (SIGKILL) and started again ends with each post exactly once, each with its case."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from flask import Flask

from tests.conftest import TEST_DATABASE_URL, stored_messages
from tests.monitor_helpers import StandIns, add, config_for, sources, stand_ins, vk_post

__all__ = ["stand_ins"]
WEBMAP = str(Path(sys.executable).parent / "webmap")
N = 3000
BATCH = 25  # posts per transaction (webmap/connectors/vk.py BATCH_POSTS)


def test_killed_monitor_resumes_exactly_once(app: Flask, runner, stand_ins: StandIns) -> None:
    stand_ins.vk.posts[-21835] = [vk_post(i) for i in range(N, 0, -1)]
    add(runner, "vk-wall", "-21835")
    env = {**os.environ, "DATABASE_URL": TEST_DATABASE_URL, "WEBMAP_MONITOR_FIRST_RUN_POSTS": str(N)}
    env.update({k: str(v) for k, v in config_for(stand_ins).items()})
    cmd = [WEBMAP, "monitor", "--once"]
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while stored_messages(app)[0] < 300 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert child.poll() is None, "the monitor finished before it could be killed"
    child.send_signal(signal.SIGKILL)
    child.wait()
    partial = stored_messages(app)
    assert 0 < partial[0] < N and partial[0] % BATCH == 0  # whole batches only
    assert partial[0] == partial[1] == partial[2]  # no duplicates; every stored message has its case
    cursor = sources(app)["vk-wall -21835"].cursor
    assert cursor["last_id"] == partial[0]  # the cursor covers exactly what was committed

    runner.invoke(args=["sources", "resume", str(sources(app)["vk-wall -21835"].id)])  # due again now
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert stored_messages(app) == (N, N, N)
    wall = sources(app)["vk-wall -21835"]
    assert wall.cursor["last_id"] == N and wall.taken == N and wall.last_error is None
