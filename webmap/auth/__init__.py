"""Users, roles and logging in: the ``auth`` blueprint and its set-up.

Other blueprints protect their views with :func:`webmap.auth.roles.role_required`
(or :func:`webmap.auth.roles.restrict_blueprint` for a whole blueprint).
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__, url_prefix="/auth")

# Login throttling defaults (see webmap.auth.throttling); each may be set in the app config.
THROTTLE_DEFAULTS = {
    "WEBMAP_LOGIN_MAX_FAILURES": 5,  # failures per username ...
    "WEBMAP_LOGIN_MAX_FAILURES_PER_IP": 20,  # ... and per client address (an office shares one)
    "WEBMAP_LOGIN_WINDOW_MINUTES": 15,  # within this many minutes
    "WEBMAP_LOGIN_LOCKOUT_MINUTES": 15,  # lock further attempts this long
    "WEBMAP_LOGIN_ATTEMPTS_KEEP_DAYS": 30,  # then rows of login_attempts are deleted
}


def init_app(app: Flask) -> None:
    """Bind flask-login, register the blueprint, the 403 page and the role helpers."""
    from webmap.auth import models  # noqa: F401  (registers login_attempts for migrations)
    from webmap.auth.roles import forbidden, has_role, role_label
    from webmap.auth.session import configure_login_manager

    for key, value in THROTTLE_DEFAULTS.items():
        app.config.setdefault(key, value)
    configure_login_manager(app)
    app.register_blueprint(bp)
    app.register_error_handler(403, forbidden)
    app.jinja_env.globals["has_role"] = has_role
    app.jinja_env.globals["role_label"] = role_label


from webmap.auth import views  # noqa: E402,F401
