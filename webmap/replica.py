"""Read replicas: the public map's reads go to a hot standby, everything else to the primary.

A region's load is mostly residents reading the public map. With ``WEBMAP_REPLICA_URL`` set
(a PostgreSQL hot standby of the primary, streaming replication), GET and HEAD requests to
the public read endpoints below read from it; every other request, and within such a request
every flush, DML statement and row lock, uses the primary. The routing is SQLAlchemy's
documented one (a Session whose ``get_bind`` picks the engine), with the replica as
Flask-SQLAlchemy's bind ``replica`` and ``RoutingSession`` as the session class
(``session_options={"class_": ...}``). If the replica cannot be reached the request is
served by the primary, and the replica is left alone for ``RETRY_S`` seconds.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, g, has_app_context, request
from flask_sqlalchemy.session import Session
from sqlalchemy import TextClause
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.selectable import GenerativeSelect, SelectBase

log = logging.getLogger(__name__)

BIND = "replica"
RETRY_S = 30.0
# Endpoints that only read, and whose readers accept data a moment old.
READ_ENDPOINTS = frozenset(
    {
        "public.index",
        "api.features",
        "api.feature",
        "api.base_districts",
        "api.base_streets",
        "api.base_houses",
        "api.base_landmarks",
        "dashboard.public_geojson",
    }
)
READ_PREFIXES = ("open311.",)  # Open311 GET requests, where that blueprint is installed
_down_until = 0.0


def settings(url: str) -> dict[str, Any]:
    """The Flask-SQLAlchemy bind for ``url``: checked connections, and a short connect timeout so a
    standby that went away costs seconds once, not a hung request."""
    return {BIND: {"url": url, "pool_pre_ping": True, "connect_args": {"connect_timeout": 3}}}


def is_read_request() -> bool:
    if request.method not in ("GET", "HEAD") or request.endpoint is None:
        return False
    if request.endpoint == "dashboard.export":
        return request.args.get("public") == "1"
    return request.endpoint in READ_ENDPOINTS or request.endpoint.startswith(READ_PREFIXES)


def _writes(clause: Any) -> bool:
    """Whether a statement may write or lock (so only the primary may run it)."""
    if isinstance(clause, UpdateBase):
        return True
    if isinstance(clause, GenerativeSelect):
        return clause._for_update_arg is not None
    if isinstance(clause, TextClause):
        words = clause.text.lstrip().split(None, 1)
        return not words or words[0].upper() not in ("SELECT", "WITH") or " FOR UPDATE" in clause.text.upper()
    return clause is not None and not isinstance(clause, SelectBase)


class RoutingSession(Session):
    """Reads of a public read request from the replica; writes, and everything after one, from the primary."""

    def get_bind(
        self,
        mapper: Any | None = None,
        clause: Any | None = None,
        bind: Engine | Connection | None = None,
        **kwargs: Any,
    ) -> Engine | Connection:
        if bind is None and has_app_context() and g.get("webmap_replica"):
            if self._flushing or _writes(clause):
                g.webmap_replica = False  # later reads see what this request wrote
            else:
                return self._db.engines[BIND]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _route() -> None:
    """Before a request: read from the replica if this request only reads and the replica answers."""
    global _down_until
    g.webmap_replica = False
    if not is_read_request() or time.monotonic() < _down_until:
        return
    from webmap.extensions import db

    try:
        # Opens the session's replica connection now (the pool's pre-ping checks it), so a
        # dead replica is found here, before the view, rather than in the middle of it.
        db.session.connection(bind_arguments={"bind": db.engines[BIND]})
    except DBAPIError as exc:
        db.session.rollback()
        _down_until = time.monotonic() + RETRY_S
        log.warning("replica unreachable, reading from the primary for %.0f s: %s", RETRY_S, exc.orig)
        return
    g.webmap_replica = True


def init_app(app: Flask) -> None:
    """Route public reads to ``WEBMAP_REPLICA_URL``'s standby when it is set (``create_app`` adds the bind)."""
    if BIND in (app.config.get("SQLALCHEMY_BINDS") or {}):
        app.before_request(_route)
