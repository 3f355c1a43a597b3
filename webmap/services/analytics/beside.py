"""Two groups of the dashboard's figures at once, on two connections that see the same data.

A region's dashboard reads a third of a million cases in a few long queries, each on one core
(grouping sets and ordered-set aggregates do not run in parallel inside PostgreSQL). The
figures are independent, so half of them run on a second connection in a thread while this
session computes the rest. The second transaction imports this one's snapshot
(``pg_export_snapshot``, ``SET TRANSACTION SNAPSHOT``): every figure counts the same cases,
as if one transaction had read them all.

A transaction that has written sees its own writes, which another connection cannot: then,
and when ``WEBMAP_ANALYTICS_PARALLEL`` is off, both run here, one after the other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from flask import Flask, current_app
from sqlalchemy import text

from webmap.extensions import db
from webmap.services.analytics.base import tune

A = TypeVar("A")
B = TypeVar("B")

SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(?:-[0-9A-F]+)?")  # what pg_export_snapshot() returns


def side_by_side(here: Callable[[], A], there: Callable[[], B]) -> tuple[A, B]:
    """``here()`` in this session and ``there()`` on another connection at the same time."""
    if not current_app.config["WEBMAP_ANALYTICS_PARALLEL"] or _has_written():
        return here(), there()
    snapshot = db.session.scalar(text("SELECT pg_export_snapshot()"))
    assert snapshot and SNAPSHOT_ID.fullmatch(snapshot), snapshot
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="webmap-analytics") as pool:
        future = pool.submit(_in_snapshot, app, snapshot, there)
        first = here()
        return first, future.result()


def _has_written() -> bool:
    return bool(db.session.scalar(text("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")))


def _in_snapshot(app: Flask, snapshot: str, task: Callable[[], B]) -> B:
    """``task()`` in a read-only transaction of its own that sees ``snapshot``."""
    with app.app_context():
        try:
            db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            db.session.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
            db.session.execute(text("SET TRANSACTION READ ONLY"))
            tune()
            return task()
        finally:
            db.session.rollback()
            db.session.remove()
