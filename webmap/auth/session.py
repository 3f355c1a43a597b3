"""flask-login: how a request's user is found, and what happens to a disabled one."""

from __future__ import annotations

from flask import Flask, session
from flask_babel import gettext
from flask_login import user_loaded_from_cookie

from webmap.auth.roles import N_
from webmap.extensions import db, login_manager
from webmap.models import User

# flask-login flashes these through localize_callback (gettext) at request time.
LOGIN_MESSAGE = N_("Войдите, чтобы открыть эту страницу.")
REFRESH_MESSAGE = N_("Войдите ещё раз, чтобы подтвердить, что это вы.")


def configure_login_manager(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = LOGIN_MESSAGE
    login_manager.login_message_category = "info"
    login_manager.needs_refresh_message = REFRESH_MESSAGE
    login_manager.needs_refresh_message_category = "info"
    login_manager.localize_callback = gettext
    # "strong": a session whose client address or browser changes is dropped with its remember cookie.
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    user_loaded_from_cookie.connect(_bind_session_to_client, app)


def load_user(user_id: str) -> User | None:
    """The user of a session or remember cookie, re-read on every request.

    A disabled user (``active`` false) is not loaded, so a session opened before the
    account was disabled stops working at its next request; a changed role applies at once.
    """
    try:
        key = int(user_id)
    except (TypeError, ValueError):
        return None
    user = db.session.get(User, key)
    if user is None or not user.active:
        return None
    return user


def _bind_session_to_client(app: Flask, user: User | None = None, **extra: object) -> None:
    """A session restored from the remember cookie gets the client identifier of "strong"
    protection; without it flask-login would drop the session at the next request."""
    session["_id"] = login_manager._session_identifier_generator()
