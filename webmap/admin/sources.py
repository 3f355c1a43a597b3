"""``/admin/sources``: the watched sources, their state, cursor, last run and error; add, pause, resume, run now."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import FloatField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from webmap.admin import bp
from webmap.extensions import db
from webmap.forms import BaseForm
from webmap.models import Source
from webmap.models.constants import SOURCE_KINDS
from webmap.monitor.sources import SourceInputError, add_source, all_sources, set_state

KIND_LABELS = {
    "vk-wall": _l("Стена ВКонтакте"),
    "vk-search": _l("Поиск ВКонтакте"),
    "telegram-bot": _l("Бот Telegram"),
    "ok-group": _l("Группа Одноклассников"),
}
STATE_LABELS = {
    "active": _l("работает"),
    "paused": _l("приостановлен"),
    "unavailable": _l("недоступен"),
    "token_invalid": _l("ключ доступа недействителен"),
}
ACTIONS = ("pause", "resume", "run")


class SourceForm(BaseForm):
    kind = SelectField(_l("Вид"), choices=[(k, KIND_LABELS[k]) for k in SOURCE_KINDS])
    target = StringField(
        _l("Что читать (id владельца стены, запрос, id группы)"), validators=[Optional(), Length(max=200)]
    )
    name = StringField(_l("Название"), validators=[Optional(), Length(max=200)])
    near = StringField(_l("Рядом с точкой (широта, долгота)"), validators=[Optional(), Length(max=60)])
    radius = FloatField(_l("Радиус, м"), validators=[Optional(), NumberRange(min=1, max=100_000)])


class ActionForm(BaseForm):
    source_id = HiddenField(validators=[DataRequired()])
    action = HiddenField(validators=[DataRequired()])


@bp.route("/sources", methods=["GET", "POST"])
def sources() -> ResponseReturnValue:
    form = SourceForm()
    status = 200
    if form.validate_on_submit():
        try:
            source = add_source(
                form.kind.data, form.target.data, name=form.name.data, near=form.near.data, radius=form.radius.data
            )
        except SourceInputError as exc:
            db.session.rollback()
            form.target.errors = [*form.target.errors, str(exc)]
            status = 400
        else:
            db.session.commit()
            flash(_("Источник %(name)s добавлен.", name=source.name), "success")
            return redirect(url_for("admin.sources"))
    elif form.is_submitted():
        status = 400
    return render_template(
        "admin/sources.html",
        form=form,
        action_form=ActionForm(),
        sources=all_sources(),
        kinds=KIND_LABELS,
        states=STATE_LABELS,
    ), status


@bp.route("/sources/action", methods=["POST"])
def source_action() -> ResponseReturnValue:
    """Pause, resume or run now one source (a form per button, CSRF-checked)."""
    form = ActionForm()
    if not form.validate_on_submit() or form.action.data not in ACTIONS or not str(form.source_id.data).isdigit():
        flash(_("Неверный запрос."), "error")
        return redirect(url_for("admin.sources")), 303
    source = db.session.get(Source, int(str(form.source_id.data)))
    if source is None:
        flash(_("Нет такого источника."), "error")
        return redirect(url_for("admin.sources")), 303
    try:
        set_state(source, form.action.data)
    except SourceInputError:
        db.session.rollback()
        flash(_("Источник не работает: сначала возобновите его."), "error")
        return redirect(url_for("admin.sources")), 303
    db.session.commit()
    if form.action.data == "run":
        from webmap.monitor.jobs import defer_now

        queued = defer_now(source.id)
        flash(
            _("Источник поставлен в очередь.") if queued else _("Источник прочитается в ближайшую минуту."), "success"
        )
    else:
        flash(_("Состояние: %(state)s.", state=STATE_LABELS[source.state]), "success")
    return redirect(url_for("admin.sources")), 303
