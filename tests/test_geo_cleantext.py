"""Triage reads text without markup; the raw text is untouched and VK mentions are personal data."""

from __future__ import annotations

import pytest

from geo.cleantext import clean
from geo.pii import redact
from geo.triage import redact_personal, triage
from tests.geo_demo import demo

POS = "<p>Здравствуйте!</p><p>На&nbsp;ул.&nbsp;Мира,&nbsp;д.&nbsp;5 &laquo;яма&raquo; &#9992;</p>"


def test_markup_becomes_plain_text_of_the_same_length() -> None:
    c = clean(POS)
    assert len(c.text) == len(POS)
    assert "<" not in c.text and "&" not in c.text
    assert " ".join(c.text.split()) == "Здравствуйте! На ул. Мира, д. 5 «яма» ✈"
    assert c.text.startswith("\n")  # a paragraph is a line break


def test_a_pos_letter_with_markup_is_placed() -> None:
    r = triage(POS, demo(), "pos")
    assert (r.precision, r.address, r.category) == ("house", "улица Мира, 5", "road")


@pytest.mark.parametrize(
    "text, mention",
    [
        ("[id123456|Иван Петров], на Ленина 7 нет света", "[id123456|Иван Петров]"),
        ("[club12345|Покачи онлайн] Кедровая 8, мусорка переполнена", "[club12345|Покачи онлайн]"),
    ],
)
def test_a_vk_mention_is_personal_data_and_no_place(text: str, mention: str) -> None:
    r = triage(text, demo(), "vk")
    assert r.lon is not None  # the street is still found
    spans = [(text[s:e], k) for s, e, k in r.pii]
    assert (mention, "name") in spans  # the profile id goes with the name
    shown = redact(text, r.pii)
    assert "id123456" not in shown and "Иван" not in shown and "club12345" not in shown
    assert redact_personal(text, demo()).startswith("[имя]")


def test_a_mentioned_name_is_never_a_street() -> None:
    r = triage("[id555|Мира Ленина], спасибо за поддержку!", demo(), "vk")
    assert r.lon is None


def test_the_raw_text_is_not_changed() -> None:
    raw = "[id1|Анна] <b>Мира 5</b> &nbsp;яма"
    copy = str(raw)
    triage(raw, demo())
    assert raw == copy


@pytest.mark.parametrize(
    "text",
    [
        "&unknownentity; Мира 5",
        "<" * 10_000 + "Мира 5",
        "[id" * 5000,
        "&#99999999; &#x110000; Мира 5",
        "<p " + "a" * 100_000,
        "[id1|" + "x" * 500 + "]",
    ],
)
def test_odd_markup_is_kept_or_cleaned_never_fails(text: str) -> None:
    c = clean(text)
    assert len(c.text) == len(text)
    triage(text, demo())


def test_clean_refuses_a_non_string() -> None:
    with pytest.raises(TypeError):
        clean(b"<p>")  # type: ignore[arg-type]
