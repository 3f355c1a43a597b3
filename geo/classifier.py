"""What a message is about, learnt from labelled examples: a linear model over words, characters and rules.

Hand-weighted rules (:mod:`geo.category`) know the obvious words but not the
way residents actually write, and they cannot learn from operators. This model
is a linear SVM, its scores calibrated to probabilities (one sigmoid per
category, fitted on held-out folds), over three kinds of features:

- lemmatised words and word pairs (pymorphy3's first parse), TF-IDF: "ямы",
  "ямой", "ямища" all say "яма";
- character n-grams within words (2–5, TF-IDF ``char_wb``): typos and slang
  ("фанари", "калодец", "лежачка") share most of their n-grams with the word;
- the rules' votes per category, so what the rules know is a feature the model
  weighs, not a verdict; and the fallback when the model leans, unsure, to
  "other" for a message the rules put in a category (:func:`categorize`).

scikit-learn is needed only to train. A trained :class:`CategoryModel` holds
plain arrays and dicts, and predicts a message in pure Python plus one small
numpy product (tens of microseconds), because triage runs per message and a
scikit-learn call costs more in checks than in arithmetic. The module keeps one
model per file in memory (:func:`load_model`) and trains the shipped corpus's
model once per process (:func:`shipped_model`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from geo import morph
from geo.category import CATEGORIES, scores, verdict
from geo.tokens import prepare

FORMAT = 1
CORPUS_DIR = Path(__file__).resolve().parent.parent / "data" / "triage" / "corpus"
CHAR_NGRAMS = (2, 5)
RULE_CAP = 9.0  # rule votes above this say no more
RULE_WEIGHT = 1.0  # the rule block's scale next to the unit-norm TF-IDF blocks
RULES_OVER_UNSURE_OTHER = 0.7  # measured: +0.5 points on a held-out fifth of the corpus, +0.9 on another set
DEFAULT_KIND = "svm"  # or "logreg": measured on the shipped corpus, the calibrated SVM was better and 10x faster
_WORD = re.compile(r"[a-zа-я]+")
_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    text: str
    category: str
    source: str = ""  # where it came from (a corpus file, "operator")


class CorpusError(ValueError):
    """A corpus line that is not a labelled message; says which file and line."""


def read_corpus(paths: Iterable[Path]) -> list[Example]:
    """Examples from JSON-lines files (``{"text", "category", ...}``); a directory means its ``*.jsonl``.

    Raises CorpusError naming the file and line of a bad record, so a broken
    corpus is noticed at training, not silently thinned.
    """
    out: list[Example] = []
    for path in paths:
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        for file in files:
            with file.open(encoding="utf-8") as fh:
                for number, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise CorpusError(f"{file.name} line {number}: not JSON: {exc}") from exc
                    text, category = (obj.get("text"), obj.get("category")) if isinstance(obj, dict) else (None, None)
                    if not isinstance(text, str) or not text.strip():
                        raise CorpusError(f"{file.name} line {number}: no text")
                    if category not in CATEGORIES:
                        raise CorpusError(f"{file.name} line {number}: unknown category {category!r}")
                    out.append(Example(text, category, file.stem))
    return out


def fingerprint(paths: Iterable[Path]) -> str:
    """A hash of the corpus files' contents: a saved model trained on other data is stale."""
    digest = hashlib.sha256()
    for path in paths:
        for file in sorted(path.glob("*.jsonl")) if path.is_dir() else [path]:
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


# --- features --------------------------------------------------------------------------------------


@lru_cache(maxsize=100_000)
def _lemma(word: str) -> str:
    ps = morph.parses(word)
    return ps[0].normal_form.replace("ё", "е") if ps else word


def clean_text(text: str, ignore: Iterable[tuple[int, int]] = ()) -> str:
    """The folded text the model reads: noise blanked (see geo.tokens.prepare) and ``ignore`` spans too."""
    folded = prepare(text)
    spans = [(s, e) for s, e in ignore if 0 <= s < e]
    if spans:
        chars = list(folded)
        for s, e in spans:
            chars[s:e] = " " * (len(chars[s:e]))
        folded = "".join(chars)
    return folded


def letter_words(clean: str) -> list[str]:
    """The runs of letters of a cleaned text: the words both feature kinds read."""
    return _WORD.findall(clean)


def word_terms(words: Sequence[str]) -> list[str]:
    """Lemma unigrams and bigrams."""
    lemmas = [_lemma(w) for w in words]
    return lemmas + [f"{a} {b}" for a, b in zip(lemmas, lemmas[1:])]


@lru_cache(maxsize=100_000)
def word_char_terms(word: str) -> tuple[str, ...]:
    """Character n-grams of one word padded by spaces, as scikit-learn's ``char_wb`` makes them."""
    low, high = CHAR_NGRAMS
    w = f" {word} "
    size = len(w)
    out: list[str] = []
    for n in range(low, high + 1):
        if n >= size:
            out.append(w)  # a short word counts once, whole
            break
        out.extend(w[i : i + n] for i in range(size - n + 1))
    return tuple(out)


def char_terms(words: Sequence[str]) -> list[str]:
    """Character n-grams within words."""
    return [t for w in words for t in word_char_terms(w)]


def rule_features(text: str, ignore: Iterable[tuple[int, int]] = ()) -> list[float]:
    """The rules' votes per category, capped and scaled to about [0, 1]."""
    return rule_vector(scores(text, ignore))


def rule_vector(votes: dict[str, float]) -> list[float]:
    """Rule votes (geo.category.scores) as the model's rule features."""
    return [min(votes.get(c, 0.0), RULE_CAP) / RULE_CAP * RULE_WEIGHT for c in CATEGORIES]


def _identity(terms: list[str]) -> list[str]:
    return terms


# --- the model -------------------------------------------------------------------------------------


@dataclass
class _Block:
    """One TF-IDF block: term → column, idf per column, and the model's weights (terms × classes)."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray  # (terms, classes), rows contiguous: a message gathers a few rows

    def __post_init__(self) -> None:
        self._word_columns: dict[str, np.ndarray] = {}

    def columns(self, terms: Iterable[str]) -> np.ndarray:
        vocabulary = self.vocabulary
        return np.array([j for j in map(vocabulary.get, terms) if j is not None], dtype=np.intp)

    def word_columns(self, word: str) -> np.ndarray:
        """Columns of a word's character n-grams, cached: residents reuse a small vocabulary."""
        cols = self._word_columns.get(word)
        if cols is None:
            if len(self._word_columns) > 200_000:
                self._word_columns.clear()
            cols = self._word_columns[word] = self.columns(word_char_terms(word))
        return cols

    def contribution(self, columns: np.ndarray) -> np.ndarray | None:
        """This block's share of the class scores for a message's term columns (TF-IDF, sublinear, L2)."""
        if not len(columns):
            return None
        cols, counts = np.unique(columns, return_counts=True)
        values = np.log(counts)
        values += 1.0
        values *= self.idf[cols]
        values /= math.sqrt(float(values @ values))
        result: np.ndarray = values @ self.weights[cols]
        return result


@dataclass
class CategoryModel:
    """A trained classifier; :meth:`predict` gives (category, probability)."""

    classes: tuple[str, ...]
    words: _Block
    chars: _Block
    rules_coef: np.ndarray  # (classes, len(CATEGORIES))
    intercept: np.ndarray
    # probabilities from scores: a softmax (logistic regression), or per-class sigmoids 1/(1+exp(a*s+b)),
    # normalised (a calibrated SVM, as scikit-learn's CalibratedClassifierCV computes them)
    sigmoid_a: np.ndarray | None = None
    sigmoid_b: np.ndarray | None = None
    info: dict[str, Any] = field(default_factory=dict)  # how it was trained: sizes, corpus, date

    def probabilities(self, text: str, ignore: Iterable[tuple[int, int]] = ()) -> dict[str, float]:
        """Category → probability for one message; ``ignore`` spans (place names) are not read."""
        ignore = list(ignore)
        return self.probabilities_with(text, ignore, rule_features(text, ignore))

    def probabilities_with(
        self, text: str, ignore: Sequence[tuple[int, int]], rules: Sequence[float]
    ) -> dict[str, float]:
        """:meth:`probabilities` given the rule features already computed (triage computes them once)."""
        words = letter_words(clean_text(text, ignore))
        logits = self.intercept.copy()
        part = self.words.contribution(self.words.columns(word_terms(words)))
        if part is not None:
            logits += part
        part = self.chars.contribution(np.concatenate([self.chars.word_columns(w) for w in words])) if words else None
        if part is not None:
            logits += part
        logits += self.rules_coef @ np.asarray(rules)
        if self.sigmoid_a is not None and self.sigmoid_b is not None:
            probs = 1.0 / (1.0 + np.exp(self.sigmoid_a * logits + self.sigmoid_b))
            total = probs.sum()
            probs = probs / total if total > 0 else np.full_like(probs, 1.0 / len(probs))
        else:
            logits -= logits.max()
            exp = np.exp(logits)
            probs = exp / exp.sum()
        return {c: min(float(p), 1.0) for c, p in zip(self.classes, probs)}

    def predict(self, text: str, ignore: Iterable[tuple[int, int]] = ()) -> tuple[str, float]:
        """The likeliest category of a message and its probability."""
        probs = self.probabilities(text, ignore)
        best = max(probs, key=lambda c: probs[c])
        return best, probs[best]

    def save(self, path: Path) -> None:
        """Write the model (plain arrays and dicts, no scikit-learn objects) atomically."""
        import joblib

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        data = {
            "format": FORMAT,
            "classes": list(self.classes),
            "blocks": {
                name: {"vocabulary": b.vocabulary, "idf": b.idf, "weights": b.weights}
                for name, b in (("words", self.words), ("chars", self.chars))
            },
            "rules_coef": self.rules_coef,
            "intercept": self.intercept,
            "sigmoid_a": self.sigmoid_a,
            "sigmoid_b": self.sigmoid_b,
            "info": self.info,
        }
        joblib.dump(data, tmp, compress=3)
        tmp.replace(path)


class ModelFileError(ValueError):
    """A model file that cannot be used (missing, truncated, another format)."""


def read_model(path: Path) -> CategoryModel:
    """Load a model written by :meth:`CategoryModel.save` (no caching; see :func:`load_model`)."""
    import joblib

    try:
        data = joblib.load(path)
    except FileNotFoundError:
        raise
    except Exception as exc:  # a truncated or foreign file: pickle, zlib and EOF errors alike
        raise ModelFileError(f"{path}: not a category model: {type(exc).__name__}: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a category model of format {FORMAT}")
    blocks = {name: _Block(b["vocabulary"], b["idf"], b["weights"]) for name, b in data["blocks"].items()}
    return CategoryModel(
        tuple(data["classes"]),
        blocks["words"],
        blocks["chars"],
        data["rules_coef"],
        data["intercept"],
        data.get("sigmoid_a"),
        data.get("sigmoid_b"),
        data["info"],
    )


_LOCK = threading.Lock()
_LOADED: dict[tuple[str, int], CategoryModel] = {}
_SHIPPED: CategoryModel | None = None


def load_model(path: Path) -> CategoryModel:
    """The model in ``path``, read once per file version (path and modification time)."""
    key = (str(path), path.stat().st_mtime_ns)
    model = _LOADED.get(key)
    if model is None:
        with _LOCK:
            model = _LOADED.get(key) or read_model(path)
            _LOADED.clear()  # one file version at a time is enough
            _LOADED[key] = model
    return model


def shipped_model() -> CategoryModel:
    """The model of the shipped corpus (``data/triage/corpus``), trained once per process (a few seconds)."""
    global _SHIPPED
    if _SHIPPED is None:
        with _LOCK:
            if _SHIPPED is None:
                _SHIPPED = train(read_corpus([CORPUS_DIR]), corpus=fingerprint([CORPUS_DIR]), trained_on="corpus")
    return _SHIPPED


def categorize(
    text: str, ignore: Iterable[tuple[int, int]] = (), model: CategoryModel | None = None
) -> tuple[str, float]:
    """(category, confidence) of a message: the model's verdict, the rules' when no model is given.

    ``ignore``: spans of place names ("Котельная № 3", "Тёплый берег"), which say where, not what.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    spans = list(ignore)
    votes = scores(text, spans)
    if model is None:
        return verdict(votes)
    probs = model.probabilities_with(text, spans, rule_vector(votes))
    best = max(probs, key=lambda c: probs[c])
    if best == "other" and probs[best] < RULES_OVER_UNSURE_OTHER:
        # The model doubts that a message the rules place in a category is about nothing of ours:
        # the rules' category wins, with the model's (low) probability for it, so the queue flags it.
        ruled, _share = verdict(votes)
        if ruled != "other":
            return ruled, probs.get(ruled, 0.0)
    return best, probs[best]


# --- training --------------------------------------------------------------------------------------


def _vectorizers() -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    common = {"analyzer": _identity, "sublinear_tf": True, "lowercase": False}
    return TfidfVectorizer(**common), TfidfVectorizer(min_df=2, **common)


def _features(examples: Sequence[Example]) -> tuple[list[list[str]], list[list[str]], np.ndarray]:
    tokens = [letter_words(clean_text(e.text)) for e in examples]
    words = [word_terms(t) for t in tokens]
    chars = [char_terms(t) for t in tokens]
    rules = np.asarray([rule_features(e.text) for e in examples])
    return words, chars, rules


def train(
    examples: Sequence[Example], *, c: float | None = None, kind: str = DEFAULT_KIND, **info: Any
) -> CategoryModel:
    """Fit a model to labelled examples; ``info`` is kept with it (corpus fingerprint, sources).

    ``kind``: "svm" (LinearSVC, sigmoid-calibrated on 3 folds) or "logreg"
    (multinomial logistic regression). Raises ValueError when fewer than two
    categories are present.
    """
    from scipy.sparse import csr_matrix, hstack

    labels = [e.category for e in examples]
    if len(set(labels)) < 2:
        raise ValueError("training needs examples of at least two categories")
    words, chars, rules = _features(examples)
    word_vec, char_vec = _vectorizers()
    xw, xc = word_vec.fit_transform(words), char_vec.fit_transform(chars)
    x = hstack([xw, xc, csr_matrix(rules)]).tocsr()
    if kind == "svm":
        classes, coef, intercept, a, b, clf = _fit_svm(x, labels, 1.0 if c is None else c)
    elif kind == "logreg":
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=30.0 if c is None else c, max_iter=2000).fit(x, labels)
        classes, coef, intercept, a, b = clf.classes_, clf.coef_, clf.intercept_, None, None
    else:
        raise ValueError(f"unknown model kind {kind!r}")
    nw, nc = xw.shape[1], xc.shape[1]
    sources = Counter(e.source for e in examples)
    model = CategoryModel(
        classes=tuple(str(k) for k in classes),
        words=_Block(dict(word_vec.vocabulary_), word_vec.idf_, np.ascontiguousarray(coef[:, :nw].T)),
        chars=_Block(dict(char_vec.vocabulary_), char_vec.idf_, np.ascontiguousarray(coef[:, nw : nw + nc].T)),
        rules_coef=np.ascontiguousarray(coef[:, nw + nc :]),
        intercept=np.array(intercept, dtype=np.float64),
        sigmoid_a=a,
        sigmoid_b=b,
        info={"examples": len(examples), "sources": dict(sources), "kind": kind, "c": c, **info},
    )
    model.info["sklearn_check"] = [float(p) for p in clf.predict_proba(x[:1])[0]]
    return model


def _fit_svm(x: Any, labels: list[str], c: float) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray, np.ndarray, Any]:
    """A LinearSVC on all examples, its scores calibrated by sigmoids fitted on 3 held-out folds."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

    folds = max(2, min(3, min(Counter(labels).values())))
    clf = CalibratedClassifierCV(LinearSVC(C=c), method="sigmoid", cv=folds, ensemble=False).fit(x, labels)
    calibrated = clf.calibrated_classifiers_[0]
    svm = calibrated.estimator
    if list(svm.classes_) != list(clf.classes_) or len(clf.classes_) < 3:
        raise ValueError("training needs examples of at least three categories")
    a = np.array([cal.a_ for cal in calibrated.calibrators], dtype=np.float64)
    b = np.array([cal.b_ for cal in calibrated.calibrators], dtype=np.float64)
    return clf.classes_, svm.coef_, svm.intercept_, a, b, clf


def cross_validate(
    examples: Sequence[Example], folds: int = 5, *, c: float | None = None, kind: str = DEFAULT_KIND, seed: int = 0
) -> float:
    """Accuracy by stratified k-fold cross-validation (each fold trained afresh)."""
    from sklearn.model_selection import StratifiedKFold

    labels = [e.category for e in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    right = 0
    for train_idx, test_idx in splitter.split(np.zeros(len(labels)), labels):
        model = train([examples[i] for i in train_idx], c=c, kind=kind)
        right += sum(model.predict(examples[i].text)[0] == examples[i].category for i in test_idx)
    return right / len(examples)
