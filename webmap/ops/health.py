"""``GET /healthz``: is the database there, migrated to head, and is a worker alive?

For the load balancer and the town's monitoring; no login, and nothing in the answer but
the three facts (no names, no counts, no settings).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webmap.extensions import db
from webmap.ops import bp


def head_revisions() -> set[str]:
    """The newest revisions of the migrations shipped with this code."""
    migrate = current_app.extensions["migrate"]
    script = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))
    return set(script.get_heads())


def database_revisions() -> set[str]:
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


QUEUE_WORKERS = "procrastinate.procrastinate_workers"  # the job queue's own schema (migration 0008)


def worker_heartbeat() -> datetime | None:
    """The last heartbeat of any monitoring worker (procrastinate's workers table), if there is one."""
    with db.engine.connect() as connection:
        exists = connection.scalar(text(f"SELECT to_regclass('{QUEUE_WORKERS}') IS NOT NULL"))
        if not exists:
            return None
        value = connection.scalar(text(f"SELECT max(last_heartbeat) FROM {QUEUE_WORKERS}"))
        return value if isinstance(value, datetime) else None


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 when the database answers and is migrated to head, 503 otherwise."""
    answer: dict[str, Any] = {"db": "ok", "migrations": "head", "worker": None}
    try:
        current = database_revisions()
    except SQLAlchemyError:
        return jsonify({"db": "unavailable", "migrations": "unknown", "worker": None}), 503
    if current != head_revisions():
        answer["migrations"] = "behind" if current else "none"
    try:
        beat = worker_heartbeat()
    except SQLAlchemyError:
        beat = None
    answer["worker"] = beat.isoformat() if beat else None
    status = 200 if answer["migrations"] == "head" else 503
    response = jsonify(answer)
    response.headers["Cache-Control"] = "no-store"
    return response, status
