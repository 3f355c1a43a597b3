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
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    and_,
    any_,
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
from sqlalchemy.types import ARRAY, NullType, TypeEngine

from webmap.models.cases import Appeal, SourceMessage
from webmap.models.gazetteer import District
from webmap.models.works import Work, work_appeals

# The aliases the text SQL of the maps and the dashboard uses (``a`` a case, ``w`` a work).
CASE: Any = aliased(Appeal, name="a")
WORK: Any = aliased(Work, name="w")
# Aliases of the filters' own subqueries, apart from the callers' tables.
MESSAGE: Any = aliased(SourceMessage, name="fm")
_DISTRICT: Any = aliased(District, name="fd")
_ANSWERED: Any = aliased(Appeal, name="fa")

_DIALECT = postgresql.psycopg2.dialect(paramstyle="named")
_DIALECT.bind_typing = BindTyping.NONE  # no ``::TYPE`` casts: text() would misread ``:name::TYPE``


def any_of(column: Any, values: Iterable[Any], item_type: TypeEngine[Any] | None = None) -> ColumnElement[bool]:
    """``column = ANY(:values)``: one array parameter however many values (the plan stays the same)."""
    values = list(values)
    kind = item_type if item_type is not None else (Integer() if values and isinstance(values[0], int) else String())
    return column == any_(literal(values, ARRAY(kind)))


def envelope(west: float, south: float, east: float, north: float) -> Any:
    return func.ST_MakeEnvelope(west, south, east, north, 4326)


def in_bbox(geom: Any, west: float, south: float, east: float, north: float) -> ColumnElement[bool]:
    """The geometry's box meets the view (``&&``: the GiST index answers it)."""
    return geom.op("&&")(envelope(west, south, east, north))


def in_period(column: Any, start: datetime | None, end: datetime | None) -> ColumnElement[bool]:
    """``start <= column < end``; either side may be open."""
    parts: list[ColumnElement[bool]] = []
    if start is not None:
        parts.append(column >= start)
    if end is not None:
        parts.append(column < end)
    return and_(*parts) if parts else and_(True)


# -- cases -----------------------------------------------------------------------------------------


def case_received(a: Any, start: datetime | None, end: datetime | None) -> ColumnElement[bool]:
    return in_period(a.created_at, start, end)


def case_status_in(a: Any, statuses: Sequence[str]) -> ColumnElement[bool]:
    return any_of(a.status, statuses, String())


def case_in_categories(a: Any, codes: Sequence[str]) -> ColumnElement[bool]:
    return any_of(a.category_code, codes, String())


def case_in_districts(a: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    return any_of(a.district_id, ids, Integer())


def case_in_district_code(a: Any, code: str) -> ColumnElement[bool]:
    return a.district_id == select(District.id).where(District.code == code).scalar_subquery()


def case_from_channels(
    a: Any, channels: Sequence[str], message: Any = MESSAGE, extra: ColumnElement[bool] | None = None
) -> ColumnElement[bool]:
    """One of the case's messages (``message``, an alias of SourceMessage) came through one of
    ``channels`` and meets ``extra``, if given."""
    condition = and_(message.appeal_id == a.id, any_of(message.channel, channels, String()))
    if extra is not None:
        condition = and_(condition, extra)
    return exists().where(condition).correlate(a)


def case_not_old_fixed(a: Any, cut: datetime) -> ColumnElement[bool]:
    """Not a case fixed before ``cut`` (the public map hides those unless asked)."""
    return not_(and_(a.status == "done", a.closed_at.is_not(None), a.closed_at < cut))


def case_overdue(a: Any, open_statuses: Sequence[str], now: datetime) -> ColumnElement[bool]:
    return and_(any_of(a.status, open_statuses, String()), a.deadline < now)


def case_placed(a: Any) -> ColumnElement[bool]:
    return a.point.is_not(None)


# -- works -----------------------------------------------------------------------------------------


def work_date(w: Any) -> Any:
    """When a work counts on a map: done, or else created."""
    return func.coalesce(w.done_at, w.created_at)


def work_status_in(w: Any, statuses: Sequence[str]) -> ColumnElement[bool]:
    return any_of(w.status, statuses, String())


def work_of_types(w: Any, codes: Sequence[str]) -> ColumnElement[bool]:
    return any_of(w.type_code, codes, String())


def work_done_in(w: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    """Done within the period (the dashboard counts works when they were done)."""
    return and_(w.status == "done", in_period(w.done_at, start, end))


def work_in_district_code(w: Any, code: str) -> ColumnElement[bool]:
    district = select(District.geom).where(District.code == code).scalar_subquery()
    return func.ST_Intersects(w.geom, district)


def work_in_districts(w: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    d = _DISTRICT
    return exists().where(any_of(d.id, ids, Integer()), func.ST_Intersects(d.geom, w.geom)).correlate(w)


def work_in_categories(w: Any, codes: Sequence[str]) -> ColumnElement[bool]:
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


def work_from_channels(
    w: Any, channels: Sequence[str], message: Any = MESSAGE, extra: ColumnElement[bool] | None = None
) -> ColumnElement[bool]:
    """A message of one of the work's cases came through one of ``channels`` (and meets ``extra``)."""
    condition = and_(
        work_appeals.c.work_id == w.id,
        message.appeal_id == work_appeals.c.appeal_id,
        any_of(message.channel, channels, String()),
    )
    if extra is not None:
        condition = and_(condition, extra)
    return exists().where(condition).correlate(w)


def work_not_old(w: Any, cut: datetime) -> ColumnElement[bool]:
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


_COMPILED: dict[tuple[Any, str], tuple[str, Any]] = {}  # statement shape -> its SQL, compiled once
_COMPILED_MAX = 512


def _render(statement: Any, prefix: str) -> tuple[str, dict[str, Any]]:
    """SQL text and parameters of ``statement``, compiled once per shape (as SQLAlchemy's own cache
    does: the cache key holds the structure, its bind parameters this call's values)."""
    key = statement._generate_cache_key()
    entry = _COMPILED.get((key.key, prefix)) if key is not None else None
    if entry is None:
        compiled = statement.compile(dialect=_DIALECT, cache_key=key)
        sql = str(compiled)
        if prefix and compiled.binds:
            names = "|".join(sorted(map(re.escape, compiled.binds), key=len, reverse=True))
            sql = re.sub(rf"(?<![:\w]):({names})\b", rf":{prefix}_\1", sql)
        entry = (sql, compiled)
        if key is not None:
            if len(_COMPILED) >= _COMPILED_MAX:
                _COMPILED.clear()
            _COMPILED[(key.key, prefix)] = entry
    sql, compiled = entry
    values = compiled.construct_params(extracted_parameters=key.bindparams if key is not None else None)
    return sql, {f"{prefix}_{k}" if prefix else k: v for k, v in values.items()}
