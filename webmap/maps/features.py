"""GeoJSON (RFC 7946) of the works and cases inside a map view, clustered on the server.

The map sends its view (bbox and zoom) and filters on every move. When the
view holds at most ``max_features`` items they come back as features; beyond
that PostGIS groups them into a grid of square cells of ``cell_px`` screen
pixels at that zoom, one Point feature per cell with its count (a cell holding
a single item still comes back as that item). So the answer's size is bounded
by the screen, not by the database.

The features are built as JSON text inside PostgreSQL (``json_build_object``)
and only concatenated here: no ORM objects, no Python loop per row. Each
audience has its own field list below (the public one is the privacy gate's,
:mod:`webmap.privacy`, which also says where the public sees a case); none of
them carries personal data. The filters are the shared expressions of
:mod:`webmap.models.filters`; every value from the request reaches SQL as a
bound parameter.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ARRAY, DateTime, Float, String, bindparam, text

from webmap import privacy
from webmap.extensions import db
from webmap.maps.audience import OPERATOR, Audience
from webmap.maps.params import FeatureQuery
from webmap.models import filters as fl
from webmap.models.constants import OPEN_STATUSES
from webmap.models.filters import CASE, WORK

TILE_PX = 256
MAX_GRID_PX = 4096  # a view wider than this many pixels is clustered as if zoomed out

# Where a work counts in the grid: the centre of its bounding box (a point itself; for a
# line, a fence along a street, the middle of its extent: cheap, and close enough to cluster).
WORK_X = "(ST_XMin(w.geom::box2d) + ST_XMax(w.geom::box2d)) / 2"
WORK_Y = "(ST_YMin(w.geom::box2d) + ST_YMax(w.geom::box2d)) / 2"
# Zoomed out this far or more, a view holds most of a town: its cases are counted from the band
# index alone (index-only scans, migration 0016); closer, rows are found through the GiST indexes.
TOWN_WIDE_ZOOM = 14


def _name(locale: str) -> str:
    return "name_en" if locale == "en" else "name_ru"


def _fields(sql: dict[str, str], audience: Audience, public: tuple[str, ...], operator: tuple[str, ...]) -> str:
    names = public if audience.name == "public" else operator
    return ", ".join(f"'{name}', {sql[name]}" for name in names)


def work_feature_sql(audience: Audience, locale: str) -> str:
    """SQL of one work as GeoJSON Feature text (joined with ``work_types t``)."""
    sql = {
        "kind": "'work'",
        "id": "w.id",
        "type": "w.type_code",
        "icon": "t.icon",
        "title": f"t.{_name(locale)}",
        "status": "w.status",
        "date": "to_char(COALESCE(w.done_at, w.created_at) AT TIME ZONE :tz, 'YYYY-MM-DD')",
        "anchor": "CASE WHEN GeometryType(w.geom) = 'POINT' THEN NULL ELSE json_build_array("
        "round(ST_X(ST_PointOnSurface(w.geom))::numeric, 6), round(ST_Y(ST_PointOnSurface(w.geom))::numeric, 6)) END",
        "crew_id": "w.crew_id",
        "created": "to_char(w.created_at AT TIME ZONE :tz, 'YYYY-MM-DD')",
    }
    fields = _fields(sql, audience, privacy.MAP_WORK_FIELDS, OPERATOR_WORK_FIELDS)
    return (
        "json_build_object('type', 'Feature', 'id', 'work-' || w.id, "
        "'geometry', ST_AsGeoJSON(w.geom, 6)::json, "
        f"'properties', json_build_object({fields}))::text"
    )


OPERATOR_WORK_FIELDS = privacy.MAP_WORK_FIELDS + ("crew_id", "created")
OPERATOR_CASE_FIELDS = privacy.MAP_CASE_FIELDS + (
    "overdue",
    "deadline",
    "address",
    "precision",
    "line",  # the street or stretch a case lies on, drawn as a line (operators only; the public get the point)
    "placed_by",
    "version",
)


def case_point_sql(audience: Audience, *, coarse: bool = False) -> tuple[str, dict[str, Any]]:
    """Where the audience sees a case (``appeals a``): the public where the privacy gate says
    (``coarse``: its cell, enough for clusters)."""
    if audience.name == "public":
        return _public_point_sql(coarse)
    return "a.point", {}


@lru_cache(maxsize=2)
def _public_point_sql(coarse: bool) -> tuple[str, dict[str, Any]]:
    point = privacy.coarse_point(CASE) if coarse else privacy.public_point(CASE)
    return fl.expression_sql(CASE, point, "cpub" if coarse else "pub")


def case_feature_sql(audience: Audience, locale: str, point: str = "a.point") -> str:
    """SQL of one case as GeoJSON Feature text (joined with ``categories c``), drawn at ``point``."""
    sql = {
        "kind": "'case'",
        "id": "a.id",
        "category": "a.category_code",
        "title": f"c.{_name(locale)}",
        "status": "a.status",
        "date": "to_char(a.created_at AT TIME ZONE :tz, 'YYYY-MM-DD')",
        "overdue": f"(a.status IN {_sql_tuple(OPEN_STATUSES)} AND a.deadline IS NOT NULL AND a.deadline < :now)",
        "deadline": "to_char(a.deadline AT TIME ZONE :tz, 'YYYY-MM-DD HH24:MI')",
        "address": "a.address",
        "precision": "a.precision",
        "line": "ST_AsGeoJSON(a.line, 6)::json",
        "placed_by": "a.placed_by",
        "version": "a.version",
    }
    fields = _fields(sql, audience, privacy.MAP_CASE_FIELDS, OPERATOR_CASE_FIELDS)
    return (
        "json_build_object('type', 'Feature', 'id', 'case-' || a.id, "
        f"'geometry', ST_AsGeoJSON({point}, 6)::json, "
        f"'properties', json_build_object({fields}))::text"
    )


def _sql_tuple(values: tuple[str, ...]) -> str:
    # Only constants of this module's vocabularies: never request values.
    assert all(v.isidentifier() for v in values)
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


@dataclass
class Filters:
    """The WHERE of each layer as SQL text, their parameters, and where a case is drawn."""

    works: str = "true"
    cases: str = "true"
    params: dict[str, Any] = field(default_factory=dict)
    case_point: str = "a.point"
    coarse_case_point: str = "a.point"  # for clusters


@dataclass(frozen=True)
class MapSettings:
    max_features: int = 400
    cell_px: int = 64
    fixed_max_age_days: int = 180
    tz: str = "Asia/Yekaterinburg"
    locale: str = "ru"


# The request's values reach the cached SQL as these named parameters.
P_WEST, P_SOUTH, P_EAST, P_NORTH = (
    bindparam(n, type_=Float(), required=False) for n in ("west", "south", "east", "north")
)
P_WORK_STATUSES = bindparam("work_statuses", type_=ARRAY(String()), required=False)
P_CASE_STATUSES = bindparam("case_statuses", type_=ARRAY(String()), required=False)
P_WORK_TYPES = bindparam("work_types", type_=ARRAY(String()), required=False)
P_CATEGORIES = bindparam("categories", type_=ARRAY(String()), required=False)
P_DISTRICT = bindparam("district", type_=String(), required=False)
P_FROM = bindparam("date_from", type_=DateTime(timezone=True), required=False)
P_TO = bindparam("date_to", type_=DateTime(timezone=True), required=False)
P_OLD_CUT = bindparam("old_cut", type_=DateTime(timezone=True), required=False)
P_NOW = bindparam("now", type_=DateTime(timezone=True), required=False)


@dataclass(frozen=True)
class Shape:
    """Which filters a map query has: the SQL is built and compiled once per shape."""

    public: bool
    work_types: bool
    categories: bool
    district: bool
    date_from: bool
    date_to: bool
    include_old: bool
    overdue_only: bool


def work_conditions(s: Shape) -> list[Any]:
    """The works a map query of shape ``s`` selects, as expressions on ``works w``."""
    view = (P_WEST, P_SOUTH, P_EAST, P_NORTH)
    out = [fl.in_bbox(WORK.geom, *view), fl.work_status_in(WORK, P_WORK_STATUSES)]
    if not s.include_old:
        out.append(fl.work_not_old(WORK, P_OLD_CUT))
    if s.work_types:
        out.append(fl.work_of_types(WORK, P_WORK_TYPES))
    if s.district:
        out.append(fl.work_in_district_code(WORK, P_DISTRICT))
    if s.date_from or s.date_to:
        out.append(fl.in_period(fl.work_date(WORK), P_FROM if s.date_from else None, P_TO if s.date_to else None))
    return out


def case_conditions(s: Shape) -> list[Any]:
    """The cases a map query of shape ``s`` selects, as expressions on ``appeals a`` (the public's
    by their public point; their statuses are the gate's, see :func:`build_filters`)."""
    view = (P_WEST, P_SOUTH, P_EAST, P_NORTH)
    out = [fl.case_status_in(CASE, P_CASE_STATUSES)]
    if s.public:
        out.append(privacy.public_point_in_bbox(CASE, *view))
        out.append(fl.case_placed(CASE))
    else:
        out.append(fl.point_in_view(CASE.point, *view))
    if not s.include_old:
        out.append(fl.case_not_old_fixed(CASE, P_OLD_CUT))
    if s.categories:
        out.append(fl.case_in_categories(CASE, P_CATEGORIES))
    if s.district:
        out.append(fl.case_in_district_code(CASE, P_DISTRICT))
    if s.date_from or s.date_to:
        out.append(fl.case_received(CASE, P_FROM if s.date_from else None, P_TO if s.date_to else None))
    if s.overdue_only:
        out.append(fl.case_overdue(CASE, OPEN_STATUSES, P_NOW))
    return out


@lru_cache(maxsize=256)
def _where(s: Shape) -> tuple[str, str, dict[str, Any]]:
    works, work_params = fl.to_sql(WORK, *work_conditions(s), prefix="w")
    cases, case_params = fl.to_sql(CASE, *case_conditions(s), prefix="a")
    constants = {k: v for k, v in {**work_params, **case_params}.items() if k.startswith(("w_", "a_"))}
    return works, cases, constants


def build_filters(q: FeatureQuery, settings: MapSettings, now: datetime, audience: Audience) -> Filters:
    public = audience.name == "public"
    shape = Shape(
        public=public,
        work_types=bool(q.work_types),
        categories=bool(q.categories),
        district=bool(q.district),
        date_from=q.date_from is not None,
        date_to=q.date_to is not None,
        include_old=q.include_old,
        overdue_only=q.overdue_only,
    )
    works, cases, constants = _where(shape)
    zone = ZoneInfo(settings.tz)
    b = q.bbox
    params: dict[str, Any] = {
        **constants,
        "tz": settings.tz,
        "now": now,
        "west": b.west,
        "south": b.south,
        "east": b.east,
        "north": b.north,
        # the public's statuses narrowed by the gate here, once: a second status condition in the
        # SQL would make the planner AND the status index into the GiST scan of the view, at a cost
        "work_statuses": privacy.public_work_statuses(q.work_statuses) if public else list(q.work_statuses),
        "case_statuses": privacy.public_case_statuses(q.case_statuses) if public else list(q.case_statuses),
        "work_types": list(q.work_types),
        "categories": list(q.categories),
        "district": q.district,
        "date_from": datetime.combine(q.date_from, time(), zone) if q.date_from else None,
        "date_to": datetime.combine(q.date_to + timedelta(days=1), time(), zone) if q.date_to else None,
        "old_cut": privacy.old_cut(now, settings.fixed_max_age_days),
    }
    point, point_params = case_point_sql(audience)
    coarse, coarse_params = case_point_sql(audience, coarse=True)
    params.update(point_params, **coarse_params)
    return Filters(works=works, cases=cases, params=params, case_point=point, coarse_case_point=coarse)


def _fetch(
    plan: Planner,
    q: FeatureQuery,
    f: Filters,
    audience: Audience,
    settings: MapSettings,
    work_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
) -> list[str]:
    out: list[str] = []
    if "works" in q.layers and work_ids != []:
        works = f"SELECT {work_feature_sql(audience, settings.locale)} FROM works w JOIN work_types t ON t.code = w.type_code"
        out += _features(plan, "works", works, f.works, work_ids, f.params, settings.max_features)
    if "cases" in q.layers and case_ids != []:
        cases = (
            f"SELECT {case_feature_sql(audience, settings.locale, f.case_point)} FROM appeals a "
            "JOIN categories c ON c.code = a.category_code"
        )
        out += _features(plan, "cases", cases, f.cases, case_ids, f.params, settings.max_features)
    return out


def _features(
    plan: Planner, kind: str, select: str, where: str, ids: list[int] | None, params: dict[str, Any], limit: int
) -> list[str]:
    """The Feature texts ``select`` gives under ``where`` (of ``ids`` alone, if given), in id order."""
    alias = "w" if kind == "works" else "a"
    if ids:
        where += f" AND {alias}.id = ANY(:ids)"
    sql = f"{select} WHERE {where} ORDER BY {alias}.id LIMIT :lim"
    return list(plan.run(kind, sql, {**params, "ids": ids or [], "lim": limit}).scalars())


def grid_size(q: FeatureQuery, cell_px: int) -> tuple[float, float, int]:
    """Cell width and height in degrees, and the zoom the grid is built for.

    Cells are square on screen (Web Mercator): a degree of latitude is longer
    than one of longitude by 1/cos(lat). The latitude is rounded so the grid
    stays put while the map pans; a view wider than MAX_GRID_PX pixels (a
    hostile or absurd request) is gridded as if zoomed out, so cells stay few.
    """
    b = q.bbox
    zoom = q.zoom
    span = max(b.east - b.west, (b.north - b.south) / max(math.cos(math.radians(b.centre_lat)), 0.05))
    while zoom > 0 and span / (360.0 / (TILE_PX * 2**zoom)) > MAX_GRID_PX:
        zoom -= 1
    width = cell_px * 360.0 / (TILE_PX * 2**zoom)
    lat = min(max(round(b.centre_lat), -85), 85)
    return width, width * math.cos(math.radians(lat)), zoom


@dataclass
class Cell:
    gx: int
    gy: int
    n: int = 0
    works: int = 0
    sx: float = 0.0
    sy: float = 0.0
    work_id: int | None = None  # the smallest id of each kind, for a cell of one item
    case_id: int | None = None


def _cells(plan: Planner, q: FeatureQuery, f: Filters, cell_w: float, cell_h: float) -> list[Cell]:
    """Items per grid cell, one GROUP BY per table (each with its own best plan), merged here."""
    cells: dict[tuple[int, int], Cell] = {}
    queries = []
    if "works" in q.layers:
        queries.append(("works", f"SELECT {WORK_X} AS x, {WORK_Y} AS y, w.id FROM works w WHERE {f.works}"))
    if "cases" in q.layers:
        # The public's clusters from cells centres: never finer than the public points, with no
        # lookup per case (zoomed in closer than a cell, clusters sit on the cells' centres).
        point = f.coarse_case_point
        if point == "a.point":
            inner = f"SELECT ST_X(a.point) AS x, ST_Y(a.point) AS y, a.id FROM appeals a WHERE {f.cases}"
        else:  # each case's point computed once (OFFSET 0 keeps the planner from inlining it twice)
            inner = (
                f"SELECT ST_X(p) AS x, ST_Y(p) AS y, id FROM (SELECT {point} AS p, a.id FROM appeals a "
                f"WHERE {f.cases} OFFSET 0) pub"
            )
        queries.append(("cases", inner))
    rows = []
    for kind, inner in queries:
        sql = (
            f"SELECT floor(x / :cw)::bigint AS gx, floor(y / :ch)::bigint AS gy, count(*) AS n, "
            f"sum(x) AS sx, sum(y) AS sy, min(id) AS id FROM ({inner}) pts GROUP BY 1, 2"
        )
        rows.append((kind, plan.run(kind, sql, {**f.params, "cw": cell_w, "ch": cell_h}).all()))
    for kind, result in rows:
        for gx, gy, n, sx, sy, first in result:
            cell = cells.get((gx, gy))
            if cell is None:
                cell = cells[(gx, gy)] = Cell(gx, gy)
            cell.n += n
            cell.sx += sx
            cell.sy += sy
            if kind == "works":
                cell.works += n
                cell.work_id = first
            else:
                cell.case_id = first
    return list(cells.values())


class Planner:
    """Runs a view's queries, each kind (works or cases) under its planner settings.

    The settings are set (``set_config``, local to the transaction) when a query of another kind
    needs them, and :func:`planned` restores what they were. Names and values come from
    :func:`query_settings`, never from a request.
    """

    def __init__(self, zoom: int) -> None:
        self.zoom = zoom
        self.current: dict[str, str] = {}
        self.saved: dict[str, str] = {}

    def run(self, kind: str, sql: str, params: dict[str, Any]) -> Any:  # a Result of text SQL
        wanted = query_settings(self.zoom, kind)
        if wanted != self.current:
            if not self.saved:
                read = "SELECT " + ", ".join(f"current_setting('{n}')" for n in wanted)
                self.saved = dict(zip(wanted, db.session.execute(text(read)).one(), strict=True))
            _set_config(wanted)
            self.current = wanted
        return db.session.execute(text(sql), params)


@contextmanager
def planned(zoom: int) -> Iterator[Planner]:
    plan = Planner(zoom)
    try:
        yield plan
    finally:
        if plan.saved:
            _set_config(plan.saved)


def _set_config(settings: dict[str, str]) -> None:
    assert all(name.isidentifier() for name in settings)
    names = list(settings)
    sql = "SELECT " + ", ".join(f"set_config('{n}', :v{i}, true)" for i, n in enumerate(names))
    db.session.execute(text(sql), {f"v{i}": settings[n] for i, n in enumerate(names)})


def query_settings(zoom: int, kind: str) -> dict[str, str]:
    """How a map query of ``kind`` (works or cases) at ``zoom`` is best planned.

    No parallel workers: their start costs more than these short queries gain on a small server.
    Index-only scans only for the cases of a town-wide view (a town's band of ``ix_appeals_map_band``):
    otherwise the planner would still prefer the covering indexes, which hold the whole region's
    items of a status, though reading the few rows the GiST index finds is several times faster. No
    bitmap scans of cases: the planner ANDs the status index (a region's hundred thousand cases in
    work) into the GiST scan of the view, though the GiST index is partial on that very status, and
    the AND costs more than the scan it saves. (Works keep them: without, the planner would rather
    read the whole table than the GiST index.)
    """
    town_wide = zoom <= TOWN_WIDE_ZOOM
    return {
        "max_parallel_workers_per_gather": "0",
        "enable_indexonlyscan": "on" if town_wide and kind == "cases" else "off",
        "enable_bitmapscan": "on" if kind == "works" else "off",
    }


def features_in_view(q: FeatureQuery, audience: Audience, settings: MapSettings, now: datetime | None = None) -> str:
    """The FeatureCollection for a view, as JSON text."""
    now = now or datetime.now(UTC)
    f = build_filters(q, settings, now, audience)
    with planned(q.zoom) as plan:
        features, meta = _view(plan, q, f, audience, settings, grid_size(q, settings.cell_px))
    head = json.dumps({"type": "FeatureCollection", **meta}, separators=(",", ":"))[:-1]
    return head + ',"features":[' + ",".join(features) + "]}"


def _view(
    plan: Planner,
    q: FeatureQuery,
    f: Filters,
    audience: Audience,
    settings: MapSettings,
    grid: tuple[float, float, int],
) -> tuple[list[str], dict[str, Any]]:
    """The view's features (clusters or items) and what the collection says of them."""
    cell_w, cell_h, grid_zoom = grid
    # The grid counts the view's items too: one scan whether they are then clustered or listed.
    cells = _cells(plan, q, f, cell_w, cell_h)
    total = sum(c.n for c in cells)
    meta: dict[str, Any] = {"zoom": q.zoom}
    if total <= settings.max_features:
        features = _fetch(plan, q, f, audience, settings)
        meta.update(clustered=False, total=len(features))
    else:
        singles = [c for c in cells if c.n == 1]
        features = (
            _fetch(
                plan,
                q,
                f,
                audience,
                settings,
                work_ids=[c.work_id for c in singles if c.works == 1 and c.work_id is not None],
                case_ids=[c.case_id for c in singles if c.works == 0 and c.case_id is not None],
            )
            if singles
            else []
        )
        for c in cells:
            if c.n > 1:
                features.append(json.dumps(_cluster(c, grid_zoom, cell_w, cell_h), separators=(",", ":")))
        meta.update(clustered=True, total=total, cells=len(cells))
    return features, meta


def _cluster(c: Cell, zoom: int, cell_w: float, cell_h: float) -> dict[str, Any]:
    """A cluster: its items' mean position, the count, and the cell's bounds to zoom to."""
    return {
        "type": "Feature",
        "id": f"cluster-{zoom}-{c.gx}-{c.gy}",
        "geometry": {"type": "Point", "coordinates": [round(c.sx / c.n, 6), round(c.sy / c.n, 6)]},
        "properties": {
            "cluster": True,
            "count": c.n,
            "works": c.works,
            "cases": c.n - c.works,
            "bbox": [
                round(c.gx * cell_w, 6),
                round(c.gy * cell_h, 6),
                round((c.gx + 1) * cell_w, 6),
                round((c.gy + 1) * cell_h, 6),
            ],
        },
    }


def case_feature(case_id: int, audience: Audience, settings: MapSettings, now: datetime | None = None) -> str:
    """One case as Feature text with the audience's fields (the answer to placing it)."""
    point, params = case_point_sql(audience)
    sql = (
        f"SELECT {case_feature_sql(audience, settings.locale, point)} FROM appeals a "
        "JOIN categories c ON c.code = a.category_code WHERE a.id = :id"
    )
    return db.session.execute(
        text(sql), {**params, "id": case_id, "tz": settings.tz, "now": now or datetime.now(UTC)}
    ).scalar_one()


HEAT_CELL_PX = 12


def heat_cells(q: FeatureQuery, settings: MapSettings, now: datetime | None = None) -> dict[str, Any]:
    """Open cases in the view counted on a fine grid, for a heat layer (leaflet.heat takes [lat, lon, weight])."""
    q = replace(q, layers=frozenset({"cases"}), case_statuses=OPEN_STATUSES, include_old=True)
    f = build_filters(q, settings, now or datetime.now(UTC), OPERATOR)
    cell_w, cell_h, _zoom = grid_size(q, HEAT_CELL_PX)
    sql = (
        "SELECT round((sum(ST_Y(a.point)) / count(*))::numeric, 6), round((sum(ST_X(a.point)) / count(*))::numeric, 6), "
        "count(*) FROM appeals a WHERE " + f.cases + " GROUP BY floor(ST_X(a.point) / :cw), floor(ST_Y(a.point) / :ch)"
    )
    with planned(q.zoom) as plan:
        rows = plan.run("cases", sql, {**f.params, "cw": cell_w, "ch": cell_h}).all()
    points = [[float(lat), float(lon), n] for lat, lon, n in rows]
    return {"points": points, "max": max((p[2] for p in points), default=0), "total": sum(p[2] for p in points)}
