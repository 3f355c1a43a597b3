"""The indexes a region's reads rely on can answer the queries the app sends.

An index on an expression (the map's band of longitude) or one that covers a query's columns
(the dashboard's) stops working silently when a query's text drifts from it: the answer stays
right and only gets slow. The test town is too small for the planner to want them, so sequential
and bitmap scans are switched off and the other indexes of the tables dropped (inside the test's
transaction): what remains is whether the index can serve the query at all.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, scoped_session

from tests import factories
from tests.conftest import Queries
from webmap.extensions import db as database
from webmap.services import analytics as an

Counting = Callable[[], AbstractContextManager[Queries]]

TOWN = "75.54,61.72,75.66,61.765"


def plan(db: scoped_session[Session], statement: tuple[str, Any], *indexes: str) -> str:
    """The statement's plan with sequential and bitmap scans off and, of the cases' and messages'
    indexes, only ``indexes`` and the primary keys left (the rest dropped inside a savepoint,
    rolled back afterwards)."""
    sql, parameters = statement
    connection = db.connection()
    savepoint = connection.begin_nested()
    try:
        rivals = connection.exec_driver_sql(
            "SELECT i.indexrelid::regclass::text, i.indrelid::regclass::text, c.contype "
            "FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype IN ('u', 'x') "
            "WHERE i.indrelid IN ('appeals'::regclass, 'source_messages'::regclass) AND NOT i.indisprimary"
        ).all()
        for index, table, constraint in rivals:
            if index not in indexes:
                drop = f"ALTER TABLE {table} DROP CONSTRAINT {index}" if constraint else f"DROP INDEX {index}"
                connection.exec_driver_sql(drop)
        for setting in ("enable_seqscan", "enable_bitmapscan"):
            connection.exec_driver_sql(f"SET LOCAL {setting} = off")
        return "\n".join(r[0] for r in connection.exec_driver_sql("EXPLAIN " + sql, parameters))
    finally:
        savepoint.rollback()


def one(sent: Queries, test: Callable[[str], bool]) -> tuple[str, Any]:
    found = [(s, p) for s, p in zip(sent, sent.parameters, strict=True) if test(s)]
    assert len(found) == 1, [s[:80] for s in sent]
    return found[0]


def seed(clock: factories.Clock) -> None:
    for i in range(30):
        factories.appeal(
            75.56 + i * 0.003,
            61.73 + (i % 5) * 0.006,
            status="in_work",
            messages=[factories.message(channel=("vk", "reception", "pos")[i % 3], clock=clock)],
            clock=clock,
        )
        factories.work(75.56 + i * 0.003, 61.735, clock=clock)
    database.session.flush()


def test_the_town_wide_public_grid_reads_the_band_index_alone(
    db: scoped_session[Session], client: FlaskClient, clock: factories.Clock, count_queries: Counting
) -> None:
    seed(clock)
    with count_queries() as sent:
        response = client.get("/api/features", query_string={"bbox": TOWN, "zoom": 13})
    assert response.status_code == 200
    grid = one(sent, lambda s: s.startswith("SELECT floor(x") and "FROM appeals a" in s)
    explained = plan(db, grid, "ix_appeals_map_band", "ix_source_messages_appeal_id")
    assert "using ix_appeals_map_band" in explained, explained
    assert "Index Cond: ((status = ANY" in explained and "(floor((st_x(point) / '0.05'" in explained


def test_the_dashboards_case_figures_and_receptions_read_their_covering_indexes(
    app: Flask, db: scoped_session[Session], clock: factories.Clock, count_queries: Counting
) -> None:
    seed(clock)
    today = clock.now().date()
    f = an.Filters(today - timedelta(days=364), today)
    with app.test_request_context("/dashboard/"), count_queries() as sent:
        an.dashboard(f)
    rollup = one(sent, lambda s: "GROUPING SETS ((category)" in s)
    assert "using ix_appeals_received" in plan(db, rollup, "ix_appeals_received")
    done = one(sent, lambda s: "percentile_cont" in s)
    assert "using ix_appeals_received" in plan(db, done, "ix_appeals_received")
    receptions = one(sent, lambda s: "m.channel = 'reception'" in s)
    explained = plan(db, receptions, "ix_source_messages_reception")
    assert "Index Only Scan using ix_source_messages_reception" in explained, explained
