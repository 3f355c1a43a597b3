"""Triage of one citizen message: where (a point or none), what (a category), and whose data.

:func:`triage` is what ingest calls for each SourceMessage; :func:`triage_jsonl`
is the streaming batch form behind the CLI command: one JSON object per input
line in, one result (or one error naming the line) per line out, never stopping
at a bad line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from geo.address import DistrictMention, LandmarkMention, StreetMention
from geo.category import classify
from geo.index import GazetteerIndex, Place
from geo.pii import PiiSpan, find_pii, redact

MAX_ANALYSED_CHARS = 20_000  # place and category come from the first 20k characters
MIN_CONFIDENCE = 0.5  # a weaker place is dropped: the operator places the message
NO_PLACE = "none"


@dataclass(frozen=True)
class TriageResult:
    """Where and what a message is about; lon/lat are None when it names no sure place."""

    lon: float | None
    lat: float | None
    precision: str  # house, interpolated_house, street, intersection, landmark, district or "none"
    confidence: float
    address: str | None
    district: str | None
    category: str
    pii: tuple[PiiSpan, ...]
    note: str = ""  # why no place was given ("house numbers on different streets" ...)

    def record(self, id_: Any) -> dict[str, Any]:
        """The JSON-lines output record."""
        return {
            "id": id_,
            "lon": self.lon,
            "lat": self.lat,
            "precision": self.precision,
            "confidence": self.confidence,
            "address": self.address,
            "district": self.district,
            "category": self.category,
        }


def place_spans(mentions: Iterable[Any]) -> list[tuple[int, int]]:
    """Spans of place names, which are not people ("на Ленина").

    A bare capitalised word that opens a sentence may be either ("Мира
    Петровна"): it stays a name candidate.
    """
    return [m.span for m in mentions if not (isinstance(m, StreetMention) and m.context == "start")]


def redact_personal(text: str, index: GazetteerIndex) -> str:
    """``text`` with phones, e-mails, links and names replaced, street names kept."""
    return redact(text, find_pii(text, skip=place_spans(index.extract(text))))


def triage(
    text: str, index: GazetteerIndex, channel: str | None = None, *, min_confidence: float = MIN_CONFIDENCE
) -> TriageResult:
    """Place, categorise and find personal data in one message.

    ``channel`` (vk, telegram, pos, reception, phone, open311) is accepted for
    the record and future per-channel rules; the text alone decides today.
    Raises TypeError for a non-string text.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if channel is not None and not isinstance(channel, str):
        raise TypeError(f"channel must be str or None, not {type(channel).__name__}")
    head = text[:MAX_ANALYSED_CHARS]
    resolution = index.locate(head)
    place: Place | None = resolution.place
    note = resolution.reason
    if place is not None and place.confidence < min_confidence:
        note = f"place too uncertain ({place.confidence:.2f})"
        place = None
    pii = tuple(find_pii(text, skip=place_spans(resolution.mentions)))
    landmark_words = [m.span for m in resolution.mentions if isinstance(m, (LandmarkMention, DistrictMention))]
    category = classify(head, landmark_words)
    if place is None:
        return TriageResult(None, None, NO_PLACE, 0.0, None, None, category, pii, note)
    return TriageResult(
        round(place.lon, 7),
        round(place.lat, 7),
        place.precision,
        place.confidence,
        place.address,
        place.district,
        category,
        pii,
        note,
    )


@dataclass(frozen=True)
class LineError:
    """A batch input line that could not be triaged; ``line`` counts from 1."""

    line: int
    message: str
    id: Any = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def triage_jsonl(
    lines: Iterable[str | bytes], index: GazetteerIndex, *, min_confidence: float = MIN_CONFIDENCE
) -> Iterator[dict[str, Any] | LineError]:
    """Triage JSON lines ``{"id", "text", "channel"?}``; yield a result record or a LineError per line.

    Blank lines are skipped. A bad line (not JSON, not an object, no usable id
    or text) yields a LineError and the batch goes on.
    """
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as exc:
            yield LineError(number, f"not UTF-8: {exc}")
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            yield LineError(number, f"not valid JSON: {exc}")
            continue
        if not isinstance(obj, dict):
            yield LineError(number, f"expected a JSON object, got {type(obj).__name__}")
            continue
        id_ = obj.get("id")
        if isinstance(id_, bool) or not isinstance(id_, (str, int)) or (isinstance(id_, str) and not id_.strip()):
            yield LineError(number, "missing or invalid 'id' (text or integer)")
            continue
        text, channel = obj.get("text"), obj.get("channel")
        if not isinstance(text, str):
            yield LineError(number, f"'text' must be a string, got {type(text).__name__}", id_)
            continue
        if channel is not None and not isinstance(channel, str):
            yield LineError(number, f"'channel' must be a string, got {type(channel).__name__}", id_)
            continue
        try:
            result = triage(text, index, channel, min_confidence=min_confidence)
        except Exception as exc:  # one message must never stop a batch
            yield LineError(number, f"triage failed: {type(exc).__name__}: {exc}", id_)
            continue
        yield result.record(id_)


def run_jsonl(lines: Iterable[str | bytes], index: GazetteerIndex, out: TextIO, err: TextIO) -> tuple[int, int]:
    """Write results to ``out`` and errors to ``err``; return (results, errors). For the CLI."""
    ok = bad = 0
    for item in triage_jsonl(lines, index):
        if isinstance(item, LineError):
            bad += 1
            print(str(item), file=err)
        else:
            ok += 1
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    return ok, bad
