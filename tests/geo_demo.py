"""The demo town's gazetteer index, built once for the geo tests that share it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from geo.index import GazetteerIndex
from geo.town import read_town
from geo.triage import TriageResult, triage

TOWN_DIR = Path(__file__).parent.parent / "data" / "demo-town"


@lru_cache(maxsize=1)
def demo() -> GazetteerIndex:
    return GazetteerIndex(read_town(TOWN_DIR))


def place_of(text: str) -> tuple[str, str | None]:
    """(precision, address) triage gives a text in the demo town."""
    r: TriageResult = triage(text, demo())
    return r.precision, r.address
