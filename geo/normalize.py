"""Normalised keys for names and house numbers, so that spellings compare equal.

Residents write ``ё`` as ``е``, mix letter case, and write a house number as
``24А``, ``24 а``, ``2 корп. 2`` or ``2к2``. The gazetteer stores these keys next
to the names so that lookups are plain equality.
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[\"'«»“”„()\[\]]")
_BLOCK = re.compile(r"\s*(?:корпус|корп\.?|кор\.?|к\.?)\s*(?=\d)")
_BUILDING = re.compile(r"\s*(?:строение|стр\.?|с\.?)\s*(?=\d)")


def fold(text: str) -> str:
    """Lower-case, ``ё``→``е``, collapse white space."""
    return _SPACES.sub(" ", text.replace("ё", "е").replace("Ё", "Е").lower()).strip()


def name_key(name: str) -> str:
    """Key of a street, landmark or district name: folded, without quotes or dashes."""
    key = _PUNCT.sub("", fold(name))
    key = key.replace("‑", "-").replace("–", "-").replace("—", "-")
    return _SPACES.sub(" ", key).strip()


def house_key(number: str) -> str:
    """Key of a house number: ``24 А`` → ``24а``, ``2 корп. 2`` → ``2к2``, ``8 / 1`` → ``8/1``."""
    key = fold(number)
    key = _BLOCK.sub("к", key)
    key = _BUILDING.sub("с", key)
    key = re.sub(r"\s*/\s*", "/", key)
    return key.replace(" ", "").replace('"', "")


def fold_keep_length(text: str) -> str:
    """Like :func:`fold` but keeps every character's offset (no space collapsing).

    Parsers work on the folded copy and report spans that must index the
    original text, so the copy has to be exactly as long as the original.
    """
    low = text.lower()
    if len(low) != len(text):  # a few characters (e.g. "İ") lower-case to two
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.replace("ё", "е")
