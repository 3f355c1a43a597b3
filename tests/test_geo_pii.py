"""Personal data spans and redaction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.pii import contact_spans, find_pii, redact

LABELS = Path(__file__).parent.parent / "data" / "demo-town" / "messages" / "labels.jsonl"


def kinds(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], k) for s, e, k in find_pii(text)]


@pytest.mark.parametrize(
    "phone",
    [
        "8-912-345-67-89",
        "+7 912 345 67 89",
        "+79123456789",
        "89123456789",
        "8 (912) 345-67-89",
        "+7(912)345-67-89",
        "8 (34669) 7-12-34",
        "912 345 67 89",
        "7-12-34",
        "8-900-123-45-67",
    ],
)
def test_phones(phone: str) -> None:
    text = f"Звоните {phone} вечером"
    assert kinds(text) == [(phone, "phone")]
    assert redact(text, find_pii(text)) == "Звоните [телефон] вечером"


@pytest.mark.parametrize("text", ["Мира 5", "в 2 часа", "с 12.01.2024", "дом 12, кв 5", "500 рублей", "автобус №3"])
def test_numbers_that_are_not_phones(text: str) -> None:
    assert [k for _s, _e, k in contact_spans(text)] == []


def test_emails_and_links() -> None:
    text = "пишите ivan.petrov@mail.ru или vk.com/id123, t.me/ivan_p, https://ok.ru/profile/5 и @ivan_petrov."
    assert kinds(text) == [
        ("ivan.petrov@mail.ru", "email"),
        ("vk.com/id123", "link"),
        ("t.me/ivan_p", "link"),
        ("https://ok.ru/profile/5", "link"),
        ("@ivan_petrov", "link"),
    ]
    assert redact(text, find_pii(text)) == "пишите [e-mail] или [ссылка], [ссылка], [ссылка] и [ссылка]."


@pytest.mark.parametrize(
    "text, name",
    [
        ("Обратилась Петрова Мария Ивановна по поводу ямы", "Петрова Мария Ивановна"),
        ("Иванов И.И. просит поставить забор", "Иванов И.И."),
        ("просит И. И. Иванов", "И. И. Иванов"),
        ("Сергей сказал, что люк открыт", "Сергей"),
        ("Здравствуйте, я Анна Смирнова", "Анна Смирнова"),
        ("Мира Петровна пожаловалась", "Мира Петровна"),
    ],
)
def test_person_names(text: str, name: str) -> None:
    assert (name, "name") in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "на ул. Ленина 5 яма",
        "улица Мира, дом 5",
        "Ленина 40 нет воды",
        "г. Покачи, пр. Нефтяников",
        "Добрый день. Люди, Сугробы, не пройти!",
    ],
)
def test_street_names_are_not_people(text: str) -> None:
    assert [k for _s, _e, k in find_pii(text) if k == "name"] == []


def test_skip_spans_protect_known_places() -> None:
    text = "Шумят соседи на Ленина."
    start = text.index("Ленина")
    assert find_pii(text, skip=[(start, start + 6)]) == []


def test_no_false_names_in_the_demo_messages() -> None:
    """The development messages name no people; only their phone numbers are personal data."""
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        for s, e, k in find_pii(text):
            assert k == "phone" or text[s:e] == "Ленина", (text, text[s:e], k)


def test_redact_merges_overlaps_and_ignores_bad_spans() -> None:
    text = "Иван 89123456789"
    assert redact(text, [(0, 4, "name"), (2, 16, "phone")]) == "[имя]"
    assert redact(text, [(-1, 3, "name"), (5, 99, "phone")]) == text
    assert redact("", []) == ""


def test_hostile_input() -> None:
    with pytest.raises(TypeError):
        find_pii(None)  # type: ignore[arg-type]
    big = ("Петров Иван звонил 89123456789. " * 40_000)[:1_000_000]
    spans = find_pii(big)
    assert len([k for *_x, k in spans if k == "phone"]) >= 30_000
    assert "89123456789" not in redact(big, spans)
