"""The job queue: procrastinate on the app's own PostgreSQL (tables in the ``procrastinate`` schema).

Several workers on several machines share the work through the database: a
periodic ``tick`` (every minute) defers one ``run_source`` job per due source,
with a queueing lock so a source never waits in the queue twice; the run itself
holds an advisory lock (webmap/monitor/runner.py). ``run_once`` defers every due
source into a queue of its own and works until that queue is empty.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import procrastinate
from flask import Flask, current_app
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.engine import make_url

from webmap.extensions import db
from webmap.monitor.runner import RunReport, due_sources, run_source

JOBS_SCHEMA = "procrastinate"
QUEUE = "monitor"
RUN_SOURCE = "webmap:run_source"
log = logging.getLogger(__name__)

_flask: dict[str, Flask] = {}


def conninfo(flask_app: Flask) -> str:
    """The app's database URL as libpq (psycopg 3) takes it."""
    url = make_url(flask_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def job_app(flask_app: Flask) -> procrastinate.App:
    """A procrastinate App on the Flask app's database; tasks run inside that Flask app."""
    _flask["app"] = flask_app
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(flask_app),
        kwargs={"options": f"-c search_path={JOBS_SCHEMA}"},
        min_size=1,
        max_size=int(flask_app.config.get("WEBMAP_MONITOR_CONCURRENCY", 4)) + 2,
    )
    app = procrastinate.App(connector=connector)
    # Registered on each App (a procrastinate Blueprint binds to one App only; tests and the CLI make several).
    app.task(name=RUN_SOURCE, queue=QUEUE, retry=procrastinate.RetryStrategy(max_attempts=3, wait=30))(run_source_job)
    ticking = app.task(name="webmap:tick", queue=QUEUE, queueing_lock="tick", pass_context=True)(tick)
    app.periodic(cron="* * * * *", periodic_id="due-sources")(ticking)
    return app


def _summary(report: RunReport) -> dict[str, Any]:
    return {
        "source": report.source_id,
        "outcome": report.outcome,
        "stored": report.stored,
        "already": report.already,
        "revised": report.revised,
        "rejected": report.rejected,
        "error": report.error,
    }


def run_source_job(source_id: int, poll: bool = False) -> dict[str, Any]:
    """Run one source; a failure of its channel is written on the source, not raised."""
    with _flask["app"].app_context():
        try:
            report = run_source(source_id, poll=poll)
        finally:
            db.session.remove()
    log.info("source %s: %s", source_id, _summary(report))
    return _summary(report)


def _due() -> list[int]:
    with _flask["app"].app_context():
        try:
            return due_sources()
        finally:
            db.session.remove()


def _deferrer(app: procrastinate.App, source_id: int, queue: str = QUEUE) -> Any:
    return app.configure_task(RUN_SOURCE, queue=queue, queueing_lock=f"source-{source_id}")


async def defer_due(app: procrastinate.App, queue: str = QUEUE, poll: bool = True) -> list[int]:
    """Defer a run of each due source not already waiting; returns the ids deferred."""
    deferred = []
    for source_id in await asyncio.to_thread(_due):
        deferrer = _deferrer(app, source_id, queue)
        try:
            await deferrer.defer_async(source_id=source_id, poll=poll)
        except AlreadyEnqueued:
            continue
        deferred.append(source_id)
    return deferred


async def tick(context: procrastinate.JobContext, timestamp: int) -> list[int]:
    """Every minute: queue the sources whose next run is due."""
    return await defer_due(context.app)


def run_worker(flask_app: Flask, *, concurrency: int = 4) -> None:
    """The long-running worker: until SIGINT/SIGTERM."""
    app = job_app(flask_app)
    asyncio.run(_deferring_first(app, concurrency))


async def _deferring_first(app: procrastinate.App, concurrency: int) -> None:
    async with app.open_async():
        await defer_due(app)  # do not wait for the first minute
        await app.run_worker_async(queues=[QUEUE], concurrency=concurrency, delete_jobs="successful")


def run_once(flask_app: Flask) -> list[int]:
    """Run every due source once through the queue and return when they are done (cron, tests)."""
    app = job_app(flask_app)
    queue = f"once-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    async def once() -> list[int]:
        async with app.open_async():
            ids = await defer_due(app, queue=queue, poll=False)
            if ids:
                await app.run_worker_async(
                    queues=[queue], wait=False, listen_notify=False, delete_jobs="always", install_signal_handlers=False
                )
            return ids

    return _run(once())


def _run(coroutine: Coroutine[Any, Any, list[int]]) -> list[int]:
    """``asyncio.run``, in a thread of its own when this thread already runs an event loop
    (an embedding program's, a test browser's): a loop cannot be nested."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def defer_now(source_id: int) -> bool:
    """Queue a run of one source at once (the admin's "run now"); False when the queue cannot be reached."""
    app = job_app(current_app._get_current_object())  # type: ignore[attr-defined]
    try:
        with app.open():
            _deferrer(app, source_id).defer(source_id=source_id, poll=False)
    except AlreadyEnqueued:
        return True
    except Exception as exc:  # the periodic tick still picks the source up within a minute
        log.warning("could not queue source %s now: %s", source_id, type(exc).__name__)
        return False
    return True
