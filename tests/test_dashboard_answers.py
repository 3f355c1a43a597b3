"""The dashboard's answer figures: time to first answer, the share within the norm (working hours
for social networks, 30 days for the rest) and the open cases overdue for an answer, by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient

from tests import factories
from webmap.extensions import db
from webmap.models import Answer
from webmap.services.analytics.answers import answer_figures, norms, overdue_answers
from webmap.services.analytics.base import Filters

TZ = ZoneInfo("Asia/Yekaterinburg")
NOW = datetime(2026, 11, 4, 10, 0, tzinfo=TZ)  # a Wednesday
MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=TZ)
PERIOD = Filters(date(2026, 9, 1), date(2026, 11, 30))


def _case(channel: str, created: datetime, answered: datetime | None = None, state: str = "sent", status: str = "new"):
    case = factories.appeal(status=status, messages=[factories.message(channel=channel)])
    case.created_at = created
    db.session.flush()
    if answered is not None:
        db.session.add(
            Answer(
                appeal_id=case.id,
                text="Ответ",
                channel=channel,
                state=state,
                created_at=answered - timedelta(minutes=1) if state == "sent" else answered,
                sent_at=answered if state == "sent" else None,
            )
        )
    db.session.flush()
    return case


@pytest.fixture
def answered_town(app_ctx: None) -> dict[str, int]:
    friday = datetime(2026, 10, 30, 16, 0, tzinfo=TZ)
    ids = {
        # 5 h, within 8 working hours
        "vk_quick": _case("vk", MONDAY, MONDAY + timedelta(hours=5)).id,
        # Friday 16:00 -> Monday 14:00: 70 calendar hours but 2 + 5 = 7 working hours: within the norm
        "vk_weekend": _case("vk", friday, datetime(2026, 11, 2, 14, 0, tzinfo=TZ)).id,
        # Monday 10:00 -> Tuesday 12:00: 8 + 3 = 11 working hours: late
        "tg_late": _case("telegram", MONDAY, datetime(2026, 11, 3, 12, 0, tzinfo=TZ)).id,
        # no answer that reached the resident (only one waiting to be copied) for 18 working hours: overdue
        "vk_overdue": _case("vk", MONDAY, MONDAY + timedelta(hours=1), state="to_send").id,
        # received half an hour ago: not late yet
        "vk_fresh": _case("vk", NOW - timedelta(minutes=30)).id,
        # ПОС answered officially after 10 days: within 30 days
        "pos": _case("pos", datetime(2026, 10, 1, 12, tzinfo=TZ), datetime(2026, 10, 11, 12, tzinfo=TZ), "official").id,
        # a phone call 40 days ago, accepted, unanswered: overdue
        "phone": _case("phone", NOW - timedelta(days=40), status="accepted").id,
        # unanswered and done: past the norm (late) but not in the overdue list of open cases
        "phone_done": _case("phone", NOW - timedelta(days=35), status="done").id,
    }
    return ids


def test_answer_figures_per_channel(answered_town: dict[str, int]) -> None:
    table = answer_figures(PERIOD, NOW.astimezone(UTC), norms(""))
    rows = {r["channel"]: r for r in table.rows}
    vk = rows["vk"]
    assert (vk["received"], vk["answered"], vk["in_norm"], vk["late"], vk["overdue"]) == (4, 2, 2, 1, 1)
    assert (vk["median_hours"], vk["p90_hours"]) == (37.5, 63.5)  # of 5 h and 70 h
    assert vk["share_in_norm"] == 66.7  # 2 of the 3 whose outcome is known
    tg = rows["telegram"]
    assert (tg["answered"], tg["in_norm"], tg["late"], tg["median_hours"], tg["share_in_norm"]) == (1, 0, 1, 26.0, 0.0)
    pos = rows["pos"]
    assert (pos["in_norm"], pos["late"], pos["median_hours"], pos["share_in_norm"]) == (1, 0, 240.0, 100.0)
    phone = rows["phone"]
    assert (phone["received"], phone["answered"], phone["late"], phone["overdue"]) == (2, 0, 2, 1)
    assert phone["share_in_norm"] == 0.0 and phone["median_hours"] is None
    assert (vk["norm_amount"], vk["norm_working"], pos["norm_amount"], pos["norm_working"]) == (8, True, 30, False)


def test_overdue_answers_are_the_open_unanswered_cases_past_their_norm(answered_town: dict[str, int]) -> None:
    table = overdue_answers(PERIOD, NOW.astimezone(UTC), norms(""))
    assert [r["id"] for r in table.rows] == [answered_town["phone"], answered_town["vk_overdue"]]
    assert table.rows[1]["waiting_hours"] == 48.0


def test_norms_come_from_the_config(answered_town: dict[str, int]) -> None:
    given = norms('{"vk": {"working_hours": 20}, "*": {"days": 50}}')
    rows = {r["channel"]: r for r in answer_figures(PERIOD, NOW.astimezone(UTC), given).rows}
    assert (rows["vk"]["in_norm"], rows["vk"]["late"], rows["vk"]["overdue"]) == (2, 0, 0)  # 18 h < 20 h
    assert rows["phone"]["overdue"] == 0 and rows["telegram"]["late"] == 1  # telegram keeps its 8 hours
    assert overdue_answers(PERIOD, NOW.astimezone(UTC), given).rows == []


@pytest.mark.parametrize(
    "raw",
    ["[1]", '{"vk": 8}', '{"vk": {"hours": 8}}', '{"vk": {"days": -1}}', '{"vk": {"days": "x"}}', "{"],
)
def test_malformed_norms_are_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        norms(raw)


def test_the_dashboard_shows_the_answer_table(answered_town: dict[str, int], auth, client: FlaskClient) -> None:
    db.session.commit()
    auth.login("operator")
    html = client.get("/dashboard/", query_string={"from": "2026-09-01", "to": "2026-11-30"}).get_data(as_text=True)
    assert 'id="table-answers"' in html and 'id="table-answers_overdue"' in html
    assert "ВКонтакте" in html and "8 раб. ч" in html and "30 дн." in html
    assert f'/operator/cases/{answered_town["phone"]}"' in html
