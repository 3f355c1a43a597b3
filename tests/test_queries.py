"""N+1 checks: the pages and APIs that list rows run as many SQL statements for 50 rows as for 5."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session, scoped_session

from tests import factories
from tests.conftest import AuthActions
from webmap.models import Appeal

TOWN = "75.54,61.72,75.66,61.765"
DISTRICTS = [(75.595, 61.742), (75.6006986, 61.7396618), (75.605, 61.741), (75.592, 61.738), (75.63, 61.728)]


def statements(count_queries: Callable[..., Any], client: FlaskClient, url: str) -> list[str]:
    """The statements of one GET of ``url`` (asked once before, so that first-use caches are warm)."""
    assert client.get(url).status_code == 200, url
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return list(queries)


def cases(
    db: scoped_session[Session], n: int, clock: factories.Clock, *, status: str = "in_work", works: bool = True
) -> list[Appeal]:
    """``n`` cases spread over the town, each with two messages (one public post) and a done work; committed."""
    made = []
    for i in range(n):
        lon, lat = DISTRICTS[i % len(DISTRICTS)]
        case = factories.appeal(
            lon + i * 0.0001,
            lat,
            status=status,
            category=("road", "streetlight", "manhole")[i % 3],
            clock=clock,
            messages=[
                factories.message(f"Яма {i}", url=f"https://vk.com/wall-21835_{i}", clock=clock),
                factories.message(f"ПОС {i}", channel="pos", clock=clock),
            ],
        )
        if works:
            factories.work(lon + i * 0.0001, lat, appeals=[case], clock=clock, type_code=("road", "manhole")[i % 2])
        made.append(case)
    db.commit()
    return made


def assert_flat(small: list[str], large: list[str]) -> None:
    assert len(large) == len(small), "\n".join(large)


def test_the_queue_does_not_query_per_case(
    db: scoped_session[Session], auth: AuthActions, client: FlaskClient, count_queries: Any, clock: Any
) -> None:
    auth.login("operator")
    cases(db, 5, clock, status="new")
    small = statements(count_queries, client, "/operator/")
    made = [c.id for c in cases(db, 45, clock, status="new")]
    large = statements(count_queries, client, "/operator/")
    assert_flat(small, large)
    html = client.get("/operator/").get_data(as_text=True)
    assert all(f'/operator/cases/{i}"' in html for i in made)  # they are on the page


def test_the_case_page_does_not_query_per_message_or_work(
    db: scoped_session[Session], auth: AuthActions, client: FlaskClient, count_queries: Any, clock: Any
) -> None:
    auth.login("operator")

    def case_with(n: int) -> Appeal:
        messages = [factories.message(f"Сообщение {i}", clock=clock) for i in range(n)]
        case = factories.appeal(messages=messages, status="in_work", clock=clock)
        for i in range(n):
            factories.work(appeals=[case], type_code=("road", "manhole", "streetlight")[i % 3], clock=clock)
        db.commit()
        return case

    small = statements(count_queries, client, f"/operator/cases/{case_with(5).id}")
    large_case = case_with(50)
    large = statements(count_queries, client, f"/operator/cases/{large_case.id}")
    assert_flat(small, large)
    assert "Сообщение 49" in client.get(f"/operator/cases/{large_case.id}").get_data(as_text=True)


def test_api_features_does_not_query_per_feature(
    db: scoped_session[Session], client: FlaskClient, count_queries: Any, clock: Any
) -> None:
    url = f"/api/features?bbox={TOWN}&zoom=18&layers=works,cases&work_status=done&case_status=in_work"
    cases(db, 5, clock)
    small = statements(count_queries, client, url)
    cases(db, 45, clock)
    large = statements(count_queries, client, url)
    assert_flat(small, large)
    assert client.get(url).get_json()["total"] >= 100  # 50 cases and their 50 works, one by one


def test_the_dashboard_does_not_query_per_case(
    db: scoped_session[Session], auth: AuthActions, client: FlaskClient, count_queries: Any, clock: Any
) -> None:
    auth.login("analyst")
    period = f"from={clock.ago(days=30).date().isoformat()}&to={clock.now().date().isoformat()}"
    cases(db, 5, clock)
    pages = [f"/dashboard/?{period}", f"/dashboard/cases?group=received&{period}", f"/dashboard/data/map.json?{period}"]
    small = [statements(count_queries, client, url) for url in pages]
    made = [c.id for c in cases(db, 45, clock)]
    large = [statements(count_queries, client, url) for url in pages]
    for url, before, after in zip(pages, small, large, strict=True):
        assert len(after) == len(before), url
    html = client.get(f"/dashboard/cases?group=received&{period}").get_data(as_text=True)
    assert all(f">{i}<" in html for i in made)  # they are in the table


def test_a_work_popup_does_not_query_per_case(
    db: scoped_session[Session], client: FlaskClient, count_queries: Any, clock: Any
) -> None:
    def work_of(n: int) -> int:
        work = factories.work(appeals=cases(db, n, clock, works=False), clock=clock)
        db.commit()
        return work.id

    small = statements(count_queries, client, f"/api/features/work/{work_of(5)}")
    large_id = work_of(50)
    large = statements(count_queries, client, f"/api/features/work/{large_id}")
    assert_flat(small, large)
    assert "https://vk.com/wall-21835_49" in client.get(f"/api/features/work/{large_id}").get_data(as_text=True)
