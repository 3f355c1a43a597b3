"""Open311 benchmark: GET requests.json / .xml on a town with many cases, and POST requests.

    .venv/bin/python bench/open311_bench.py [--cases 20000] [--requests 20] [--posts 50] [--keep]

The database is BENCH_DATABASE_URL (default ``webmap_bench_open311`` on the ``make run``
server), created anew, migrated, loaded with the demo town and seeded with set-based SQL:
cases around the town's houses over the last 120 days (a third reported by a public VK
post, the rest by ПОС), 60 % public (accepted, in work, done). ``--keep`` reuses it.

Printed: the latency (p50/p95/max) of the default GET (the last 90 days, at most 1000
requests, every one through the privacy gate) in JSON and XML, of GET by service and
status, and of a POST (form, key check, triage, grouping), through the Flask app in-process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import recreate_database  # noqa: E402  (drops and creates a test or bench database)

DEFAULT_URL = "postgresql://webmap:webmap@127.0.0.1:5432/webmap_bench_open311"

SEED_SQL = [
    "SELECT setseed(0.311)",
    """CREATE TEMP TABLE bench_anchor AS
       SELECT (row_number() OVER (ORDER BY id)) - 1 AS n, ST_X(geom) AS x, ST_Y(geom) AS y, full_name
       FROM addresses""",
    """INSERT INTO appeals (category_code, status, point, precision, confidence, placed_by, address,
                            deadline, created_at, updated_at, closed_at)
       SELECT cat, st, ST_SetSRID(ST_MakePoint(x + (random() - 0.5) * 0.0016, y + (random() - 0.5) * 0.0008), 4326),
              'house', 0.9, 'auto', full_name, created + interval '30 days', created, created,
              CASE WHEN st = 'done' THEN created + interval '5 days' END
       FROM (
         SELECT (ARRAY['speed_bump','fence','streetlight','manhole','road','snow','garbage','yard'])
                  [1 + floor(random() * 8)::int] AS cat,
                (CASE WHEN r < 0.3 THEN 'new' WHEN r < 0.4 THEN 'accepted' WHEN r < 0.6 THEN 'in_work'
                      WHEN r < 0.9 THEN 'done' ELSE 'rejected' END) AS st,
                now() - random() * interval '120 days' AS created, a.x, a.y, a.full_name
         FROM (SELECT g, random() AS r, floor(random() * (SELECT count(*) FROM bench_anchor))::int AS an
               FROM generate_series(1, :cases) g) s
         JOIN bench_anchor a ON a.n = s.an
       ) c""",
    """INSERT INTO source_messages (channel, external_id, url, author, text, posted_at, raw, appeal_id)
       SELECT CASE WHEN id % 3 = 0 THEN 'vk' ELSE 'pos' END, 'bench-' || id,
              CASE WHEN id % 3 = 0 THEN 'https://vk.com/wall-1_' || id END,
              'Житель ' || id, 'Обращение ' || id, created_at, '{}'::jsonb, id
       FROM appeals""",
]


def _ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return (
        f"p50 {statistics.median(samples) * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  max {samples[-1] * 1000:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)

    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from webmap import create_app
    from webmap.commands import load_town_dir
    from webmap.config import sqlalchemy_url
    from webmap.extensions import db
    from webmap.models import Appeal
    from webmap.open311.keys import create_key

    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url), "WTF_CSRF_ENABLED": True})
    with app.app_context():
        if not args.keep:
            recreate_database(url)
            db.engine.dispose()
            upgrade()
            load_town_dir(ROOT / "data" / "demo-town")
            for sql in SEED_SQL:
                db.session.execute(text(sql), {"cases": args.cases})
            db.session.commit()
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        _row, key = create_key(f"bench-{time.time()}")
        db.session.commit()
        total = db.session.scalar(select(func.count()).select_from(Appeal))
    print(f"cases: {total}")
    client = app.test_client()

    def timed(path: str, **params: str) -> tuple[list[float], int]:
        samples, size = [], 0
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(path, query_string=params)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, response.data[:200]
            size = len(response.data)
        return samples, size

    for label, path, params in [
        ("GET requests.json (90 days, <= 1000)", "/open311/v2/requests.json", {}),
        ("GET requests.xml  (90 days, <= 1000)", "/open311/v2/requests.xml", {}),
        ("GET requests.json service+status", "/open311/v2/requests.json", {"service_code": "road", "status": "open"}),
    ]:
        samples, size = timed(path, **params)
        print(f"{label:40s} {_ms(samples)}  {size / 1024:6.0f} KB")

    samples = []
    for i in range(args.posts):
        form = {"api_key": key, "service_code": "road", "address_string": "улица Ленина, 26", "description": f"яма {i}"}
        start = time.perf_counter()
        response = client.post("/open311/v2/requests.json", data=form)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.data[:200]
    print(f"{'POST requests.json (address_string)':40s} {_ms(samples)}")


if __name__ == "__main__":
    main()
