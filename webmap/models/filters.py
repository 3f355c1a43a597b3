"""Filters of cases and works as composable SQL expressions, one definition for every reader.

Each function takes the entity to filter (the model, or an ``aliased`` one such as
``CASE = aliased(Appeal, name="a")``) and returns a ``ColumnElement[bool]``, in the
style of pygeoapi's SQL provider: the maps, the dashboard's figures and the exports
combine them with ``and_`` instead of each writing its own WHERE text. Every value
becomes a bound parameter. Readers that still build their SQL as text embed the
expressions through :func:`to_sql`, which renders them with named parameters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    and_,
    any_,
    cast,
    exists,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine.interfaces import BindTyping
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.types import ARRAY, NullType, TypeEngine

from webmap.models.cases import MAP_BAND_DEG, Appeal
from webmap.models.gazetteer import District
from webmap.models.works import Work, work_appeals

# The aliases the text SQL of the maps and the dashboard uses (``a`` a case, ``w`` a work).
CASE: Any = aliased(Appeal, name="a")
WORK: Any = aliased(Work, name="w")
# Aliases of the filters' own subqueries, apart from the callers' tables.
_DISTRICT: Any = aliased(District, name="fd")
_ANSWERED: Any = aliased(Appeal, name="fa")

# A value, or a named bindparam whose value comes at execution (for SQL compiled once).
Values: TypeAlias = "Sequence[Any] | BindParameter[Any]"
Num: TypeAlias = "float | ColumnElement[Any]"
Moment: TypeAlias = "datetime | BindParameter[Any]"
Code: TypeAlias = "str | BindParameter[Any]"

_DIALECT = postgresql.psycopg2.dialect(paramstyle="named")
_DIALECT.bind_typing = BindTyping.NONE  # no ``::TYPE`` casts: text() would misread ``:name::TYPE``


def any_of(column: Any, values: Values, item_type: TypeEngine[Any] | None = None) -> ColumnElement[bool]:
    """``column = ANY(:values)``: one array parameter however many values (the plan stays the same);
    ``values`` may be a named ``bindparam`` whose value comes at execution."""
    if isinstance(values, BindParameter):
        return column == any_(values)
    values = list(values)
    kind = item_type if item_type is not None else (Integer() if values and isinstance(values[0], int) else String())
    return column == any_(literal(values, ARRAY(kind)))


def envelope(west: Num, south: Num, east: Num, north: Num) -> Any:
    return func.ST_MakeEnvelope(west, south, east, north, 4326)


def in_bbox(geom: Any, west: Num, south: Num, east: Num, north: Num) -> ColumnElement[bool]:
    """The geometry's box meets the view (``&&``: the GiST index answers it)."""
    return geom.op("&&")(envelope(west, south, east, north))


def in_map_band(point: Any, west: Num, east: Num) -> ColumnElement[bool]:
    """The case's point lies in a band of longitude the view spans: always true of a point in the
    view, and the key of ``ix_appeals_map_band`` (the expression must read as the index's)."""
    band = func.floor(func.ST_X(point) / literal_column(repr(MAP_BAND_DEG)))
    return band.between(func.floor(west / MAP_BAND_DEG), func.floor(east / MAP_BAND_DEG))


def point_in_view(point: Any, west: Num, south: Num, east: Num, north: Num) -> ColumnElement[bool]:
    """A case's point lies in the view: the GiST index or the band index may answer it."""
    return and_(in_bbox(point, west, south, east, north), in_map_band(point, west, east))


def in_period(column: Any, start: Moment | None, end: Moment | None) -> ColumnElement[bool]:
    """``start <= column < end``; either side may be open."""
    parts: list[ColumnElement[bool]] = []
    if start is not None:
        parts.append(column >= start)
    if end is not None:
        parts.append(column < end)
    return and_(*parts) if parts else and_(True)


# -- cases -----------------------------------------------------------------------------------------


def case_received(a: Any, start: Moment | None, end: Moment | None) -> ColumnElement[bool]:
    return in_period(a.created_at, start, end)


def case_status_in(a: Any, statuses: Values) -> ColumnElement[bool]:
    return any_of(a.status, statuses, String())


def case_in_categories(a: Any, codes: Values) -> ColumnElement[bool]:
    return any_of(a.category_code, codes, String())


def case_in_districts(a: Any, ids: Values) -> ColumnElement[bool]:
    return any_of(a.district_id, ids, Integer())


def case_in_district_code(a: Any, code: Code) -> ColumnElement[bool]:
    return a.district_id == select(District.id).where(District.code == code).scalar_subquery()


def case_from_channels(a: Any, channels: Values) -> ColumnElement[bool]:
    """One of the case's messages came through one of ``channels`` (the case's own list of its
    messages' channels, kept by the database: no lookup of the messages)."""
    values = channels if isinstance(channels, BindParameter) else literal(list(channels), ARRAY(String(32)))
    return a.channels.op("&&")(cast(values, ARRAY(String(32))))


def case_has_message(a: Any, message: Any, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """One of the case's messages (``message``, an alias of SourceMessage) meets ``condition``."""
    return exists().where(message.appeal_id == a.id, condition).correlate(a)


def case_not_old_fixed(a: Any, cut: Moment) -> ColumnElement[bool]:
    """Not a case fixed before ``cut`` (the public map hides those unless asked)."""
    return not_(and_(a.status == "done", a.closed_at.is_not(None), a.closed_at < cut))


def case_overdue(a: Any, open_statuses: Values, now: Moment) -> ColumnElement[bool]:
    return and_(any_of(a.status, open_statuses, String()), a.deadline < now)


def case_placed(a: Any) -> ColumnElement[bool]:
    return a.point.is_not(None)


# -- works -----------------------------------------------------------------------------------------


def work_date(w: Any) -> Any:
    """When a work counts on a map: done, or else created."""
    return func.coalesce(w.done_at, w.created_at)


def work_status_in(w: Any, statuses: Values) -> ColumnElement[bool]:
    return any_of(w.status, statuses, String())


def work_of_types(w: Any, codes: Values) -> ColumnElement[bool]:
    return any_of(w.type_code, codes, String())


def work_done_in(w: Any, start: Moment, end: Moment) -> ColumnElement[bool]:
    """Done within the period (the dashboard counts works when they were done)."""
    return and_(w.status == "done", in_period(w.done_at, start, end))


def work_in_district_code(w: Any, code: Code) -> ColumnElement[bool]:
    district = select(District.geom).where(District.code == code).scalar_subquery()
    return func.ST_Intersects(w.geom, district)


def work_in_districts(w: Any, ids: Values) -> ColumnElement[bool]:
    """Touches one of the districts: against their union, computed once per query, so that the
    works' GiST index finds the candidates (a probe of the districts per work costs a region
    seconds)."""
    d = _DISTRICT
    union = select(func.ST_Union(d.geom)).where(any_of(d.id, ids, Integer())).scalar_subquery()
    return func.ST_Intersects(w.geom, union)


def work_in_categories(w: Any, codes: Values) -> ColumnElement[bool]:
    """Of a category by its type, or by a case it answers."""
    fa = _ANSWERED
    answers = (
        exists()
        .where(
            work_appeals.c.work_id == w.id, fa.id == work_appeals.c.appeal_id, any_of(fa.category_code, codes, String())
        )
        .correlate(w)
    )
    return or_(any_of(w.type_code, codes, String()), answers)


def work_from_channels(w: Any, channels: Values) -> ColumnElement[bool]:
    """One of the work's cases has a message that came through one of ``channels``."""
    fa = _ANSWERED
    return (
        exists()
        .where(work_appeals.c.work_id == w.id, fa.id == work_appeals.c.appeal_id, case_from_channels(fa, channels))
        .correlate(w)
    )


def work_has_message(w: Any, message: Any, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """A message (``message``, an alias of SourceMessage) of one of the work's cases meets ``condition``."""
    return (
        exists()
        .where(work_appeals.c.work_id == w.id, message.appeal_id == work_appeals.c.appeal_id, condition)
        .correlate(w)
    )


def work_not_old(w: Any, cut: Moment) -> ColumnElement[bool]:
    """Not done before ``cut`` (``done_at`` is set iff done)."""
    return or_(w.done_at.is_(None), w.done_at >= cut)


# -- rendering for text SQL ------------------------------------------------------------------------


def to_sql(entity: Any, *conditions: ColumnElement[bool], prefix: str = "") -> tuple[str, dict[str, Any]]:
    """The conditions on ``entity`` (CASE or WORK) ANDed, as SQL text with ``:name`` parameters, and
    the parameters' values.

    They are compiled as the WHERE of ``SELECT 1 FROM <entity>`` so that subqueries correlate to the
    entity instead of listing it again. Parameter names are generated (``status_1``, ``param_2``...),
    unique within one call; ``prefix`` keeps them apart from another call's in the same statement.
    The caller's own parameters (``now``, ``limit``...) never take that form.
    """
    if not conditions:
        return "true", {}
    sql, params = _render(select(literal_column("1")).select_from(entity).where(*conditions), prefix)
    head, found, where = sql.partition("\nWHERE ")
    assert found and "\n" not in head.removeprefix("SELECT 1 \n"), head
    return f"({where})", params


def expression_sql(entity: Any, expression: Any, prefix: str) -> tuple[str, dict[str, Any]]:
    """A column expression on ``entity`` as SQL text and parameters (see :func:`to_sql`)."""
    # As an untyped value: a geometry column's type would wrap it in ST_AsEWKB for Python.
    sql, params = _render(select(type_coerce(expression, NullType()).label("expr_")).select_from(entity), prefix)
    body, found, _from = sql.rpartition(" AS expr_ \nFROM ")
    assert found and body.startswith("SELECT "), sql
    return body.removeprefix("SELECT "), params


_COMPILED: dict[tuple[Any, str], tuple[str, Any, set[str]]] = {}  # statement shape -> its SQL, compiled once
_COMPILED_MAX = 4096  # shapes are few; the dashboard and the maps together use some hundreds


def _render(statement: Any, prefix: str) -> tuple[str, dict[str, Any]]:
    """SQL text and parameters of ``statement``, compiled once per shape (as SQLAlchemy's own cache
    does: the cache key holds the structure, its bind parameters this call's values). ``prefix``
    renames the generated parameters only; those the caller named (``bindparam("west")``) keep
    their names, for the caller to give their values."""
    key = statement._generate_cache_key()
    entry = _COMPILED.get((key.key, prefix)) if key is not None else None
    if entry is None:
        compiled = statement.compile(dialect=_DIALECT, cache_key=key)
        sql = str(compiled)
        generated = {name for name, bind in compiled.binds.items() if bind.unique}
        if prefix and generated:
            names = "|".join(sorted(map(re.escape, generated), key=len, reverse=True))
            sql = re.sub(rf"(?<![:\w]):({names})\b", rf":{prefix}_\1", sql)
        entry = (sql, compiled, generated)
        if key is not None:
            if len(_COMPILED) >= _COMPILED_MAX:
                _COMPILED.clear()
            _COMPILED[(key.key, prefix)] = entry
    sql, compiled, generated = entry
    values = compiled.construct_params(extracted_parameters=key.bindparams if key is not None else None)
    return sql, {(f"{prefix}_{k}" if prefix and k in generated else k): v for k, v in values.items()}
