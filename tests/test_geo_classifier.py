"""The category classifier (geo.classifier) and the ПОС rubric table (geo.rubrics), without the app."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from geo.category import CATEGORIES
from geo.classifier import (
    CORPUS_DIR,
    CorpusError,
    ModelFileError,
    categorize,
    char_terms,
    load_model,
    read_corpus,
    read_model,
    shipped_model,
    train,
)
from geo.rubrics import RUBRICS_FILE, read_rubrics, rubric_category, with_rubric


def test_the_shipped_corpus_covers_every_category_and_register() -> None:
    examples = read_corpus([CORPUS_DIR])
    assert len(examples) >= 1500
    by_category = Counter(e.category for e in examples)
    assert set(by_category) == set(CATEGORIES) and min(by_category.values()) >= 40, by_category
    assert {"pos", "vk", "chat", "reception"} <= {e.source for e in examples}


def test_fast_prediction_equals_scikit_learns() -> None:
    model = shipped_model()
    first = read_corpus([CORPUS_DIR])[0]
    probs = model.probabilities(first.text)
    assert [probs[c] for c in model.classes] == pytest.approx(model.info["sklearn_check"], abs=1e-9)
    assert sum(probs.values()) == pytest.approx(1.0)


def test_character_ngrams_are_scikit_learns_char_wb() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    words = ["фонари", "не", "горят", "у", "д"]
    assert sorted(char_terms(words)) == sorted(analyzer(" ".join(words)))


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("фанари не горят третью неделю", "streetlight"),
        ("калодец открыт у подъезда", "manhole"),
        ("лежачку бы у школы, гоняют", "speed_bump"),
        ("дома +15 батареи чуть теплые", "heating"),
        ("из крана бежит ржавчина", "water"),
        ("спасибо за оперативный ремонт!", "other"),
        ("подскажите как записаться к терапевту", "other"),
        ("Прошу рассмотреть вопрос предоставления субсидии на оплату ЖКУ", "other"),
        ("маршрутка номер 3 опять не пришла", "transport"),
        ("контейнеры переполнены неделю", "garbage"),
    ],
)
def test_real_styles(text: str, category: str) -> None:
    assert categorize(text, (), shipped_model())[0] == category


def test_place_names_do_not_vote() -> None:
    text = "у Котельной № 3 яма"
    category, _ = categorize(text, [(2, 15)], shipped_model())
    assert category == "road"


def test_confidence_is_a_probability_and_lower_for_vague_text() -> None:
    model = shipped_model()
    _, sure = categorize("открытый люк без крышки, ребенок чуть не упал", (), model)
    _, vague = categorize("сделайте уже что-нибудь", (), model)
    assert 0 < vague < sure <= 1


def test_rules_decide_without_a_model() -> None:
    assert categorize("яма на дороге", ())[0] == "road"
    assert categorize("добрый день", ()) == ("other", 0.0)
    with pytest.raises(TypeError):
        categorize(None, ())  # type: ignore[arg-type]


def test_save_and_load(tmp_path: Path) -> None:
    examples = read_corpus([CORPUS_DIR])[:400]
    model = train(examples, corpus="test")
    path = tmp_path / "m.joblib"
    model.save(path)
    again = load_model(path)
    assert again is load_model(path)  # read once per file version
    text = "снег не чистят во дворе"
    assert again.probabilities(text) == pytest.approx(model.probabilities(text))
    assert again.info["corpus"] == "test" and again.info["examples"] == 400


def test_bad_model_files(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.joblib"
    garbage.write_bytes(b"\x80\x04 not a pickle")
    with pytest.raises(ModelFileError, match="not a category model"):
        read_model(garbage)
    with pytest.raises(FileNotFoundError):
        read_model(tmp_path / "missing.joblib")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "bad.jsonl line 2: not JSON"),
        ('{"text": "", "category": "road"}', "bad.jsonl line 2: no text"),
        ('{"text": "яма", "category": "potholes"}', "bad.jsonl line 2: unknown category 'potholes'"),
        ('["яма", "road"]', "bad.jsonl line 2: no text"),
    ],
)
def test_corpus_errors_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "яма", "category": "road"}) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        read_corpus([tmp_path])


def test_training_needs_several_categories() -> None:
    examples = [e for e in read_corpus([CORPUS_DIR]) if e.category == "road"]
    with pytest.raises(ValueError, match="at least two"):
        train(examples)


def test_pos_rubrics() -> None:
    table = read_rubrics(RUBRICS_FILE)
    assert len(table) >= 100 and {v for v in table.values() if v} == set(CATEGORIES)
    assert rubric_category("Неработающее наружное освещение") == "streetlight"
    assert rubric_category("ямы и выбоины на дороге.") == "road"
    assert rubric_category("Уборка снега") == "snow"
    assert rubric_category("Вывоз мусора") == "garbage"
    assert rubric_category("Открытый люк") == "manhole"
    assert rubric_category("ЖКХ / Отсутствие отопления") == "heating"
    assert rubric_category("Благоустройство") is None  # too broad: the text decides
    assert rubric_category("Неизвестная рубрика") is None
    assert rubric_category(None) is None and rubric_category("  ") is None


def test_rubric_table_refuses_unknown_codes(tmp_path: Path) -> None:
    bad = tmp_path / "rubrics.csv"
    bad.write_text("rubric,category\nЯмы,potholes\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown category 'potholes'"):
        read_rubrics(bad)


def test_with_rubric() -> None:
    @dataclass(frozen=True)
    class Result:
        category: str
        category_confidence: float

    guess = Result("other", 0.4)
    assert with_rubric(guess, "Отсутствие отопления") == Result("heating", 1.0)
    assert with_rubric(guess, "Благоустройство") is guess
