"""The login form. Labels are lazy: the form class is built before any request."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _  # lazy, and named _ so that pybabel extracts it
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Regexp

from webmap.auth.accounts import PASSWORD_MAX, USERNAME_MAX, USERNAME_PATTERN


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    username = StringField(
        _("Имя пользователя"),
        filters=[_strip],
        validators=[
            InputRequired(message=_("Введите имя пользователя.")),
            Length(max=USERNAME_MAX, message=_("Имя пользователя не длиннее %(max)d символов.", max=USERNAME_MAX)),
            Regexp(USERNAME_PATTERN, message=_("В имени пользователя допустимы буквы, цифры и знаки . _ @ -")),
        ],
        render_kw={
            "autocomplete": "username",
            "autocapitalize": "none",
            "spellcheck": "false",
            "autofocus": True,
            "maxlength": USERNAME_MAX,
        },
    )
    password = PasswordField(
        _("Пароль"),
        validators=[
            InputRequired(message=_("Введите пароль.")),
            Length(max=PASSWORD_MAX, message=_("Пароль не длиннее %(max)d символов.", max=PASSWORD_MAX)),
            # HMAC pads keys with zero bytes: "secret" and "secret\0" would hash alike
            Regexp(r"^[^\x00]*$", message=_("Пароль содержит недопустимые символы.")),
        ],
        render_kw={"autocomplete": "current-password", "maxlength": PASSWORD_MAX},
    )
    remember = BooleanField(_("Запомнить меня на этом устройстве"))
    next = HiddenField()
    submit = SubmitField(_("Войти"))
