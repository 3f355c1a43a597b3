"""The category model in the app: operators teach it, `webmap triage train` learns, the queue flags doubt."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from tests import factories
from tests.conftest import AuthActions
from webmap.extensions import db
from webmap.models import Appeal, CategoryExample
from webmap.services.training import current_model, forget_model
from webmap.services.triage import triage_message

LABELS = Path(__file__).resolve().parent.parent / "data" / "demo-town" / "messages" / "labels.jsonl"

# A kind of message the shipped corpus does not know: hogweed, which the town treats as yard upkeep.
HOGWEED = [
    "борщевик разросся вдоль тропинки к школе, дети обжигаются",
    "Опять борщевик выше человека у гаражей, скосите пожалуйста",
    "борщевик у подъезда никто не косит",
    "На пустыре за домом заросли борщевика, опасно!",
    "борщевик вдоль дороги на дачи уже метра два",
    "скосите борщевик во дворе, внук обжег руку",
]
NEW_HOGWEED = "возле садика опять вырос борщевик"


@pytest.fixture
def own_model(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A model file of this test's own, so what it trains does not reach other tests."""
    path = tmp_path / "model.joblib"
    with app.app_context():
        forget_model()
    monkeypatch.setitem(app.config, "WEBMAP_CATEGORY_MODEL", str(path))
    yield path
    with app.app_context():
        forget_model()


def _set_category(client: FlaskClient, auth: AuthActions, appeal: Appeal, code: str) -> None:
    """Choose a category on the case page's form, as an operator does."""
    page = client.get(f"/operator/cases/{appeal.id}")
    assert page.status_code == 200
    response = client.post(
        f"/operator/cases/{appeal.id}/category",
        data={"category": code, "version": appeal.version, "csrf_token": auth.csrf_token()},
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def test_operators_teach_the_model(
    app_ctx: None, client: FlaskClient, auth: AuthActions, runner: FlaskCliRunner, own_model: Path
) -> None:
    before, _ = current_model().predict(NEW_HOGWEED)
    assert before != "yard"  # the shipped model does not know the word: the test would prove nothing
    operator = auth.login(role="operator")
    cases = [factories.appeal(category="other", messages=[factories.message(text)]) for text in HOGWEED]
    db.session.commit()
    for case in cases:
        _set_category(client, auth, case, "yard")
    examples = db.session.scalars(select(CategoryExample).order_by(CategoryExample.id)).all()
    assert [(e.text, e.category_code, e.previous_code, e.user_id) for e in examples] == [
        (text, "yard", "other", operator.id) for text in HOGWEED
    ]
    assert all(db.session.get(Appeal, c.id).category_confidence == 1.0 for c in cases)

    result = runner.invoke(args=["triage", "train"])
    assert result.exit_code == 0, result.output
    assert f"and {len(HOGWEED)} operator examples" in result.output and own_model.exists()
    assert triage_message(NEW_HOGWEED).category == "yard"
    assert triage_message("на Мира 5 яма огромная").category == "road"  # what it knew, it still knows


def test_latest_choice_per_case_wins(app_ctx: None, client: FlaskClient, auth: AuthActions) -> None:
    from webmap.services.training import operator_examples

    auth.login(role="operator")
    case = factories.appeal(category="other", messages=[factories.message("борщевик у гаражей")])
    db.session.commit()
    _set_category(client, auth, case, "garbage")
    db.session.refresh(case)
    _set_category(client, auth, case, "yard")
    assert [(e.text, e.category) for e in operator_examples()] == [("борщевик у гаражей", "yard")]


def test_first_use_trains_and_writes_the_model(app_ctx: None, own_model: Path) -> None:
    assert not own_model.exists()
    model = current_model()
    assert own_model.exists() and model.info["examples"] >= 100
    forget_model()
    assert current_model().info["corpus"] == model.info["corpus"]  # read back, not retrained


def test_a_broken_model_file_is_replaced(app_ctx: None, own_model: Path) -> None:
    own_model.write_bytes(b"not a model")
    assert current_model().predict("фонари не горят")[0] == "streetlight"
    assert own_model.stat().st_size > 1000


def test_queue_asks_to_check_unsure_categories(app_ctx: None, client: FlaskClient, auth: AuthActions) -> None:
    auth.login(role="operator")
    unsure = factories.appeal(category="road", messages=[factories.message("непонятно что")])
    sure = factories.appeal(category="road", messages=[factories.message("яма на Мира 5")])
    older = factories.appeal(category="road", messages=[factories.message("яма у школы")])
    unsure.category_confidence, sure.category_confidence = 0.31, 0.97
    db.session.commit()
    page = client.get("/operator/").get_data(as_text=True)
    rows = {case.id: _row(page, case.id) for case in (unsure, sure, older)}
    assert "проверьте рубрику" in rows[unsure.id] and "31%" in rows[unsure.id]
    assert "проверьте рубрику" not in rows[sure.id] and "проверьте рубрику" not in rows[older.id]
    _set_category(client, auth, unsure, "road")  # the operator confirms: no more doubt
    assert "проверьте рубрику" not in _row(client.get("/operator/").get_data(as_text=True), unsure.id)


def _row(page: str, appeal_id: int) -> str:
    start = page.index(f">{appeal_id}</a>")
    return page[start : page.index("</tr>", start)]


def test_import_keeps_the_category_confidence(app_ctx: None, runner: FlaskCliRunner, tmp_path: Path) -> None:
    export = tmp_path / "pos.csv"
    export.write_text(
        "Номер;Дата поступления;Категория;Текст сообщения;Статус;Заявитель\n"
        "T-1;03.10.2022 10:00;Благоустройство;на Мира 5 фонари не горят;Зарегистрировано;Заявитель\n"
        "T-2;03.10.2022 11:00;Отсутствие отопления;Мира 7 прошу разобраться, сколько можно;Зарегистрировано;Заявитель\n",
        encoding="cp1251",
    )
    result = runner.invoke(args=["import", "pos", str(export)])
    assert result.exit_code == 0, result.output
    cases = {
        m.external_id: m.appeal
        for m in db.session.scalars(select(factories.SourceMessage).where(factories.SourceMessage.channel == "pos"))
    }
    broad, themed = cases["T-1"], cases["T-2"]
    assert broad.category_code == "streetlight" and 0 < broad.category_confidence <= 1  # a broad rubric: text decides
    assert themed.category_code == "heating" and themed.category_confidence == 1.0  # the resident's own theme


def test_triage_command_keeps_its_options(runner: FlaskCliRunner, tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"id": 1, "text": "на Мира 5 фонари не горят"}\nnot json\n', encoding="utf-8")
    result = runner.invoke(args=["triage", "--input", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "line 2: not valid JSON" in result.output and "triaged 1, bad lines 1" in result.output
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["id"] == 1 and line["category"] == "streetlight" and 0 < line["category_confidence"] <= 1
    again = tmp_path / "again.jsonl"
    assert runner.invoke(args=["triage", "run", "--input", str(src), "--output", str(again)]).exit_code == 0
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_evaluate_scores_a_labelled_file(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["triage", "evaluate", str(LABELS)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["n"] == 220 and figures["missing"] == 0
    assert figures["category_accuracy"] >= 0.98 and figures["place_accuracy"] >= 0.97


def test_evaluate_refuses_bad_label_files(runner: FlaskCliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "яма", "expect": {"kind": "none"}, "category": "road"}\n{"id": 2}\n', "utf-8")
    result = runner.invoke(args=["triage", "evaluate", str(bad)])
    assert result.exit_code != 0 and "bad.jsonl line 2: needs id, text, expect.kind and category" in result.output
    unknown = tmp_path / "unknown.jsonl"
    unknown.write_text(
        '{"id": 1, "text": "яма на Вымышленной 3", "expect": {"kind": "street", "street": "Вымышленная"}, "category": "road"}\n',
        "utf-8",
    )
    result = runner.invoke(args=["triage", "evaluate", str(unknown)])
    assert result.exit_code != 0 and "does not hold" in result.output
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", "utf-8")
    assert "no labelled messages" in runner.invoke(args=["triage", "evaluate", str(empty)]).output
