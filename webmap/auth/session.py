"""flask-login: how a request's user is found, and when a session or remember cookie stops working.

The session and the remember-me cookie carry a token ``"<user id>:<session version>:<login time>"``
(``User.session_token``, handed to flask-login by ``User.get_id``), signed by Flask and
flask-login. Every request re-reads the user and checks it:

- the user's ``session_version`` must still be the token's: a new password, a role change,
  disabling or enabling the account, and logging out raise it, so every session and remember
  cookie opened before ends at once (logging out means "log out everywhere", which also
  revokes a cookie someone captured);
- the login must be younger than ``WEBMAP_LOGIN_MAX_AGE_DAYS``: a remember cookie is refused
  by the server after that, whatever expiry the browser was told.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, session
from flask_babel import gettext

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
    # "basic", not "strong": crews move between mobile networks and Wi-Fi all day, and "strong"
    # dropped the session at every change of address. A stolen cookie is handled by the session
    # version instead (logging out or a new password ends it); "basic" still marks such a
    # session not fresh.
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)


def _parse(token: str) -> tuple[int, int, int] | None:
    parts = token.split(":") if isinstance(token, str) else []
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return None  # an old plain-id token, or garbage: log in again
    user_id, version, issued = (int(p) for p in parts)
    return user_id, version, issued


def load_user(token: str) -> User | None:
    """The user of a session or remember cookie, re-read on every request; None if the token ended.

    A disabled user (``active`` false) is not loaded either; a role change ends the token.
    """
    parsed = _parse(token)
    if parsed is None:
        _refuse()
        return None
    user_id, version, issued = parsed
    max_age = float(current_app.config.get("WEBMAP_LOGIN_MAX_AGE_DAYS", 14)) * 86400
    if not -60 <= time.time() - issued <= max_age:  # a minute's grace for clocks of other workers
        _refuse()
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        _refuse()
        return None
    user._session_token = token
    return user


def _refuse() -> None:
    """Forget the ended token: its session keys go, and the remember cookie is deleted."""
    for key in ("_user_id", "_fresh", "_id"):
        session.pop(key, None)
    session["_remember"] = "clear"
