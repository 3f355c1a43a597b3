"""The category model inside the app: operators' choices as examples, training, the model in use.

The model in use is the file ``WEBMAP_CATEGORY_MODEL`` (``instance/category_model.joblib``).
When it is missing, or was trained on another version of the shipped corpus,
the app trains a new one from the corpus plus the operators' examples at first
use and writes it there, so a fresh clone works without a set-up step and a
changed corpus is never ignored.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from geo.classifier import (
    CORPUS_DIR,
    CategoryModel,
    Example,
    ModelFileError,
    fingerprint,
    load_model,
    read_corpus,
    read_model,
    shipped_model,
    train,
)
from webmap.extensions import db
from webmap.models import Appeal, CategoryExample, User

log = logging.getLogger(__name__)
CHECK_TTL = 60.0  # seconds between looks at the model file


def case_text(appeal: Appeal) -> str:
    """What the case's residents wrote, message by message: the example's text."""
    return "\n".join(m.text for m in appeal.messages)


def record_example(appeal: Appeal, code: str, previous: str | None, user: User | None) -> CategoryExample | None:
    """Keep the operator's category for the case's text as a training example (None for a case with no text)."""
    text = case_text(appeal)
    if not text.strip():
        return None
    example = CategoryExample(
        appeal_id=appeal.id, text=text, category_code=code, previous_code=previous, user_id=user.id if user else None
    )
    db.session.add(example)
    return example


def operator_examples() -> list[Example]:
    """The operators' examples, the latest choice per case only (an operator may correct a correction)."""
    rows = db.session.execute(
        select(CategoryExample.appeal_id, CategoryExample.text, CategoryExample.category_code).order_by(
            CategoryExample.at, CategoryExample.id
        )
    )
    latest: dict[Any, Example] = {}
    for n, (appeal_id, text, code) in enumerate(rows):
        latest[appeal_id if appeal_id is not None else f"gone-{n}"] = Example(text, code, "operator")
    return list(latest.values())


@dataclass(frozen=True)
class TrainingReport:
    corpus: int
    operator: int
    path: Path
    seconds: float

    def lines(self) -> list[str]:
        return [
            f"trained on {self.corpus} corpus messages and {self.operator} operator examples in {self.seconds:.1f} s",
            f"model written to {self.path}",
        ]


def model_path() -> Path:
    return Path(current_app.config["WEBMAP_CATEGORY_MODEL"])


def train_and_save(path: Path | None = None, corpus: list[Path] | None = None) -> TrainingReport:
    """Train from the shipped corpus plus the operators' examples and write the model file."""
    path = path or model_path()
    dirs = corpus or [CORPUS_DIR]
    started = time.perf_counter()
    shipped = read_corpus(dirs)
    taught = operator_examples()
    model = train(
        shipped + taught,
        corpus=fingerprint(dirs),
        trained_on="corpus+operators",
        operator_examples=len(taught),
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    model.save(path)
    forget_model()
    return TrainingReport(len(shipped), len(taught), path, time.perf_counter() - started)


def current_model() -> CategoryModel:
    """The model triage uses: the model file when it is current, else one trained now (and saved)."""
    cache: dict[str, Any] = current_app.extensions.setdefault("webmap.category", {})
    now = time.monotonic()
    if "model" in cache and now - cache["checked"] < CHECK_TTL:
        return cache["model"]
    path = model_path()
    model: CategoryModel | None = None
    try:
        model = load_model(path)
        if model.info.get("corpus") != _corpus_stamp(cache, now):
            log.info("category model %s was trained on another corpus: retraining", path)
            model = None
    except FileNotFoundError:
        pass
    except ModelFileError as exc:
        log.warning("category model unusable, retraining: %s", exc)
    if model is None:
        model = _train_now(path)
    cache.update(model=model, checked=now)
    return model


def _corpus_stamp(cache: dict[str, Any], now: float) -> str:
    if "corpus" not in cache or now - cache.get("corpus_checked", 0.0) >= CHECK_TTL:
        cache["corpus"] = fingerprint([CORPUS_DIR])
        cache["corpus_checked"] = now
    stamp: str = cache["corpus"]
    return stamp


def _train_now(path: Path) -> CategoryModel:
    """Train at first use: the shipped model alone when no operator taught anything (trained once per process)."""
    if not operator_examples():
        model = shipped_model()
        try:
            model.save(path)
        except OSError as exc:  # a read-only instance folder: keep the model in memory
            log.warning("category model not saved to %s: %s", path, exc)
        return model
    try:
        train_and_save(path)
        return read_model(path)
    except OSError as exc:
        log.warning("category model not saved to %s: %s", path, exc)
        return train(read_corpus([CORPUS_DIR]) + operator_examples(), corpus=fingerprint([CORPUS_DIR]))


def forget_model() -> None:
    """Drop the cached model (after training in this process)."""
    current_app.extensions.pop("webmap.category", None)
