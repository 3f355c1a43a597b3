"""Role checks for views: ``role_required`` and friends.

Roles are ``admin``, ``operator``, ``crew`` and ``analyst`` (webmap.models.constants.ROLES);
an admin passes every role check. An anonymous visitor is sent to the login page
(with ``next``), a logged-in user without the role gets 403. Pages and the JSON API
declare roles the same way; in a blueprint marked with :func:`json_blueprint` the
refusals are JSON (401 for an anonymous caller, 403)::

    from webmap.auth.roles import role_required

    @bp.get("/queue")
    @role_required("operator")
    def queue(): ...

    restrict_blueprint(bp, "crew")   # every view of a blueprint

    json_blueprint(api_bp)           # /api/...: {"error": "unauthorized"}, 401, not a redirect
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required  # noqa: F401  (login_required: any role)
from werkzeug.exceptions import HTTPException

from webmap.extensions import login_manager
from webmap.models.constants import ROLES

F = TypeVar("F", bound=Callable[..., Any])


def N_(msgid: str) -> str:
    """Mark a msgid for pybabel; it is translated where it is shown."""
    return msgid


ROLE_LABELS = {
    "admin": N_("администратор"),
    "operator": N_("оператор"),
    "crew": N_("бригада"),
    "analyst": N_("аналитик"),
}


def _checked(roles: tuple[str, ...]) -> tuple[str, ...]:
    if not roles:
        raise ValueError("name at least one role")
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise ValueError(f"unknown role(s) {unknown}; roles are {ROLES}")
    return roles


def has_role(*roles: str, user: Any = None) -> bool:
    """Whether ``user`` (the current user by default) is logged in with one of ``roles``, or is admin."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == "admin" or user.role in roles


_json_blueprints: set[str] = set()


def json_blueprint(bp: Blueprint) -> None:
    """Refuse in JSON in ``bp``'s views: 401 instead of the login redirect, a JSON 403."""
    _json_blueprints.add(bp.name)


def _json_refusal(status: int) -> ResponseReturnValue:
    if status == 401:
        body = {"error": "unauthorized", "message": _("Войдите, чтобы пользоваться этим адресом.")}
    else:
        body = {"error": "forbidden", "message": _("У вашей учётной записи нет прав на это действие.")}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, status


def refusal(roles: tuple[str, ...]) -> ResponseReturnValue | None:
    """None when the current user may pass; else the login redirect (401 in JSON) or a 403."""
    if request.method == "OPTIONS":
        return None
    json = request.blueprint in _json_blueprints
    if not current_user.is_authenticated:
        return _json_refusal(401) if json else login_manager.unauthorized()
    if not has_role(*roles):
        if json:
            return _json_refusal(403)
        abort(403)
    return None


def role_required(*roles: str) -> Callable[[F], F]:
    """Let only users with one of ``roles`` (or admins) through; see the module's doc."""
    allowed = _checked(roles)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            refused = refusal(allowed)
            if refused is not None:
                return refused
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def restrict_blueprint(bp: Blueprint, *roles: str) -> None:
    """Apply ``role_required(*roles)`` to every view of ``bp``."""
    allowed = _checked(roles)
    bp.before_request(lambda: refusal(allowed))


def role_label(role: str) -> str:
    """The role's name for people, in the page's language."""
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role


def forbidden(error: HTTPException) -> ResponseReturnValue:
    message = _("У вашей учётной записи нет прав на эту страницу.")
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify(error="forbidden", message=message), 403
    return render_template("auth/error.html", title=_("Доступ запрещён"), message=message), 403
