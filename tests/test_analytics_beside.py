"""The dashboard's two groups of figures on two connections: the same figures as one after the other,
from the same snapshot of the database (committed data: the second connection reads it)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import asdict
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from tests import factories
from tests.conftest import Queries
from webmap.extensions import db
from webmap.services import analytics as an
from webmap.services.analytics import beside
from webmap.services.analytics.beside import side_by_side

Counting = Callable[[], AbstractContextManager[Queries]]
CLOCK = factories.Clock(factories.now().replace(microsecond=0))


@pytest.fixture
def town(app: Flask, committed: None) -> Iterator[an.Filters]:
    """A committed year of cases of several statuses and channels, works and receptions."""
    with app.app_context():
        statuses = ("new", "in_work", "done", "rejected", "done")
        for i in range(25):
            case = factories.appeal(
                75.57 + (i % 6) * 0.01,
                61.735 + (i % 4) * 0.005,
                status=statuses[i % 5],
                category=("road", "streetlight", "manhole")[i % 3],
                messages=[factories.message(channel=("vk", "pos", "reception")[i % 3], days_ago=10 + i, clock=CLOCK)],
                days_ago=10 + i * 9,
                clock=CLOCK,
            )
            case.messages[0].received_by = ("Глава", "Заместитель")[i % 2]
            if i % 4 == 0:
                factories.work(75.57 + (i % 6) * 0.01, 61.735, appeals=[case], days_ago=5 + i, clock=CLOCK)
        db.session.commit()
        today = CLOCK.now().date()
        yield an.Filters(today - timedelta(days=364), today)
        db.session.remove()


def figures(dashboard: an.Dashboard) -> dict[str, Any]:
    return {k: v for k, v in asdict(dashboard).items() if k != "filters"}


def test_beside_gives_the_figures_one_after_the_other_gives(
    app: Flask, town: an.Filters, count_queries: Counting
) -> None:
    with app.test_request_context("/dashboard/"):
        with count_queries() as sent:
            beside = an.dashboard(town, CLOCK.now())
        app.config["WEBMAP_ANALYTICS_PARALLEL"] = False
        try:
            alone = an.dashboard(town, CLOCK.now())
        finally:
            app.config["WEBMAP_ANALYTICS_PARALLEL"] = True
        assert figures(beside) == figures(alone)
    assert any("pg_export_snapshot" in s for s in sent) and any("SET TRANSACTION SNAPSHOT" in s for s in sent)
    assert beside.summary["received"] == 25 and beside.receptions["questions"] == 8


def test_the_second_connection_sees_the_snapshot_of_the_first(
    app: Flask, town: an.Filters, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reception committed after the figures began is in neither group."""
    committed_one = threading.Event()
    tune = beside.tune

    def tune_later() -> None:  # the second connection's first statement, once the reception is in
        assert committed_one.wait(10)
        tune()

    monkeypatch.setattr(beside, "tune", tune_later)

    def count() -> int:
        return db.session.scalar(text("SELECT count(*) FROM source_messages WHERE channel = 'reception'"))

    def here() -> int:
        before = count()
        with db.engine.begin() as other:
            other.execute(
                text(
                    "INSERT INTO source_messages (channel, external_id, text, posted_at, raw) "
                    "VALUES ('reception', 'late', 'вопрос', now(), '{}')"
                )
            )
        committed_one.set()
        return before

    def there() -> int:
        return count()

    with app.test_request_context("/dashboard/"):
        first, second = side_by_side(here, there)
        db.session.rollback()
        assert first == second == 8
        assert count() == 9


def test_a_transaction_that_wrote_computes_both_here(app: Flask, town: an.Filters, count_queries: Counting) -> None:
    """Another connection would not see this transaction's own writes."""
    with app.test_request_context("/dashboard/"):
        factories.message(channel="reception", days_ago=1, clock=CLOCK)
        db.session.flush()
        with count_queries() as sent:
            totals = an.dashboard(town, CLOCK.now()).receptions
        db.session.rollback()
    assert not any("pg_export_snapshot" in s for s in sent)
    assert totals["questions"] == 9
