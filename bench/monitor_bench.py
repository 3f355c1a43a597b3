"""Monitor benchmark: messages per second through the worker (`webmap monitor --once`) from a local VK stand-in.

A VK wall of P posts, every tenth with C comments, is served by the tests' VK
stand-in on 127.0.0.1 (no outside network); one `webmap monitor --once`
process reads it all through procrastinate and stores every message as a case.
Prints messages, seconds, messages per second and HTTP requests made. The VK
rate limit is lifted (WEBMAP_VK_RPS=1000): the real API allows 3 requests a
second, i.e. at most 300 posts or comments a second by paging alone.

    .venv/bin/python bench/monitor_bench.py [--posts 3000] [--comments 5]

The database is BENCH_DATABASE_URL (default: webmap_bench_monitor on the
``make run`` server), created anew, migrated and loaded with the demo town.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import recreate_database  # noqa: E402
from tests.standins import VK_TOKEN, VkStandIn  # noqa: E402

DEFAULT_URL = "postgresql://webmap:webmap@127.0.0.1:5432/webmap_bench_monitor"
WEBMAP = str(Path(sys.executable).parent / "webmap")
OWNER = -21835


def fill(stand_in: VkStandIn, posts: int, comments: int, seed: int = 7) -> int:
    """Posts and comments with texts from the labelled demo set; returns the number of messages."""
    rnd = random.Random(seed)
    labels = ROOT / "data" / "demo-town" / "messages" / "labels.jsonl"
    texts = [json.loads(line)["text"] for line in labels.open(encoding="utf-8")]
    t0 = int(time.time()) - 2 * 86_400
    wall = []
    for i in range(1, posts + 1):
        wall.append({"id": i, "owner_id": OWNER, "from_id": 100 + i, "date": t0 + 20 * i, "text": rnd.choice(texts)})
        if i % 10 == 0:
            stand_in.comments[(OWNER, i)] = [
                {"id": i * 100 + k, "from_id": 7000 + k, "date": t0 + 20 * i + k, "text": rnd.choice(texts)}
                for k in range(comments)
            ]
    stand_in.posts[OWNER] = list(reversed(wall))
    return posts + (posts // 10) * comments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--comments", type=int, default=5, help="comments on every tenth post")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    recreate_database(url)
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([WEBMAP, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [WEBMAP, "gazetteer", "load", str(ROOT / "data" / "demo-town")], env=env, check=True, capture_output=True
    )
    stand_in = VkStandIn()
    expected = fill(stand_in, args.posts, args.comments)
    with stand_in.running():
        env.update(
            WEBMAP_VK_API_URL=stand_in.api_url,
            WEBMAP_VK_TOKEN=VK_TOKEN,
            WEBMAP_VK_RPS="1000",
            WEBMAP_MONITOR_FIRST_RUN_POSTS=str(args.posts),
        )
        subprocess.run([WEBMAP, "sources", "add", "vk-wall", str(OWNER)], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        done = subprocess.run([WEBMAP, "monitor", "--once"], env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    print(done.stdout.strip())
    requests = len(stand_in.script.requests)
    print(
        f"messages {expected}, {seconds:.1f} s (process start included), {expected / seconds:.0f} messages/s, "
        f"{requests} VK requests"
    )


if __name__ == "__main__":
    main()
