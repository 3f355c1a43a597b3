"""Work types (admins add their own) and each category's answer deadline."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from webmap.admin import bp
from webmap.extensions import db
from webmap.forms import BaseForm
from webmap.models import Category, WorkType

CODE = Regexp(r"^[a-z][a-z0-9_]{1,49}$", message=_l("латинские строчные буквы, цифры и _"))


class WorkTypeForm(BaseForm):
    code = StringField(_l("Код"), validators=[DataRequired(), CODE])
    name_ru = StringField(_l("Название"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Название (англ.)"), validators=[DataRequired(), Length(max=200)])
    icon = StringField(_l("Значок (код типа для цвета на карте)"), validators=[Optional(), CODE])


class DeadlineForm(BaseForm):
    code = StringField(validators=[DataRequired(), CODE])
    deadline_days = IntegerField(_l("Срок, дней"), validators=[Optional(), NumberRange(min=1, max=365)])


@bp.route("/work-types", methods=["GET", "POST"])
def work_types() -> ResponseReturnValue:
    form = WorkTypeForm()
    status = 200
    if form.validate_on_submit():
        if db.session.get(WorkType, form.code.data):
            form.code.errors = [*form.code.errors, _("Такой код уже есть.")]
            status = 400
        else:
            db.session.add(
                WorkType(
                    code=form.code.data,
                    name_ru=(form.name_ru.data or "").strip(),  # DataRequired: never None here
                    name_en=(form.name_en.data or "").strip(),
                    icon=form.icon.data or "other",
                )
            )
            db.session.commit()
            flash(_("Вид работы добавлен."), "success")
            return redirect(url_for("admin.work_types"))
    elif form.is_submitted():
        status = 400
    types = db.session.scalars(select(WorkType).order_by(WorkType.name_ru)).all()
    return render_template("admin/work_types.html", form=form, types=types), status


@bp.route("/categories", methods=["GET", "POST"])
def categories() -> ResponseReturnValue:
    form = DeadlineForm()
    status = 200
    if form.validate_on_submit():
        category = db.session.get(Category, form.code.data)
        if category is None:
            status = 404
        else:
            category.deadline_days = form.deadline_days.data
            db.session.commit()
            flash(_("Срок сохранён."), "success")
            return redirect(url_for("admin.categories"))
    elif form.is_submitted():
        status = 400
    rows = db.session.scalars(select(Category).order_by(Category.name_ru)).all()
    return render_template("admin/categories.html", form=form, categories=rows), status
