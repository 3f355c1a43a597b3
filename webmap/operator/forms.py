"""Forms of the operator pages; every state change carries the case version it was made on."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FloatField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from webmap.forms import BaseForm
from webmap.models.answers import MAX_ANSWER
from webmap.models.vocab import APPEAL_STATUS

COMMENT = Length(max=2000)


class VersionedForm(BaseForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1)])


class StatusForm(VersionedForm):
    status = SelectField(_l("Новый статус"), choices=[(s, s) for s in APPEAL_STATUS])
    duplicate_of = IntegerField(_l("Дубликат обращения №"), validators=[Optional(), NumberRange(min=1)])
    comment = TextAreaField(_l("Комментарий"), validators=[COMMENT])
    public_note = TextAreaField(_l("Ответ для жителей"), validators=[Length(max=2000)])


class CategoryForm(VersionedForm):
    category = SelectField(_l("Категория"), validators=[DataRequired()])


class PlaceForm(VersionedForm):
    """Either a click on the map (lon/lat) or a typed address."""

    lon = FloatField(validators=[Optional(), NumberRange(min=-180, max=180)])
    lat = FloatField(validators=[Optional(), NumberRange(min=-90, max=90)])
    address = StringField(_l("Адрес"), validators=[Optional(), Length(max=300)])


class MergeForm(VersionedForm):
    others = StringField(_l("Номера обращений через запятую"), validators=[DataRequired(), Length(max=500)])


class SplitForm(VersionedForm):
    messages = SelectMultipleField(_l("Сообщения"), coerce=int, validate_choice=False)


class WorkForm(VersionedForm):
    type_code = SelectField(_l("Вид работы"), validators=[DataRequired()])
    crew_id = SelectField(_l("Бригада"), coerce=int, validators=[Optional()])
    also = StringField(_l("Ещё обращения (номера через запятую)"), validators=[Optional(), Length(max=500)])
    public_note = TextAreaField(_l("Описание для жителей"), validators=[Length(max=2000)])


class AnswerForm(BaseForm):
    """An answer to the resident; it may go out at once, so it carries no case version."""

    text = TextAreaField(_l("Ответ жителю"), validators=[Length(max=MAX_ANSWER)])  # empty: the service says so


class RetryForm(BaseForm):
    pass


class QueueFilter(BaseForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    status = SelectField(
        _l("Статус"),
        choices=[("open", _l("открытые")), ("all", _l("все")), *APPEAL_STATUS.choices()],
        default="open",
        validators=[Optional()],
    )
    category = SelectField(_l("Категория"), validators=[Optional()])
    unplaced = HiddenField()


def parse_ids(text: str) -> list[int]:
    """``"12, 15 №20"`` → ``[12, 15, 20]``; ValueError for anything else."""
    cleaned = text.replace("№", " ").replace(";", ",").replace(" ", ",")
    ids = [int(p) for p in cleaned.split(",") if p.strip()]
    if not ids or any(i < 1 for i in ids) or len(ids) > 100:
        raise ValueError(text)
    return ids
