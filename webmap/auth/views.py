"""Log in, log out, and the page of one's own account."""

from __future__ import annotations

import math
from datetime import datetime

from flask import redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from webmap.auth import bp, throttling
from webmap.auth.accounts import USERNAME_MAX, find_user, normalize_username, verify_password
from webmap.auth.forms import LoginForm
from webmap.auth.redirects import default_home, safe_next
from webmap.extensions import db


def client_ip() -> str:
    """The client's address as the WSGI server saw it (behind a proxy, configure ProxyFix)."""
    return (request.remote_addr or "unknown")[:45]


def _redisplayable(form: LoginForm) -> LoginForm:
    """Echo back only what is worth it: no over-long name, no unsafe ``next``, no odd checkbox value."""
    if not isinstance(form.username.data, str) or len(form.username.data) > USERNAME_MAX:
        form.username.data = ""
    form.next.data = safe_next(form.next.data) or ""
    form.remember.raw_data = []
    return form


def _locked(form: LoginForm, until: datetime, moment: datetime) -> ResponseReturnValue:
    seconds = max(1, math.ceil((until - moment).total_seconds()))
    message = _(
        "Слишком много неудачных попыток входа. Попробуйте снова через %(minutes)d мин.",
        minutes=math.ceil(seconds / 60),
    )
    body = render_template("auth/login.html", form=_redisplayable(form), alert=message)
    return body, 429, {"Retry-After": str(seconds)}


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or default_home())
    # Only the form body counts: a JSON or multipart body cannot smuggle non-text values in.
    form = LoginForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=_redisplayable(form))

    username = normalize_username(form.username.data or "")  # DataRequired: never empty here
    ip = client_ip()
    throttling.serialize(username, ip)
    moment = throttling.now()
    throttling.prune(moment)
    until = throttling.locked_until(username, ip, moment)
    if until is not None:
        throttling.record(username, ip, "locked", moment)
        db.session.commit()
        return _locked(form, until, moment)

    user = find_user(username)
    password_ok = verify_password(user, form.password.data or "")  # as slow for a missing user
    if user is not None and password_ok and user.active:
        throttling.record(username, ip, "success", moment)
        db.session.commit()
        session.clear()  # nothing from before the login survives into the user's session
        user.begin_login()
        login_user(user, remember=form.remember.data)
        return redirect(safe_next(form.next.data) or default_home())

    throttling.record(username, ip, "failure", moment)
    db.session.commit()
    until = throttling.locked_until(username, ip, moment)
    if until is not None:
        return _locked(form, until, moment)
    if password_ok:  # the right password of a disabled account: say why, it reveals nothing new
        alert = _("Учётная запись отключена. Обратитесь к администратору.")
    else:
        alert = _("Неверное имя пользователя или пароль.")
    return render_template("auth/login.html", form=_redisplayable(form), alert=alert)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Log out everywhere: every session and remember cookie of the user ends, a copied one too."""
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    session.clear()
    logout_user()  # after clear(): it marks the remember cookie for deletion
    return redirect(url_for("public.index"))


@bp.get("/account")
@login_required
def account() -> ResponseReturnValue:
    return render_template("auth/account.html", user=current_user)
