"""Answer templates: the texts operators' answers start from, per category and status."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from webmap.admin import bp
from webmap.extensions import db
from webmap.forms import BaseForm
from webmap.models import AnswerTemplate
from webmap.models.answers import MAX_ANSWER
from webmap.models.queries import reference
from webmap.models.vocab import APPEAL_STATUS
from webmap.services.answers import PLACEHOLDERS


class TemplateForm(BaseForm):
    category = SelectField(_l("Категория"))
    status = SelectField(_l("Статус"))
    text = TextAreaField(_l("Текст"), validators=[DataRequired(), Length(max=MAX_ANSWER)])


class DeleteForm(BaseForm):
    pass


def _form(template: AnswerTemplate | None = None) -> TemplateForm:
    form = TemplateForm(obj=None)
    if template is not None and not form.is_submitted():
        form.category.data = template.category_code or ""
        form.status.data = template.status or ""
        form.text.data = template.text
    form.category.choices = [("", _("любая"))] + reference.category_choices()
    form.status.choices = [("", _("любой")), *APPEAL_STATUS.choices()]
    return form


def _save(form: TemplateForm, template: AnswerTemplate) -> None:
    template.category_code = form.category.data or None
    template.status = form.status.data or None
    template.text = (form.text.data or "").strip()
    db.session.add(template)
    db.session.commit()


@bp.route("/templates", methods=["GET", "POST"])
def answer_templates() -> ResponseReturnValue:
    form = _form()
    status = 200
    if form.validate_on_submit():
        _save(form, AnswerTemplate())
        flash(_("Шаблон добавлен."), "success")
        return redirect(url_for("admin.answer_templates"))
    if form.is_submitted():
        status = 400
    rows = list(
        db.session.scalars(
            select(AnswerTemplate).order_by(
                AnswerTemplate.category_code.nulls_last(), AnswerTemplate.status.nulls_last(), AnswerTemplate.id
            )
        )
    )
    categories = dict(reference.category_choices())
    return (
        render_template(
            "admin/templates.html",
            form=form,
            rows=rows,
            categories=categories,
            placeholders=PLACEHOLDERS,
            delete=DeleteForm(),
        ),
        status,
    )


@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
def answer_template_edit(template_id: int) -> ResponseReturnValue:
    template = db.session.get(AnswerTemplate, template_id)
    if template is None:
        abort(404)
    form = _form(template)
    if form.validate_on_submit():
        _save(form, template)
        flash(_("Шаблон сохранён."), "success")
        return redirect(url_for("admin.answer_templates"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/template_edit.html", form=form, template=template, placeholders=PLACEHOLDERS), status


@bp.post("/templates/<int:template_id>/delete")
def answer_template_delete(template_id: int) -> ResponseReturnValue:
    template = db.session.get(AnswerTemplate, template_id)
    if template is None:
        abort(404)
    if not DeleteForm().validate_on_submit():
        abort(400)
    db.session.delete(template)
    db.session.commit()
    flash(_("Шаблон удалён."), "success")
    return redirect(url_for("admin.answer_templates"))
