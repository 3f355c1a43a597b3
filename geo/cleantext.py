"""Message text without markup, as triage reads it; offsets stay those of the raw text.

ПОС and VK deliver text with HTML (``<p>``, ``<br>``), entities (``&nbsp;``,
``&laquo;``, ``&#9992;``) and VK mentions (``[id123|Имя Фамилия]``,
``[club1|Покачи онлайн]``). :func:`clean` returns a copy of the same length:
tags become a newline and spaces, an entity becomes its character padded with
spaces, a mention becomes blank (a person or a group is never a place), and the
whole mention (profile id and name) is reported as a person's name, so that
redaction replaces it. Because the length is kept, every span found in
the clean copy (places, personal data) also indexes the raw text, which stays on
the message untouched.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# A tag, an entity, or a VK mention; all bounded so that a hostile text cannot make the scan slow.
_MARKUP = re.compile(
    r"(?P<tag></?[a-zA-Z][a-zA-Z0-9]{0,10}(?:\s[^<>]{0,300})?/?>)"
    r"|(?P<entity>&(?:[a-zA-Z][a-zA-Z0-9]{1,10}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)"
    r"|(?P<mention>\[(?:id|club|public|event)[0-9]{1,12}\|(?P<name>[^\[\]|\n]{1,100})\])"
)
_BLOCK_TAGS = re.compile(r"</?(?:p|br|div|li|ul|ol|tr|h[1-6]|blockquote)\b", re.I)

Span = tuple[int, int, str]  # (start, end, kind), the kind as geo.pii names it


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The clean copy and the personal-data spans the markup revealed (mentioned people)."""

    text: str
    personal: tuple[Span, ...] = ()


def clean(raw: str) -> Cleaned:
    """``raw`` with markup turned into plain text of the same length (see the module doc)."""
    if not isinstance(raw, str):
        raise TypeError(f"text must be str, not {type(raw).__name__}")
    if "<" not in raw and "&" not in raw and "[" not in raw:
        return Cleaned(raw)
    parts: list[str] = []
    personal: list[Span] = []
    pos = 0
    for m in _MARKUP.finditer(raw):
        parts.append(raw[pos : m.start()])
        size = m.end() - m.start()
        if m.group("tag"):
            first = "\n" if _BLOCK_TAGS.match(m.group()) else " "
            parts.append(first + " " * (size - 1))
        elif m.group("entity"):
            char = html.unescape(m.group())
            if len(char) != 1 or char == m.group():
                parts.append(m.group())  # unknown entity: keep it as written
            else:
                char = " " if char in "\u00a0\u200b\u2009\u202f" else char
                pad = " " * (size - 1)
                parts.append(pad + char if char in "«“„‘(" else char + pad)  # an opening mark keeps to its word
        else:
            parts.append(" " * size)  # a person or a group, never a place: out of the analysed text
            personal.append((m.start(), m.end(), "name"))  # the profile id is personal data too
        pos = m.end()
    parts.append(raw[pos:])
    text = "".join(parts)
    text = text.replace("\u00a0", " ")
    assert len(text) == len(raw)
    return Cleaned(text, tuple(personal))


def with_personal(spans: list[Span], personal: tuple[Span, ...]) -> list[Span]:
    """``spans`` plus the mentions' spans, sorted, an overlapped span folded into the earlier one."""
    if not personal:
        return spans
    out: list[Span] = []
    for start, end, kind in sorted([*spans, *personal]):
        if out and start < out[-1][1]:
            s, e, k = out[-1]
            out[-1] = (s, max(e, end), k)
        else:
            out.append((start, end, kind))
    return out
