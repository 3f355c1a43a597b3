"""``/admin/users``: the accounts, their roles and state, and the audit trail of changes to them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from webmap.admin import bp
from webmap.auth.roles import role_label
from webmap.errors import page_on_error
from webmap.extensions import db
from webmap.forms import BaseForm
from webmap.models import User
from webmap.models.constants import ROLES
from webmap.services import users as accounts

ACTIONS = {
    "create": _l("создан"),
    "role": _l("роль"),
    "disable": _l("отключён"),
    "enable": _l("включён"),
    "password": _l("новый пароль"),
}


def _role_choices() -> list[tuple[str, str]]:
    return [(r, role_label(r)) for r in ROLES]


class NewUserForm(BaseForm):
    username = StringField(_l("Имя пользователя"), validators=[DataRequired(), Length(max=100)])
    full_name = StringField(_l("ФИО"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Роль"), validators=[DataRequired()])
    password = PasswordField(_l("Пароль"), validators=[DataRequired(), Length(max=1024)])


class RoleForm(BaseForm):
    role = SelectField(_l("Роль"), validators=[DataRequired()])


def _page(
    status: int = 200, new_password: tuple[str, str] | None = None, form: NewUserForm | None = None
) -> tuple[str, int]:
    form = form or NewUserForm()
    form.role.choices = _role_choices()
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.username)).all()
    return (
        render_template(
            "admin/users.html",
            form=form,
            role_form=RoleForm(),
            roles=_role_choices(),
            users=users,
            changes=accounts.recent_changes(),
            new_password=new_password,
            actions=ACTIONS,
            role_label=role_label,
        ),
        status,
    )


@page_on_error("admin")
def _again() -> str | None:
    """After a refused change the users page again, with the message flashed."""
    if request.endpoint and request.endpoint.startswith("admin.user"):
        return _page()[0]
    return None


@bp.get("/users")
def users() -> ResponseReturnValue:
    return _page()


@bp.post("/users")
def user_create() -> ResponseReturnValue:
    form = NewUserForm()
    form.role.choices = _role_choices()
    if not form.validate_on_submit():
        return _page(400, form=form)
    user = accounts.create_user(
        form.username.data or "", form.role.data or "", form.full_name.data, form.password.data or "", current_user
    )
    db.session.commit()
    flash(_("Пользователь %(name)s создан.", name=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/role")
def user_role(user_id: int) -> ResponseReturnValue:
    form = RoleForm()
    form.role.choices = _role_choices()
    user = accounts.user_or_404(user_id)
    if not form.validate_on_submit():
        return _page(400)
    accounts.change_role(user, form.role.data or "", current_user)
    db.session.commit()
    flash(_("Роль пользователя %(name)s изменена.", name=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/active")
def user_active(user_id: int) -> ResponseReturnValue:
    form = BaseForm()
    user = accounts.user_or_404(user_id)
    if not form.validate_on_submit():
        return _page(400)
    active = request.form.get("active") == "1"
    accounts.set_active(user, active, current_user)
    db.session.commit()
    if active:
        flash(_("Пользователь %(name)s включён.", name=user.username), "success")
    else:
        flash(_("Пользователь %(name)s отключён.", name=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/password")
def user_password(user_id: int) -> ResponseReturnValue:
    """A new random password, shown once on this answer (never put in a cookie or a flash)."""
    form = BaseForm()
    user = accounts.user_or_404(user_id)
    if not form.validate_on_submit():
        return _page(400)
    password = accounts.reset_password(user, current_user)
    db.session.commit()
    response = _page(200, new_password=(user.username, password))
    return response[0], response[1], {"Cache-Control": "no-store"}
