"""Ingest: every channel into cases, once, keeping the raw form, losing nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from tests import factories
from tests.conftest import DEMO_TOWN
from webmap.extensions import db
from webmap.ingest.pipeline import Importer
from webmap.ingest.readers import RawMessage, Rejected
from webmap.models import Appeal, SourceMessage, StatusChange
from webmap.services.triage import triage_message

MESSAGES = DEMO_TOWN / "messages"
FILES = [
    ("vk", MESSAGES / "vk_wall.json"),
    ("telegram", MESSAGES / "telegram" / "result.json"),
    ("pos", MESSAGES / "pos_export.csv"),
    ("reception", MESSAGES / "receptions.csv"),
]


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Sixty days before the run, on the hour: old enough to be a past post, young enough to stay on the maps.
POSTED = factories.REAL.ago(days=60).replace(minute=0, second=0, microsecond=0)


def _raw(text: str, external_id: str, *, channel: str = "vk", days: float = 0) -> RawMessage:
    posted = POSTED + timedelta(days=days)
    return RawMessage(
        channel=channel,
        external_id=external_id,
        text=text,
        posted_at=posted,
        raw={"id": external_id, "text": text},
        author="Иван Петров",
    )


def _run(*items: RawMessage | Rejected):
    return Importer(triage_message).run(list(items))


def test_demo_exports_import_once(app_ctx: None, runner: FlaskCliRunner) -> None:
    for kind, path in FILES:
        result = runner.invoke(args=["import", kind, str(path)])
        assert result.exit_code == 0, result.output
        assert "rejected 0" in result.output
    assert _count(SourceMessage) == 220
    appeals = _count(Appeal)
    assert 150 < appeals <= 220  # some messages joined an existing case
    assert db.session.scalar(select(func.count()).where(SourceMessage.appeal_id.is_(None))) == 0
    for kind, path in FILES:
        result = runner.invoke(args=["import", kind, str(path)])
        assert "new 0, joined an existing case 0" in result.output
    assert (_count(SourceMessage), _count(Appeal)) == (220, appeals)


def test_raw_payload_and_triage_are_kept(app_ctx: None, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["import", "pos", str(MESSAGES / "pos_export.csv")])
    msg = db.session.scalar(select(SourceMessage).where(SourceMessage.external_id == "ПОС-1127"))
    assert msg.raw["Заявитель"] == "Заявитель 127" and msg.url is None
    assert msg.triage["precision"] == "house" and msg.triage["category"] == "speed_bump"
    case = msg.appeal
    assert case.category_code == "speed_bump" and case.point is not None and case.district is not None
    assert case.deadline is not None and case.deadline > msg.posted_at + timedelta(days=29)
    assert case.created_at == msg.posted_at  # received when the resident wrote, not when imported
    assert db.session.scalar(select(StatusChange.new_value).where(StatusChange.appeal_id == case.id)) == "new"


def test_overlapping_exports_do_not_double(app_ctx: None, tmp_path: Path, runner: FlaskCliRunner) -> None:
    data = json.loads((MESSAGES / "vk_wall.json").read_text(encoding="utf-8"))
    items = data["response"]["items"]
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps({"response": {"items": items[:50]}}, ensure_ascii=False), encoding="utf-8")
    second.write_text(json.dumps({"response": {"items": items[30:]}}, ensure_ascii=False), encoding="utf-8")
    runner.invoke(args=["import", "vk", str(first)])
    appeals = _count(Appeal)
    result = runner.invoke(args=["import", "vk", str(second)])
    assert "already imported 20" in result.output
    assert _count(SourceMessage) == len(items)
    assert _count(Appeal) <= appeals + len(items) - 50


def test_same_problem_nearby_joins_one_case(app_ctx: None) -> None:
    report = _run(
        _raw("Открыт люк у дома Мира 5", "a"),
        _raw("На Мира 5 нет крышки люка!", "b", days=3),
        _raw("Мира 5 сугробы не убирают", "c", days=4),
    )
    assert (report.new, report.joined) == (2, 1)
    manhole = db.session.scalar(select(SourceMessage).where(SourceMessage.external_id == "a")).appeal
    assert sorted(m.external_id for m in manhole.messages) == ["a", "b"]


def test_far_late_or_closed_cases_are_not_joined(app_ctx: None) -> None:
    _run(_raw("Открыт люк у дома Мира 5", "a"))
    far = _run(_raw("Открыт люк у дома Ленина 40", "b", days=1))
    late = _run(_raw("Открыт люк у дома Мира 5", "c", days=45))
    assert far.new == 1 and late.new == 1
    case = db.session.scalar(select(SourceMessage).where(SourceMessage.external_id == "c")).appeal
    case.status, case.closed_at = "done", datetime.now(UTC)
    db.session.flush()
    again = _run(_raw("Открыт люк у дома Мира 5", "d", days=46))
    assert again.new == 1


def test_unplaced_message_waits_for_the_operator(app_ctx: None) -> None:
    report = _run(_raw("Нет отопления уже неделю, сколько можно", "x"))
    assert report.unplaced == 1
    case = db.session.scalar(select(SourceMessage).where(SourceMessage.external_id == "x")).appeal
    assert case.point is None and case.precision == "none" and case.category_code == "heating"


def test_hostile_text_is_stored_as_text(app_ctx: None) -> None:
    text = "<script>alert(1)</script> Мира 5 яма'); DROP TABLE appeals; --"
    _run(_raw(text, "h"))
    assert db.session.scalar(select(SourceMessage.text).where(SourceMessage.external_id == "h")) == text
    assert _count(Appeal) >= 1


def test_rejected_records_are_reported_and_not_stored(app_ctx: None) -> None:
    report = _run(
        _raw("Мира 5 яма", "ok1"), Rejected(position="response.items[1]", reason="date in the future", raw_excerpt="{}")
    )
    assert report.new == 1 and [r.reason for r in report.rejected] == ["date in the future"]
    assert _count(SourceMessage) == 1


@pytest.mark.parametrize(
    ("kind", "name", "content", "says"),
    [
        (
            "vk",
            "truncated.json",
            '{"response": {"items": [{"id": 1, "owner_id": -1, "date": 1664626500, "text": "Мира 5 яма"}, {"id": 2, ',
            "truncated",
        ),
        ("vk", "empty.json", "", "empty"),
        ("pos", "columns.csv", "Номер;Дата\nПОС-1;01.10.2022 10:00\n", "missing"),
        ("pos", "empty.csv", "", "empty"),
    ],
)
def test_broken_files_are_refused_clearly(
    app_ctx: None, runner: FlaskCliRunner, tmp_path: Path, kind: str, name: str, content: str, says: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["import", kind, str(path)])
    assert result.exit_code != 0
    assert says in result.output.lower()
    assert "Traceback" not in result.output
    assert _count(SourceMessage) <= 1  # at most the record before the truncation


def test_bad_records_are_rejected_with_reasons(app_ctx: None, runner: FlaskCliRunner, tmp_path: Path) -> None:
    future = int((datetime.now(UTC) + timedelta(days=30)).timestamp())
    items = [
        {"id": 1, "owner_id": -5, "from_id": 7, "date": 1664626500, "text": "Мира 5 яма <b>срочно</b>"},
        {"id": 2, "owner_id": -5, "from_id": 7, "date": future, "text": "Мира 6 яма"},
        {"id": 3, "owner_id": -5, "from_id": 7, "date": "вчера", "text": "Мира 7 яма"},
        {"id": 4, "owner_id": -5, "from_id": 7, "date": 1664626500, "text": "x" * 10_000_000},
        {"id": 5, "owner_id": -5, "from_id": 7, "date": 1664626500, "text": "'; DELETE FROM appeals; --"},
    ]
    path = tmp_path / "wall.json"
    path.write_text(json.dumps({"response": {"items": items}}), encoding="utf-8")
    result = runner.invoke(args=["import", "vk", str(path)])
    assert result.exit_code == 0, result.output
    assert "rejected 3" in result.output
    assert result.output.count("rejected response.items[") == 3
    stored = set(db.session.scalars(select(SourceMessage.external_id)))
    assert stored == {"-5_1", "-5_5"}


def test_wrongly_encoded_pos_export_is_read(app_ctx: None, runner: FlaskCliRunner, tmp_path: Path) -> None:
    text = (MESSAGES / "pos_export.csv").read_bytes().decode("cp1251")
    path = tmp_path / "pos-utf8-bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace(";", ",", 0).encode("utf-8"))
    result = runner.invoke(args=["import", "pos", str(path)])
    assert result.exit_code == 0 and "new " in result.output
    assert _count(SourceMessage) == 60


def test_no_remote_geocoder_by_default(app_ctx: None) -> None:
    from webmap.services.triage import current_index, remote_house_locator

    assert remote_house_locator() is None and current_index().house_locator is None


def test_remote_geocoder_is_built_from_config(app, app_ctx: None, monkeypatch) -> None:
    from webmap.services.triage import remote_house_locator

    monkeypatch.setitem(app.config, "WEBMAP_NOMINATIM_USER_AGENT", "webmap-test")
    locator = remote_house_locator()
    assert callable(locator)


def test_an_older_post_moves_the_case_start(app_ctx: None) -> None:
    _run(_raw("Открыт люк у дома Мира 5", "late", days=10))
    _run(_raw("На Мира 5 нет крышки люка", "early", days=2))
    case = db.session.scalar(select(SourceMessage).where(SourceMessage.external_id == "late")).appeal
    db.session.refresh(case)
    assert len(case.messages) == 2
    assert case.created_at == POSTED + timedelta(days=2)


def test_who_received_a_visitor_is_stored_at_import(app_ctx: None, tmp_path: Path, runner: FlaskCliRunner) -> None:
    """The log's "received by" column, under any header, lands in its own column (analytics reads it)."""
    log = tmp_path / "receptions.csv"
    log.write_text(
        "Дата;Посетитель;Вопрос;Кто принял:\n"
        "2026-10-01;Анна Смирнова;Не горит фонарь на Мира 5;  Заместитель главы \n"
        "2026-10-02;Пётр Сидоров;Яма у школы №2;\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", "reception", str(log)])
    assert result.exit_code == 0, result.output
    stored = dict(
        db.session.execute(
            select(SourceMessage.author, SourceMessage.received_by).where(SourceMessage.channel == "reception")
        ).all()
    )
    assert stored == {"Анна Смирнова": "Заместитель главы", "Пётр Сидоров": None}
