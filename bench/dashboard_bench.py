"""District dashboard benchmark: the dashboard's queries for a year, town-wide, on 100,000 cases.

    .venv/bin/python bench/dashboard_bench.py [--cases 100000] [--runs 7] [--keep]

The database is BENCH_DATABASE_URL (default ``webmap_bench_dash`` on the ``make run``
server), created anew with postgis and pg_trgm, migrated (flask_migrate.upgrade) and
loaded with the demo town (webmap.commands.load_town_dir); then set-based SQL adds the
cases (all within 2025, around the town's houses, so there are real clusters), their
messages (about 1.1 per case, every channel), personal receptions and works. ``--keep``
reuses a database seeded before.

Printed: the time of everything the dashboard page queries (figures, categories,
districts, channels, trend, works, receptions), the median and best of ``--runs``
warm runs, against the 500 ms target; then, apart, the planning map's data (districts
GeoJSON and DBSCAN hot spots) and the whole page as a browser gets it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import recreate_database  # noqa: E402

DEFAULT_URL = "postgresql://webmap:webmap@127.0.0.1:5432/webmap_bench_dash"
TARGET_MS = 500

SEED_SQL = [
    "SELECT setseed(0.7)",
    """CREATE TEMP TABLE bench_anchor AS
       SELECT (row_number() OVER (ORDER BY id)) - 1 AS n, ST_X(geom) AS x, ST_Y(geom) AS y, full_name, district_id
       FROM addresses""",
    # Cases through 2025 around a house (±45 m), 3 % unplaced; statuses as a year of work leaves them.
    """INSERT INTO appeals (category_code, status, point, precision, confidence, placed_by, address, district_id,
                            deadline, created_at, updated_at, closed_at)
       SELECT cat, st,
              CASE WHEN unplaced THEN NULL
                   ELSE ST_SetSRID(ST_MakePoint(x + (random() - 0.5) * 0.0017, y + (random() - 0.5) * 0.0008), 4326) END,
              CASE WHEN unplaced THEN 'none' ELSE 'house' END, CASE WHEN unplaced THEN 0 ELSE 0.9 END, 'auto',
              CASE WHEN unplaced THEN NULL ELSE full_name END, CASE WHEN unplaced THEN NULL ELSE district_id END,
              created + CASE WHEN random() < 0.6 THEN interval '1 day' ELSE interval '30 days' END,
              created, created,
              CASE WHEN st IN ('done', 'rejected') THEN created + (random() * random() * 60 + 0.2) * interval '1 day' END
       FROM (
         SELECT (random() < 0.03) AS unplaced,
                (ARRAY['speed_bump','fence','streetlight','manhole','road','snow','garbage','yard','water',
                       'heating','transport','other'])[1 + floor(random() * 12)::int] AS cat,
                (CASE WHEN r < 0.08 THEN 'new' WHEN r < 0.13 THEN 'accepted' WHEN r < 0.25 THEN 'in_work'
                      WHEN r < 0.88 THEN 'done' ELSE 'rejected' END) AS st,
                timestamptz '2025-01-01 00:00+05' + random() * interval '365 days' AS created,
                a.x, a.y, a.full_name, a.district_id
         FROM (SELECT g, random() AS r, floor(random() * (SELECT count(*) FROM bench_anchor))::int AS an
               FROM generate_series(1, :cases) g) s
         JOIN bench_anchor a ON a.n = s.an) t""",
    # 4 % of the cases are duplicates of the case before them.
    """UPDATE appeals a SET status = 'duplicate', duplicate_of_id = a.id - 1, closed_at = a.created_at + interval '1 hour'
       WHERE a.id % 25 = 0 AND a.id > 1""",
    # One message per case (every channel), a second one for 10 %.
    """INSERT INTO source_messages (channel, external_id, url, author, text, posted_at, raw, appeal_id, received_by)
       SELECT ch, 'bench-' || a.id || '-' || k,
              CASE WHEN ch IN ('vk', 'telegram', 'ok') THEN 'https://vk.com/wall-1_' || a.id || '_' || k END,
              'Житель ' || (a.id % 5000), 'Сообщение об обращении ' || a.id, a.created_at,
              CASE WHEN ch = 'reception'
                   THEN jsonb_build_object('date', a.created_at::date, 'visitor', 'Житель ' || (a.id % 5000),
                                           'question', 'Вопрос ' || a.id,
                                           'received_by', (ARRAY['Глава города', 'Заместитель главы',
                                                                 'Управделами', 'Депутат'])[1 + a.id % 4])
                   ELSE jsonb_build_object('text', 'Сообщение ' || a.id) END,
              a.id,
              CASE WHEN ch = 'reception'
                   THEN (ARRAY['Глава города', 'Заместитель главы', 'Управделами', 'Депутат'])[1 + a.id % 4] END
       FROM appeals a
       CROSS JOIN LATERAL (  -- "a.id * 0": correlated, so drawn anew for every case
           SELECT k, (ARRAY['vk','vk','vk','telegram','telegram','ok','pos','pos','reception',
                            'phone'])[1 + floor(random() * 10 + a.id * 0)::int] AS ch
           FROM generate_series(1, CASE WHEN random() + a.id * 0 < 0.1 THEN 2 ELSE 1 END) k) m""",
    # Works: one per 20 cases of the categories that have a work type, near the case, most done.
    """INSERT INTO works (type_code, geom, status, done_at, public_note, created_at)
       SELECT category_code, geom, CASE WHEN done THEN 'done' ELSE 'planned' END,
              CASE WHEN done THEN created_at + (random() * 30 + 1) * interval '1 day' END, note, created_at
       FROM (SELECT a.category_code, ST_Translate(a.point, (random() - 0.5) * 0.001, (random() - 0.5) * 0.0005) AS geom,
                    random() < 0.85 AS done, 'Работа по обращению №' || a.id AS note, a.created_at
             FROM appeals a
             WHERE a.category_code IN ('speed_bump', 'fence', 'streetlight', 'manhole', 'road')
               AND a.point IS NOT NULL AND a.id % 20 = 0) s""",
    """INSERT INTO work_appeals (work_id, appeal_id)
       SELECT id, substring(public_note FROM '№([0-9]+)$')::int FROM works""",
    "ANALYZE",
]


def seed(cases: int) -> dict[str, int]:
    from sqlalchemy import text

    from webmap.extensions import db

    for sql in SEED_SQL:
        db.session.execute(text(sql), {"cases": cases})
    db.session.execute(text("UPDATE districts SET population = 1500 + (id * 937) % 4000"))
    db.session.commit()
    counts = {}
    for table in ("appeals", "source_messages", "works"):
        counts[table] = db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    return counts


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm: plans, caches, the pymorphy dictionary
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="reuse a database seeded before")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)

    from flask_migrate import upgrade

    from webmap import create_app
    from webmap.commands import load_town_dir
    from webmap.config import sqlalchemy_url
    from webmap.extensions import db
    from webmap.services import analytics as an

    if not args.keep:
        recreate_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url), "WTF_CSRF_ENABLED": False})
    with app.test_request_context("/dashboard/"):  # as in a request: the page's locale, config
        if not args.keep:
            upgrade()
            load_town_dir(ROOT / "data" / "demo-town")
            start = time.perf_counter()
            counts = seed(args.cases)
            print(
                f"seeded {counts['appeals']:,} cases, {counts['source_messages']:,} messages, "
                f"{counts['works']:,} works in {time.perf_counter() - start:.1f} s"
            )
        year = an.Filters(date(2025, 1, 1), date(2025, 12, 31), tz=app.config["WEBMAP_TIMEZONE"])
        figures = an.summary(year)
        print(
            f"year 2025, town-wide: {figures['received']:,} cases received, {figures['done']:,} done, "
            f"median {figures['median_days']} d, 90th percentile {figures['p90_days']} d"
        )

        median, best = timed(lambda: an.dashboard(year), args.runs)
        verdict = "OK" if median <= TARGET_MS else "OVER TARGET"
        print(
            f"dashboard queries (year, town-wide): median {median:.0f} ms, best {best:.0f} ms "
            f"over {args.runs} runs; target <= {TARGET_MS} ms: {verdict}"
        )
        weekly = an.Filters(year.date_from, year.date_to, step="week", tz=year.tz)
        median, best = timed(lambda: an.dashboard(weekly), args.runs)
        print(f"  same, weekly trend: median {median:.0f} ms, best {best:.0f} ms")
        median, best = timed(lambda: an.districts_geojson(year), args.runs)
        print(f"map: districts with figures: median {median:.0f} ms, best {best:.0f} ms")
        spots = an.hotspots(year, an.HotspotParams())
        median, best = timed(lambda: an.hotspots(year, an.HotspotParams()), max(3, args.runs // 2))
        print(
            f"map: hot spots (DBSCAN 100 m, 3 cases, no work within 100 m; {len(spots)} found): "
            f"median {median:.0f} ms, best {best:.0f} ms"
        )

        from webmap.models import User

        user = db.session.scalar(db.select(User).where(User.username == "bench-analyst"))
        if user is None:
            user = User(username="bench-analyst", role="analyst")
            user.set_password("bench-password-1")
            db.session.add(user)
            db.session.commit()
        db.session.remove()
    client = app.test_client()
    client.post("/auth/login", data={"username": "bench-analyst", "password": "bench-password-1"})
    query = "/dashboard/?from=2025-01-01&to=2025-12-31"

    def page() -> None:
        response = client.get(query)
        assert response.status_code == 200, response.status_code

    median, best = timed(page, max(3, args.runs // 2))
    print(f"the whole page {query} (queries + HTML): median {median:.0f} ms, best {best:.0f} ms")


if __name__ == "__main__":
    main()
