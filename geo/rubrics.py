"""ПОС rubrics: the theme a resident picked on the feedback platform, mapped to a category code.

The table (``data/triage/pos_rubrics.csv``) is data: a rubric with a code
decides the category (the resident said what it is about); a broad rubric
("Благоустройство", "ЖКХ") has none and the text decides.
"""

from __future__ import annotations

import csv
import re
from dataclasses import is_dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from geo.category import CATEGORIES

RUBRICS_FILE = Path(__file__).resolve().parent.parent / "data" / "triage" / "pos_rubrics.csv"
_NOISE = re.compile(r"[^\w]+")
R = TypeVar("R")


def rubric_key(rubric: str) -> str:
    """Folded, punctuation-free key: "Ямы и выбоины на дороге." and "ямы  и выбоины на дороге" match."""
    return _NOISE.sub(" ", rubric.replace("ё", "е").replace("Ё", "Е").lower()).strip()


@lru_cache(maxsize=8)
def read_rubrics(path: Path = RUBRICS_FILE) -> dict[str, str | None]:
    """Rubric key → category code (None: the rubric does not decide). ValueError for an unknown code."""
    table: dict[str, str | None] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(line for line in fh if not line.startswith("#"))
        for number, row in enumerate(rows, start=1):
            if number == 1 or not row or not row[0].strip():
                continue  # the header
            code = row[1].strip() if len(row) > 1 else ""
            if code and code not in CATEGORIES:
                raise ValueError(f"{path.name}: unknown category {code!r} for rubric {row[0]!r}")
            table[rubric_key(row[0])] = code or None
    return table


def rubric_category(rubric: str | None, path: Path = RUBRICS_FILE) -> str | None:
    """The category a ПОС rubric stands for, or None (no rubric, a broad or an unknown one).

    A rubric path ("ЖКХ / Отсутствие отопления") is read from its most specific part.
    """
    if not rubric or not rubric.strip():
        return None
    table = read_rubrics(path)
    for part in reversed(re.split(r"\s*[/>|→]\s*", rubric)):
        code = table.get(rubric_key(part))
        if code:
            return code
    return None


def with_rubric(result: R, rubric: str | None, path: Path = RUBRICS_FILE) -> R:
    """A triage result (a dataclass with ``category`` and ``category_confidence``) with the rubric's
    category when the rubric decides one; the result itself otherwise."""
    code = rubric_category(rubric, path)
    if code is None or not is_dataclass(result):
        return result
    return replace(result, category=code, category_confidence=1.0)  # type: ignore[type-var]
