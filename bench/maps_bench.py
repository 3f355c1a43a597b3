"""Maps benchmark: the bbox endpoint and the public page on 100,000 cases and 20,000 works.

    .venv/bin/python bench/maps_bench.py [--cases 100000] [--works 20000] [--requests 200] [--keep]
        [--no-browser] [--runs 5]

The database is BENCH_DATABASE_URL (default ``webmap_bench`` on the ``make run`` server),
created anew with postgis and pg_trgm, migrated (flask_migrate.upgrade) and loaded with the
demo town (webmap.commands.load_town_dir); set-based SQL then adds the cases (around the
town's houses, over three years, 3 % unplaced, one message each) and the works (80 % done,
fences as lines). ``--keep`` reuses a database seeded before.

Printed:
- /api/features latency, p50/p95/max over ``--requests`` views of each kind (town-wide at
  zoom 13-14, a district at zoom 16, a street at zoom 18, centres jittered, a 1280x800
  screen), for the public and the operator, through the Flask app in-process (routing,
  validation, SQL, JSON; no network), against the 50 ms p95 target;
- the public page: its HTML size (the first view's answer embedded), and in headless Chromium
  the time from navigation to the first work, case or cluster marker drawn (median of ``--runs``), with
  the first-view cache cold (emptied before each load, as after a start) and warm, against
  300 KB and 2 s;
- beside it the same points the public map shows by default, drawn the way folium users
  usually do: folium.plugins.MarkerCluster (a marker with a popup per point) and
  FastMarkerCluster (the points as one array), written to files and opened from a local
  http server: their HTML size and time, and our ratio to each. All pages take turns, load
  after load, so that the machine's other load weighs on them alike.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import math
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import recreate_database  # noqa: E402  (drops and creates a test or bench database)

DEFAULT_URL = "postgresql://webmap:webmap@127.0.0.1:5432/webmap_bench"
TARGET_P95_MS = 50
TARGET_HTML_KB = 300
TARGET_FIRST_MARKERS_S = 2.0
SCREEN = (1280 - 304, 800 - 40)  # the map's part of a 1280x800 window (panel and top bar aside)
CHROMIUM = "/usr/bin/chromium"

SEED_SQL = [
    "SELECT setseed(0.42)",
    # Anchor points: the town's houses, numbered 0..n-1.
    """CREATE TEMP TABLE bench_anchor AS
       SELECT (row_number() OVER (ORDER BY id)) - 1 AS n, ST_X(geom) AS x, ST_Y(geom) AS y, full_name
       FROM addresses""",
    # Cases: around a house (jitter ~ ±40 m), created over three years; 3 % unplaced.
    """INSERT INTO appeals (category_code, status, point, precision, confidence, placed_by, address,
                            deadline, created_at, updated_at, closed_at)
       SELECT cat, st,
              CASE WHEN unplaced THEN NULL
                   ELSE ST_SetSRID(ST_MakePoint(x + (random() - 0.5) * 0.0016, y + (random() - 0.5) * 0.0008), 4326) END,
              CASE WHEN unplaced THEN 'none' ELSE 'house' END,
              CASE WHEN unplaced THEN 0 ELSE 0.9 END, 'auto',
              CASE WHEN unplaced THEN NULL ELSE full_name END,
              created + interval '30 days', created, created,
              CASE WHEN st IN ('done', 'rejected') THEN created + (random() * 40 + 1) * interval '1 day' END
       FROM (
         SELECT g, (random() < 0.03) AS unplaced,
                (ARRAY['speed_bump','fence','streetlight','manhole','road','snow','garbage','yard','water',
                       'heating','transport','other'])[1 + floor(random() * 12)::int] AS cat,
                (CASE WHEN r < 0.08 THEN 'new' WHEN r < 0.13 THEN 'accepted' WHEN r < 0.23 THEN 'in_work'
                      WHEN r < 0.88 THEN 'done' ELSE 'rejected' END) AS st,
                now() - random() * interval '1095 days' AS created,
                a.x, a.y, a.full_name
         FROM (SELECT g, random() AS r, floor(random() * (SELECT count(*) FROM bench_anchor))::int AS an
               FROM generate_series(1, :cases) g) s
         JOIN bench_anchor a ON a.n = s.an
       ) t""",
    """UPDATE appeals a SET district_id = d.id FROM districts d
       WHERE a.point IS NOT NULL AND ST_Contains(d.geom, a.point)""",
    # One message per case; public channels get a post URL; author and text are personal data.
    """INSERT INTO source_messages (channel, external_id, url, author, author_id, text, posted_at, raw, appeal_id)
       SELECT ch, 'bench-' || a.id,
              CASE ch WHEN 'vk' THEN 'https://vk.com/wall-1_' || a.id WHEN 'telegram' THEN 'https://t.me/town_chat/' || a.id END,
              'Житель ' || a.id, 'id' || a.id, 'Сообщение о проблеме № ' || a.id, a.created_at, '{}'::jsonb, a.id
       FROM (SELECT a.*, (ARRAY['vk','vk','telegram','pos','reception'])[1 + floor(random() * 5)::int] AS ch
             FROM appeals a) a""",
    # Works: points near a house (fences: a 40 m line), 80 % done over three years.
    """INSERT INTO works (type_code, geom, status, done_at, public_note, created_at)
       SELECT ty,
              CASE WHEN ty = 'fence'
                   THEN ST_SetSRID(ST_MakeLine(ST_MakePoint(px, py), ST_MakePoint(px + 0.0008, py)), 4326)
                   ELSE ST_SetSRID(ST_MakePoint(px, py), 4326) END,
              st, CASE WHEN st = 'done' THEN created + (random() * 30 + 1) * interval '1 day' END,
              'Работа выполнена', created
       FROM (
         SELECT (ARRAY['speed_bump','fence','streetlight','manhole','road'])[1 + floor(random() * 5)::int] AS ty,
                (CASE WHEN r < 0.8 THEN 'done' WHEN r < 0.9 THEN 'in_work' ELSE 'planned' END) AS st,
                now() - interval '31 days' - random() * interval '1064 days' AS created,
                a.x + (random() - 0.5) * 0.0016 AS px, a.y + (random() - 0.5) * 0.0008 AS py
         FROM (SELECT g, random() AS r, floor(random() * (SELECT count(*) FROM bench_anchor))::int AS an
               FROM generate_series(1, :works) g) s
         JOIN bench_anchor a ON a.n = s.an
       ) t""",
    # Each work answers one case of its own.
    """INSERT INTO work_appeals (work_id, appeal_id)
       SELECT w.id, a.id FROM (SELECT id, row_number() OVER (ORDER BY id) AS r FROM works) w
       JOIN (SELECT id, row_number() OVER (ORDER BY id) AS r FROM appeals WHERE point IS NOT NULL) a ON a.r = w.r * 4""",
    "DROP TABLE bench_anchor",
]


def seed(cases: int, works: int) -> None:
    from sqlalchemy import text

    from webmap.extensions import db

    for sql in SEED_SQL:
        db.session.execute(text(sql), {"cases": cases, "works": works})
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


# ---- views ------------------------------------------------------------------------


def view_bbox(lon: float, lat: float, zoom: int, size: tuple[int, int] = SCREEN) -> str:
    """The bbox a screen of ``size`` pixels shows around (lon, lat) at ``zoom`` (Web Mercator)."""
    scale = 256 * 2**zoom

    def x(lon_: float) -> float:
        return (lon_ + 180) / 360 * scale

    def y(lat_: float) -> float:
        s = math.sin(math.radians(lat_))
        return (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale

    def lon_of(px: float) -> float:
        return px / scale * 360 - 180

    def lat_of(py: float) -> float:
        n = math.pi - 2 * math.pi * py / scale
        return math.degrees(math.atan(math.sinh(n)))

    cx, cy = x(lon), y(lat)
    w, h = size[0] / 2, size[1] / 2
    return f"{lon_of(cx - w):.6f},{lat_of(cy + h):.6f},{lon_of(cx + w):.6f},{lat_of(cy - h):.6f}"


def views(kind: str, n: int, rng: random.Random) -> list[tuple[str, int]]:
    """``n`` (bbox, zoom) views: the whole town, a district, or a street by a house."""
    from sqlalchemy import text

    from webmap.extensions import db

    out = []
    if kind == "town":
        ((cx, cy),) = db.session.execute(
            text("SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Extent(geom)) c FROM districts) q")
        ).all()
        for i in range(n):
            zoom = 13 + i % 2
            out.append((view_bbox(cx + rng.uniform(-0.004, 0.004), cy + rng.uniform(-0.002, 0.002), zoom), zoom))
    elif kind == "district":
        centres = db.session.execute(
            text("SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM districts")
        ).all()
        for _ in range(n):
            x, y = rng.choice(centres)
            out.append((view_bbox(x + rng.uniform(-0.002, 0.002), y + rng.uniform(-0.001, 0.001), 16), 16))
    else:
        houses = db.session.execute(text("SELECT ST_X(geom), ST_Y(geom) FROM addresses")).all()
        for _ in range(n):
            x, y = rng.choice(houses)
            out.append((view_bbox(x, y, 18), 18))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def bench_api(app: Any, requests: int) -> list[tuple[str, str, dict[str, float]]]:
    from webmap.auth.accounts import find_user
    from webmap.extensions import db
    from webmap.models import User

    with app.app_context():
        user = find_user("bench-operator") or User(username="bench-operator", role="operator")
        user.set_password("bench-password")
        db.session.add(user)
        db.session.commit()
    rows = []
    for audience, path in (("public", "/api/features"), ("operator", "/api/operator/features")):
        client = app.test_client()
        if audience == "operator":
            import re

            page = client.get("/auth/login").get_data(as_text=True)
            token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
            response = client.post(
                "/auth/login", data={"username": "bench-operator", "password": "bench-password", "csrf_token": token}
            )
            assert response.status_code == 302, "the bench operator could not log in"
        for kind in ("town", "district", "street"):
            with app.app_context():
                todo = views(kind, requests, random.Random(kind))
            rows.append((audience, kind, time_views(client, path, todo)))
    return rows


def time_views(client: Any, path: str, todo: list[tuple[str, int]]) -> dict[str, float]:
    """The latency (p50/p95/max ms) of GET ``path`` for each (bbox, zoom) view, and the answers' mean
    features, size and share clustered; the first five views are asked once before, to warm up."""
    for bbox, zoom in todo[:5]:  # warm the caches and the connection pool
        client.get(path, query_string={"bbox": bbox, "zoom": zoom})
    times, sizes, features, clustered = [], [], [], 0
    for bbox, zoom in todo:
        start = time.perf_counter()
        response = client.get(path, query_string={"bbox": bbox, "zoom": zoom})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        body = response.get_json()
        sizes.append(len(response.data))
        features.append(len(body["features"]))
        clustered += body["clustered"]
    return {
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
        "max": max(times),
        "features": statistics.mean(features),
        "kb": statistics.mean(sizes) / 1024,
        "clustered": clustered / len(todo),
    }


# ---- pages in Chromium --------------------------------------------------------------


def serve_app(app: Any) -> tuple[str, Any]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def serve_dir(directory: Path) -> tuple[str, Any]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


OUR_MARKERS = ".leaflet-marker-icon.work-marker, .leaflet-marker-icon.case-marker, .leaflet-marker-icon.cluster-marker"
FOLIUM_MARKERS = ".leaflet-marker-icon"  # markercluster's clusters and markers (its pages draw no labels)


@dataclass
class Page:
    """A page to time: where it is, what its first point marker is, what to do before each load."""

    url: str
    selector: str = FOLIUM_MARKERS
    before_each: Callable[[], None] | None = None
    times: list[float] = field(default_factory=list)
    transferred: int = 0  # bytes the first load fetched


def only_from(host: str, offsite: list[str]) -> Callable[[Any], None]:
    """A route handler that lets requests to ``host`` through and refuses (and lists) the rest."""

    def guard(route: Any) -> None:
        if route.request.url.split("/", 3)[2] == host:
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort()

    return guard


def first_markers(pages: dict[str, Page], runs: int = 5, timeout_s: float = 180) -> list[str]:
    """Seconds from navigation to the first point marker drawn (``selector``: ours are works, cases
    and clusters, not the base map's labels), ``runs`` times for each page, the pages taking turns
    in a rotating order (so that the load of a shared machine, and the page before, weigh on all
    alike), each load in a fresh browser
    context; returns the off-site URLs the pages asked for (all refused)."""
    from playwright.sync_api import sync_playwright

    offsite: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        items = list(pages.values())
        for run in range(runs):
            for item in items[run % len(items) :] + items[: run % len(items)]:  # each in every place in turn
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                context.route("**/*", only_from(item.url.split("/", 3)[2], offsite))
                page = context.new_page()
                sizes: list[int] = []
                page.on("response", lambda r, sizes=sizes: sizes.append(int(r.headers.get("content-length") or 0)))
                if item.before_each:
                    item.before_each()
                start = time.perf_counter()
                page.goto(item.url, wait_until="commit", timeout=timeout_s * 1000)
                page.wait_for_selector(item.selector, timeout=timeout_s * 1000)
                item.times.append(time.perf_counter() - start)
                page.wait_for_load_state("load", timeout=timeout_s * 1000)
                if run == 0:
                    item.transferred = sum(sizes)
                context.close()
        browser.close()
    return offsite


def public_points(app: Any) -> list[tuple[float, float, str]]:
    """What the public map shows by default: done works of the last N days and cases in work."""
    from datetime import datetime, timedelta

    from sqlalchemy import text

    from webmap.extensions import db

    cut = datetime.now(UTC) - timedelta(days=app.config["WEBMAP_PUBLIC_FIXED_MAX_AGE_DAYS"])
    with app.app_context():
        return [
            tuple(r)
            for r in db.session.execute(
                text(
                    "SELECT ST_Y(ST_PointOnSurface(w.geom)), ST_X(ST_PointOnSurface(w.geom)), t.name_ru || ', ' || "
                    "to_char(w.done_at, 'DD.MM.YYYY') FROM works w JOIN work_types t ON t.code = w.type_code "
                    "WHERE w.status = 'done' AND w.done_at >= :cut "
                    "UNION ALL SELECT ST_Y(a.point), ST_X(a.point), c.name_ru || ' — в работе' FROM appeals a "
                    "JOIN categories c ON c.code = a.category_code WHERE a.status = 'in_work' AND a.point IS NOT NULL"
                ),
                {"cut": cut},
            )
        ]


def folium_pages(app: Any, points: list[tuple[float, float, str]], directory: Path) -> dict[str, Path]:
    """The usual folium way: every point in the page, clustered in the browser (offline copies of the JS)."""
    import folium
    from folium.plugins import FastMarkerCluster, MarkerCluster
    from folium_offline import make_offline  # beside this script

    (directory / "static").symlink_to(ROOT / "static")
    lat0 = statistics.mean(p[0] for p in points)
    lon0 = statistics.mean(p[1] for p in points)
    pages = {}

    def base(m: Any) -> Any:  # the town's districts and streets, as the old folium page drew them
        folium.GeoJson(
            districts, style_function=lambda f: {"color": "#5b6b7a", "weight": 2, "fillOpacity": 0.3}
        ).add_to(m)
        folium.GeoJson(streets, style_function=lambda f: {"color": "#8a8f98", "weight": 5}).add_to(m)
        return m

    with app.test_request_context():
        from webmap.maps.layers import districts_geojson, streets_geojson

        districts, streets = districts_geojson(), streets_geojson()
        m = base(folium.Map(location=(lat0, lon0), zoom_start=14, tiles=None, maxZoom=19))
        cluster = MarkerCluster().add_to(m)
        for lat, lon, label in points:
            folium.Marker((lat, lon), popup=label, tooltip=label).add_to(cluster)
        make_offline(m.get_root())
        pages["folium MarkerCluster"] = directory / "marker_cluster.html"
        m.save(str(pages["folium MarkerCluster"]))

        m = base(folium.Map(location=(lat0, lon0), zoom_start=14, tiles=None, maxZoom=19))
        # the default callback draws AwesomeMarkers icons (from a CDN): a plain marker instead
        FastMarkerCluster(
            [(lat, lon) for lat, lon, _ in points],
            callback="function (row) { return L.marker(new L.LatLng(row[0], row[1])); }",
        ).add_to(m)
        make_offline(m.get_root())
        pages["folium FastMarkerCluster"] = directory / "fast_marker_cluster.html"
        m.save(str(pages["folium FastMarkerCluster"]))
    return pages


def seeded_app(url: str, keep: bool, seed_db: Callable[[], None]) -> Any:
    """The app on the bench database ``url``: unless ``keep``, created anew, migrated, loaded with
    the demo town and seeded by ``seed_db`` (inside the app context); its counts printed."""
    os.environ.setdefault("WEBMAP_ENV", "development")
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from webmap import create_app
    from webmap.commands import load_town_dir
    from webmap.config import sqlalchemy_url
    from webmap.extensions import db
    from webmap.models import Appeal, Work

    if not keep:
        recreate_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url), "WEBMAP_REQUEST_LOG": False})
    with app.app_context():
        if not keep:
            started = time.perf_counter()
            upgrade()
            load_town_dir(ROOT / "data" / "demo-town")
            seed_db()
            print(f"seeded in {time.perf_counter() - started:.1f} s")
        n_cases = db.session.scalar(select(func.count()).select_from(Appeal))
        n_works = db.session.scalar(select(func.count()).select_from(Work))
        db.session.remove()
    print(f"database {url.rsplit('/', 1)[1]}: {n_cases:,} cases, {n_works:,} works")
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--works", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200, help="views of each kind per audience")
    parser.add_argument("--keep", action="store_true", help="reuse a database seeded before")
    parser.add_argument("--no-browser", action="store_true", help="only the API latency")
    parser.add_argument("--runs", type=int, default=5, help="loads of each page in the browser")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    app = seeded_app(url, args.keep, lambda: seed(args.cases, args.works))
    print(
        f"max features before clustering: {app.config['WEBMAP_MAP_MAX_FEATURES']}, "
        f"cell {app.config['WEBMAP_MAP_CLUSTER_CELL_PX']} px, fixed hidden after "
        f"{app.config['WEBMAP_PUBLIC_FIXED_MAX_AGE_DAYS']} days"
    )

    print(f"\n/api/features latency, {args.requests} views each, in-process (target p95 <= {TARGET_P95_MS} ms)")
    print(
        f"{'audience':9} {'view':9} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'features':>9} {'KB':>6} {'clustered':>9}  ok"
    )
    for audience, kind, r in bench_api(app, args.requests):
        ok = "yes" if r["p95"] <= TARGET_P95_MS else "NO"
        print(
            f"{audience:9} {kind:9} {r['p50']:7.1f} {r['p95']:7.1f} {r['max']:7.1f} {r['features']:9.0f} "
            f"{r['kb']:6.1f} {r['clustered']:9.0%}  {ok}"
        )
    if args.no_browser:
        return

    from webmap.public.first_view import cache

    def cold() -> None:  # the first view computed by the page request, as after a start
        with app.app_context():
            cache().clear()

    html = app.test_client().get("/").data
    points = public_points(app)
    base, server = serve_app(app)
    with tempfile.TemporaryDirectory() as tmp:
        folium_files = folium_pages(app, points, Path(tmp))
        files, file_server = serve_dir(Path(tmp))
        pages = {
            "webmap, first view cold": Page(base + "/", OUR_MARKERS, cold),
            "webmap, first view warm": Page(base + "/", OUR_MARKERS),  # cached by the load before
            **{name: Page(f"{files}/{path.name}") for name, path in folium_files.items()},
        }
        sizes = {name: path.stat().st_size for name, path in folium_files.items()}
        offsite = first_markers(pages, runs=args.runs)
        file_server.shutdown()
    server.shutdown()
    median = {name: statistics.median(p.times) for name, p in pages.items()}
    ours_time = max(median["webmap, first view cold"], median["webmap, first view warm"])
    print(
        f"\npublic page vs folium, the same {len(points)} points (done works of the last "
        f"{app.config['WEBMAP_PUBLIC_FIXED_MAX_AGE_DAYS']} days and cases in work), headless Chromium, "
        f"median of {args.runs} loads each, the pages taking turns"
    )
    print(
        f"{'page':26} {'HTML KB':>9} {'fetched KB':>10} {'first markers s':>15} {'min s':>6} {'max s':>6} "
        f"{'HTML ratio':>10} {'time ratio':>10}"
    )
    for name, p in pages.items():
        size = sizes.get(name, len(html))
        ratios = "" if name in sizes else f"{'':>10} {'':>10}"
        if name in sizes:
            ratios = f"{len(html) / size:10.4f} {ours_time / median[name]:10.3f}"
        print(
            f"{name:26.26} {size / 1024:9.1f} {p.transferred / 1024:10.1f} {median[name]:15.2f} "
            f"{min(p.times):6.2f} {max(p.times):6.2f} {ratios}"
        )
    print(
        f"(webmap cold: the first-view cache emptied before each load, as after a start; warm: cached, "
        f"{app.config['WEBMAP_FIRST_VIEW_CACHE_SECONDS']:g} s; ratios use the slower of the two)"
    )
    print(
        f"targets: <= {TARGET_HTML_KB} KB, <= {TARGET_FIRST_MARKERS_S} s: "
        f"{'yes' if len(html) / 1024 <= TARGET_HTML_KB and ours_time <= TARGET_FIRST_MARKERS_S else 'NO'}"
    )
    fast = "folium FastMarkerCluster"
    print(
        f"against {fast}: first markers {ours_time:.2f} s vs {median[fast]:.2f} s: "
        f"{'yes' if ours_time <= median[fast] else 'NO'}; its page is {sizes[fast] / len(html):.0f} times our HTML"
    )
    print("off-site requests:", offsite or "none")


if __name__ == "__main__":
    main()
