"""The indexes a region's reads rely on can answer the queries the app sends.

An index on an expression (the map's band of longitude) or one that covers a query's columns
(the dashboard's) stops working silently when a query's text drifts from it: the answer stays
right and only gets slow. The test town is too small for the planner to want them, so sequential
and bitmap scans are switched off and the rival indexes dropped (inside the test's transaction):
what remains is whether the index can serve the query at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from tests import factories
from webmap.extensions import db as database
from webmap.services import analytics as an

TOWN = "75.54,61.72,75.66,61.765"


@contextmanager
def statements(app: Flask) -> Iterator[list[tuple[str, Any]]]:
    """The statements (with their parameters) the app sends inside the block."""
    sent: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        sent.append((statement, parameters))

    with app.app_context():
        engine = database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def plan(db: scoped_session[Session], statement: tuple[str, Any], *without: str) -> str:
    """The statement's plan with sequential and bitmap scans off and the indexes ``without`` dropped
    (in the test's transaction, rolled back with it)."""
    sql, parameters = statement
    connection = db.connection()
    for index in without:
        connection.exec_driver_sql(f"DROP INDEX {index}")
    for setting in ("enable_seqscan", "enable_bitmapscan"):
        connection.exec_driver_sql(f"SET LOCAL {setting} = off")
    rows = connection.exec_driver_sql("EXPLAIN " + sql, parameters).all()
    connection.exec_driver_sql("RESET ALL")
    return "\n".join(r[0] for r in rows)


def one(sent: list[tuple[str, Any]], test: Callable[[str], bool]) -> tuple[str, Any]:
    found = [s for s in sent if test(s[0])]
    assert len(found) == 1, [s[0][:80] for s in sent]
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
    app: Flask, db: scoped_session[Session], client: FlaskClient, clock: factories.Clock
) -> None:
    seed(clock)
    with statements(app) as sent:
        response = client.get("/api/features", query_string={"bbox": TOWN, "zoom": 13})
    assert response.status_code == 200
    grid = one(sent, lambda s: s.startswith("SELECT floor(x") and "FROM appeals a" in s)
    explained = plan(db, grid, "idx_appeals_point", "ix_appeals_point_in_work", "ix_appeals_point_open")
    assert "using ix_appeals_map_band" in explained, explained
    assert "Index Cond: ((status = ANY" in explained and "(floor((st_x(point) / '0.05'" in explained


def test_the_dashboards_case_figures_and_receptions_read_their_covering_indexes(
    app: Flask, db: scoped_session[Session], clock: factories.Clock
) -> None:
    seed(clock)
    today = clock.now().date()
    f = an.Filters(today - timedelta(days=364), today)
    with app.test_request_context("/dashboard/"), statements(app) as sent:
        an.dashboard(f)
    rollup = one(sent, lambda s: "GROUPING SETS ((a.category)" in s)
    assert "using ix_appeals_received" in plan(db, rollup)
    done = one(sent, lambda s: "percentile_cont" in s)
    assert "using ix_appeals_received" in plan(db, done)
    receptions = one(sent, lambda s: "m.channel = 'reception'" in s)
    assert "using ix_source_messages_reception" in plan(db, receptions)
