"""Region benchmark: one instance for the okrug's 22 towns, 1,000,000 cases and 200,000 works.

    .venv/bin/python bench/region_bench.py [--cases 1000000] [--works 200000] [--requests 100]
                                           [--import-sample 2000] [--keep]

The database is BENCH_DATABASE_URL (default ``webmap_bench_region`` on the ``make run`` server),
created anew, migrated and loaded with the demo town; its districts are then copied (moved, with
their own codes) to 21 more town centres across Khanty-Mansi okrug's extent, and the maps
bench's set-based seeding (bench/maps_bench.py SEED_SQL: INSERT ... SELECT generate_series)
spreads the cases and works around the houses of all 22 towns. ``--keep`` reuses a database
seeded before.

Printed, all in one run so the figures compare on a shared machine:
- /api/features (public) p50/p95 for town-wide (zoom 13-14), district (16) and street (18)
  views, in-process, over several towns, against the 50 ms p95 target;
- the dashboard's queries (webmap.services.analytics.dashboard) for the last 365 days, for one
  town (its set of districts) and for the whole region, against 1 s;
- the import rate: messages/s through the Importer (triage, grouping, writing) for a sample
  of generated VK posts, into this full database.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from maps_bench import SEED_SQL, seeded_app, time_views, view_bbox  # noqa: E402  (beside this script)
from maps_bench import views as maps_views  # noqa: E402

DEFAULT_URL = "postgresql://webmap:webmap@127.0.0.1:5432/webmap_bench_region"
TARGET_P95_MS = 50
TARGET_DASHBOARD_MS = 1000
# The server's settings the figures depend on, printed with them.
SERVER_SETTINGS = ("shared_buffers", "effective_cache_size", "work_mem", "random_page_cost", "jit")

# (name, lon, lat): the okrug's towns and district centres, Uray in the west to Raduzhny in the east.
TOWNS = [
    ("pokachi", 75.59, 61.74),  # the demo town, where it is
    ("khanty-mansiysk", 69.02, 61.00),
    ("surgut", 73.40, 61.25),
    ("nizhnevartovsk", 76.57, 60.94),
    ("nefteyugansk", 72.60, 61.09),
    ("kogalym", 74.48, 62.26),
    ("nyagan", 65.38, 62.14),
    ("megion", 76.11, 61.03),
    ("langepas", 75.18, 61.25),
    ("raduzhny", 77.47, 62.13),
    ("uray", 64.80, 60.13),
    ("pyt-yakh", 72.85, 60.75),
    ("yugorsk", 63.33, 61.31),
    ("sovetsky", 63.56, 61.36),
    ("beloyarsky", 66.67, 63.71),
    ("berezovo", 65.05, 63.93),
    ("lyantor", 72.16, 61.62),
    ("kondinskoye", 67.43, 59.65),
    ("oktyabrskoye", 66.05, 62.45),
    ("igrim", 64.42, 63.19),
    ("mezhdurechensky", 65.94, 59.60),
    ("fyodorovsky", 73.67, 61.69),
]

# The demo town's districts copied to the other centres, each copy with its own code.
TOWN_SQL = [
    "CREATE TABLE IF NOT EXISTS bench_towns (k int PRIMARY KEY, name text, dx float8, dy float8)",
    "TRUNCATE bench_towns",
    """INSERT INTO districts (name, code, population, geom)
       SELECT d.name || ' (' || t.name || ')', d.code || '-' || t.k, d.population, ST_Translate(d.geom, t.dx, t.dy)
       FROM districts d CROSS JOIN bench_towns t WHERE t.k > 0""",
]
# Replaces the maps bench's anchors: every house of the demo town, in each of the towns.
ANCHOR_SQL = """CREATE TEMP TABLE bench_anchor AS
    SELECT (row_number() OVER (ORDER BY t.k, a.id)) - 1 AS n, ST_X(a.geom) + t.dx AS x, ST_Y(a.geom) + t.dy AS y,
           a.full_name
    FROM addresses a CROSS JOIN bench_towns t"""


def seed(cases: int, works: int) -> None:
    from sqlalchemy import text

    from webmap.extensions import db

    (cx, cy) = db.session.execute(
        text("SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Extent(geom)) c FROM districts) q")
    ).one()
    db.session.execute(text(TOWN_SQL[0]))
    db.session.execute(text(TOWN_SQL[1]))
    for k, (name, lon, lat) in enumerate(TOWNS):
        dx, dy = (0.0, 0.0) if k == 0 else (lon - cx, lat - cy)
        db.session.execute(
            text("INSERT INTO bench_towns VALUES (:k, :name, :dx, :dy)"), {"k": k, "name": name, "dx": dx, "dy": dy}
        )
    db.session.execute(text(TOWN_SQL[2]))
    assert "CREATE TEMP TABLE bench_anchor" in SEED_SQL[1]
    for sql in [SEED_SQL[0], ANCHOR_SQL, *SEED_SQL[2:]]:
        started = time.perf_counter()
        db.session.execute(text(sql), {"cases": cases, "works": works})
        print(f"  {time.perf_counter() - started:6.1f} s  {' '.join(sql.split())[:70]}")
    db.session.commit()
    # The seed updates every case twice in bulk (its district, then its channels as the messages
    # arrive), which leaves its indexes twice their size; a database restored from a backup
    # (webmap restore) starts with compact ones: rebuild them so.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("appeals", "source_messages", "works"):
            conn.execute(text(f"REINDEX TABLE {table}"))
        conn.execute(text("VACUUM ANALYZE"))


def towns() -> list[dict[str, Any]]:
    """Each town: its centre (the demo town's centre moved) and its district ids."""
    from sqlalchemy import text

    from webmap.extensions import db

    rows = db.session.execute(
        text(
            "SELECT t.k, t.name, ST_X(c.c) + t.dx, ST_Y(c.c) + t.dy FROM bench_towns t, "
            "(SELECT ST_Centroid(ST_Extent(geom)) c FROM districts WHERE code !~ '-[0-9]+$') c ORDER BY t.k"
        )
    ).all()
    out = []
    for k, name, x, y in rows:
        ids = db.session.execute(
            text(
                "SELECT id FROM districts WHERE code ~ '-[0-9]+$' AND split_part(code, '-', -1)::int = :k"
                if k
                else "SELECT id FROM districts WHERE code !~ '-[0-9]+$'"
            ),
            {"k": k},
        ).scalars()
        out.append({"k": k, "name": name, "x": x, "y": y, "districts": list(ids)})
    return out


def views(kind: str, n: int, rng: random.Random, region: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """``n`` (bbox, zoom) views over several towns."""
    from sqlalchemy import text

    from webmap.extensions import db

    out = []
    if kind == "town":
        for i in range(n):
            t = region[i % len(region)]
            zoom = 13 + i % 2
            out.append(
                (view_bbox(t["x"] + rng.uniform(-0.004, 0.004), t["y"] + rng.uniform(-0.002, 0.002), zoom), zoom)
            )
    elif kind == "district":  # the maps bench's: around the districts, here every town's
        out = maps_views("district", n, rng)
    else:
        houses = db.session.execute(
            text("SELECT ST_X(a.geom) + t.dx, ST_Y(a.geom) + t.dy FROM addresses a CROSS JOIN bench_towns t")
        ).all()
        for _ in range(n):
            x, y = rng.choice(houses)
            out.append((view_bbox(x, y, 18), 18))
    return out


def bench_api(app: Any, requests: int, region: list[dict[str, Any]]) -> list[tuple[str, dict[str, float]]]:
    client = app.test_client()
    rows = []
    for kind in ("town", "district", "street"):
        with app.app_context():
            todo = views(kind, requests, random.Random(kind), region)
        rows.append((kind, time_views(client, "/api/features", todo)))
    return rows


def timed(fn: Any, runs: int) -> tuple[float, float]:
    fn()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def bench_dashboard(app: Any, region: list[dict[str, Any]], runs: int) -> None:
    from webmap.extensions import db
    from webmap.services import analytics as an

    today = date.today()
    with app.test_request_context("/dashboard/"):
        tz = app.config["WEBMAP_TIMEZONE"]
        for label, districts in (
            (f"one town ({region[2]['name']}, {len(region[2]['districts'])} districts)", tuple(region[2]["districts"])),
            ("the whole region", ()),
        ):
            f = an.Filters(today - timedelta(days=364), today, districts=districts, tz=tz)
            median, best = timed(lambda f=f: an.dashboard(f), runs)
            received = an.summary(f)["received"]
            ok = "yes" if median <= TARGET_DASHBOARD_MS else "NO"
            print(
                f"dashboard, last 365 days, {label}: {received:,} cases; median {median:.0f} ms, "
                f"best {best:.0f} ms over {runs} runs (target <= {TARGET_DASHBOARD_MS} ms: {ok})"
            )
        db.session.rollback()


def bench_import(app: Any, sample: int) -> None:
    from ingest_bench import generate  # beside this script

    from webmap.extensions import db
    from webmap.ingest.pipeline import Importer
    from webmap.ingest.readers import ReadStats, get_reader
    from webmap.ingest.readers.records import RawMessage
    from webmap.services.triage import triage_message

    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), sample)
        with app.app_context():
            run = f"r{int(time.time())}-"  # new posts on every run (a --keep run would find them imported)
            items = [
                replace(m, external_id=run + m.external_id) if isinstance(m, RawMessage) else m
                for m in get_reader("vk")(paths["vk"], stats=ReadStats())
            ]
            importer = Importer(triage_message, batch_size=500)
            triage_message("прогрев: яма у дома Мира 1", "vk")  # load the models before timing
            started = time.perf_counter()
            report = importer.run(items)
            seconds = time.perf_counter() - started
            db.session.remove()
    print(
        f"import: {len(items)} VK posts through the Importer in {seconds:.1f} s: {len(items) / seconds:.0f} messages/s"
    )
    print(f"  {report}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--works", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=100, help="views of each kind")
    parser.add_argument("--runs", type=int, default=5, help="dashboard runs")
    parser.add_argument("--import-sample", type=int, default=2000, help="VK posts to import (0: skip)")
    parser.add_argument("--keep", action="store_true", help="reuse a database seeded before")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    app = seeded_app(url, args.keep, lambda: seed(args.cases, args.works))
    from sqlalchemy import text

    from webmap.extensions import db

    with app.app_context():
        region = towns()
        settings = {name: db.session.scalar(text(f"SHOW {name}")) for name in SERVER_SETTINGS}
        db.session.remove()
    print(f"{len(region)} towns; PostgreSQL: " + ", ".join(f"{k} {v}" for k, v in settings.items()))
    print("(deploy/postgresql-webmap.conf has the settings for a region's server)")

    print(f"\n/api/features (public), {args.requests} views each over the towns, in-process (target p95 <= 50 ms)")
    print(f"{'view':9} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'features':>9} {'KB':>6}  ok")
    for kind, r in bench_api(app, args.requests, region):
        ok = "yes" if r["p95"] <= TARGET_P95_MS else "NO"
        print(f"{kind:9} {r['p50']:7.1f} {r['p95']:7.1f} {r['max']:7.1f} {r['features']:9.0f} {r['kb']:6.1f}  {ok}")
    print()
    bench_dashboard(app, region, args.runs)
    if args.import_sample:
        print()
        bench_import(app, args.import_sample)


if __name__ == "__main__":
    main()
