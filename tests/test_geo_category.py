"""The category classifier: typical words, inflections, typos, slang, no punctuation."""

from __future__ import annotations

import pytest

from geo.category import CATEGORIES, classify, scores


@pytest.mark.parametrize(
    "text, category",
    [
        # typical complaints
        ("Нужен лежачий полицейский у школы", "speed_bump"),
        ("машины носятся, поставьте неровность", "speed_bump"),
        ("Сломан забор у детской площадки", "fence"),
        ("машины заезжают на газон, поставьте ограждение", "fence"),
        ("Темно, фонари не включают", "streetlight"),
        ("не работает уличное освещение", "streetlight"),
        ("Разбит фонарь на столбе", "streetlight"),
        ("Открыт канализационный люк", "manhole"),
        ("Сдвинута крышка колодца", "manhole"),
        ("Огромная яма на дороге", "road"),
        ("разбит асфальт, выбоины по всей дороге", "road"),
        ("Сугробы, не пройти", "snow"),
        ("наледь на тротуаре", "snow"),
        ("сосульки висят над входом", "snow"),
        ("переполнены контейнеры", "garbage"),
        ("не вывозят мусор неделю", "garbage"),
        ("Сломаны качели", "yard"),
        ("На детской площадке торчат гвозди", "yard"),
        ("Течёт канализация в подвале", "water"),
        ("Нет холодной воды", "water"),
        ("прорвало трубу", "water"),
        ("Холодные батареи", "heating"),
        ("прорыв теплотрассы во дворе", "heating"),
        ("Автобус не ходит по расписанию", "transport"),
        ("Сломана остановка", "transport"),
        ("Шумят соседи ночью", "other"),
        ("Бродячие собаки во дворе", "other"),
        ("Спасибо за работу!", "other"),
        ("", "other"),
    ],
)
def test_typical(text: str, category: str) -> None:
    assert classify(text) == category


@pytest.mark.parametrize(
    "text, category",
    [
        # typos
        ("фанари ни гарят третью неделю", "streetlight"),
        ("сугорбы по пояс", "snow"),
        ("кантейнеры полные", "garbage"),
        ("калодец открыт", "manhole"),
        ("асвальт разбит весь", "road"),
        ("батореи холодные", "heating"),
        ("аутобус не пришел", "transport"),
        ("освящения нет во дворе", "streetlight"),
        # slang, diminutives, no punctuation, caps
        ("лежачку бы поставить гоняют как бешеные", "speed_bump"),
        ("мусорка горит опять", "garbage"),
        ("качельки сломали детям негде гулять", "yard"),
        ("темнотища во дворе хоть глаз выколи", "streetlight"),
        ("колдобины такие что машину не проехать", "road"),
        ("ЗАТОПИЛО ПОДВАЛ ВОНЯЕТ", "water"),
        ("холодно в квартире батареи еле теплые", "heating"),
        ("маршрутка 5 не ходит уже час", "transport"),
        ("гололедица страшная люди падают", "snow"),
    ],
)
def test_typos_and_slang(text: str, category: str) -> None:
    assert classify(text) == category


@pytest.mark.parametrize(
    "text, category",
    [
        # the object wins over the place it is at
        ("сломан забор у детской площадки", "fence"),
        ("водители превышают скорость у детской площадки, нужен лежачий", "speed_bump"),
        ("холодные батареи у автовокзала", "heating"),
        ("мусорная площадка завалена", "garbage"),
        ("у остановки огромная яма", "road"),
        ("возле мусорки не горит фонарь", "streetlight"),
        ("У нас прорыв теплотрассы во дворе.", "heating"),
    ],
)
def test_object_beats_location(text: str, category: str) -> None:
    assert classify(text) == category


def test_place_names_do_not_vote() -> None:
    text = "на Тёплом берегу"
    assert "heating" in scores(text)  # "тёплый" alone sounds like heating
    assert classify(text, ignore=[(3, len(text))]) == "other"


def test_codes_and_bad_input() -> None:
    assert len(CATEGORIES) == 12 and CATEGORIES[-1] == "other"
    with pytest.raises(TypeError):
        classify(None)  # type: ignore[arg-type]
    assert classify("<script>alert('яма')</script>") in CATEGORIES
    assert classify("яма " * 50_000) == "road"
