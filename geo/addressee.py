"""An institution the resident wrote to, or that answered, is not where the problem is.

«обращалась в администрацию – тишина», «ответ администрации не устроил»,
«позвонил в поликлинику», «в ДК сказали …» name a landmark, but as the
addressee or the one who answered. A landmark places a message only when the
text puts the problem at it: «у», «возле», «около», «рядом с», «напротив», «за»,
«перед», «на территории», «во дворе», «на парковке у» … (or plainly «в школе
нет света»), and never when an appeal word comes before it or an answer verb
after it.
"""

from __future__ import annotations

from collections.abc import Sequence

from geo import morph
from geo.tokens import Token

# Before the landmark: the resident turned to it ("обратилась в", "жалоба в", "ответ администрации").
APPEAL_LEMMAS = frozenset(
    {
        "обращаться",
        "обратиться",
        "писать",
        "написать",
        "жаловаться",
        "пожаловаться",
        "звонить",
        "позвонить",
        "дозвониться",
        "дозваниваться",
        "отправить",
        "направить",
        "сообщить",
        "сообщать",
        "ходить",
        "сходить",
        "идти",
        "пойти",
        "обращение",
        "жалоба",
        "заявление",
        "запрос",
        "письмо",
        "звонок",
        "претензия",
        "заявка",
        "отписка",
        "ответ",
        "просить",
        "попросить",
        "уведомить",
        "информировать",
        "спасибо",
        "благодарить",
        "поблагодарить",
        "благодарность",
        "уважаемый",
    }
)
# A noun that makes the landmark its owner, not its place: "глава администрации", "сотрудники поликлиники".
OWNER_LEMMAS = frozenset(
    {
        "ответ",
        "отписка",
        "глава",
        "сотрудник",
        "работник",
        "специалист",
        "представитель",
        "руководство",
        "руководитель",
        "директор",
        "заведующий",
        "заведующая",
        "главврач",
        "начальник",
        "адрес",
        "администратор",
        "регистратура",
        "медсестра",
        "врач",
        "чиновник",
        "отдел",
        "приемная",
        "комиссия",
        "сайт",
        "телефон",
    }
)
# After the landmark: it answered or was silent ("в администрации сказали", "поликлиника молчит").
ANSWER_LEMMAS = frozenset(
    {
        "сказать",
        "ответить",
        "отвечать",
        "пообещать",
        "обещать",
        "говорить",
        "отказать",
        "отказывать",
        "отписаться",
        "отписываться",
        "молчать",
        "игнорировать",
        "проигнорировать",
        "реагировать",
        "отреагировать",
        "разъяснить",
        "объяснить",
        "посоветовать",
        "порекомендовать",
        "рекомендовать",
        "заверить",
        "уверять",
        "утверждать",
        "отправить",
        "перенаправить",
        "переадресовать",
        "отфутболить",
        "футболить",
        "разводить",
        "развести",
        "тишина",
        "ответ",
        "отписка",
        "послать",
        "прислать",
        "записать",
        "зарегистрировать",
        "обещание",
        "бездействовать",
        "знать",
        "отмахнуться",
        "отмахиваться",
        "кивать",
        "ссылаться",
        "сослаться",
    }
)
# Words that put the problem at the landmark: then it is the place whatever follows.
AT_PREPS = frozenset(
    {
        "у",
        "возле",
        "около",
        "рядом",
        "напротив",
        "за",
        "перед",
        "территории",
        "вдоль",
        "позади",
        "сзади",
        "мимо",
        "между",
        "близ",
        "вблизи",
        "дворе",
        "двора",
        "парковке",
        "парковки",
        "крыльцом",
        "крыльце",
        "входа",
        "входом",
        "входе",
        "районе",
        "р-не",
        "стороны",
        "тротуаре",
        "дороге",
        "остановке",
        "подъезде",
        "площадке",
        "забором",
        "углом",
        "торца",
        "торцом",
        "окнами",
        "перекрестке",
    }
)
_PREPS_IN = frozenset({"в", "во", "на", "из", "от", "с", "со", "к", "ко"})
_SKIP = frozenset({"«", "»", '"', "“", "”", "(", ")"})


def _lemmas(t: Token) -> frozenset[str]:
    return morph.lemmas(t.text) if t.kind == "word" else frozenset()


def addressee(tokens: Sequence[Token], start: int, end: int) -> bool:
    """True when the landmark at tokens[start:end] is whom the resident turned to or who answered."""
    k = start - 1
    while k >= 0 and tokens[k].text in _SKIP:
        k -= 1
    if k >= 0 and tokens[k].kind == "word" and morph.adjective_forms(tokens[k].text) and tokens[k].text not in AT_PREPS:
        k -= 1  # "в городскую больницу", "у старого ДК"
    prev = tokens[k].text if k >= 0 else ""
    if prev in AT_PREPS or (prev in ("с", "со") and k >= 1 and tokens[k - 1].text == "рядом"):
        return False
    if prev in _PREPS_IN:
        for back in range(k - 1, max(-1, k - 4), -1):
            if tokens[back].kind == "punct" and tokens[back].text in ".!?;":
                break
            if _lemmas(tokens[back]) & APPEAL_LEMMAS:
                return True  # "обращалась в администрацию", "жалоба в ЦГБ"
    elif k >= 0 and _lemmas(tokens[k]) & (OWNER_LEMMAS | APPEAL_LEMMAS):
        return True  # "ответ администрации", "глава администрации", "писали администрации"
    for t in tokens[end : end + 5]:
        if t.kind == "punct" and t.text in ".!?;":
            break
        if _lemmas(t) & ANSWER_LEMMAS:
            return True  # "в ДК сказали", "поликлиника молчит"
    return False
