"""webmap: a map of a town's problems and of the work that fixes them."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import get_locale

from webmap.config import DEFAULT_SECRET, PROJECT_ROOT, from_env, sqlalchemy_url
from webmap.extensions import babel, db, migrate


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, overridden by ``config``."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.update(from_env())
    if config:
        app.config.update(config)
    _refuse_default_secret_in_production(app)

    from webmap import (
        models,  # noqa: F401  (registers the tables for migrations)
        replica,
    )

    if app.config.get("WEBMAP_REPLICA_URL"):
        binds = dict(app.config.get("SQLALCHEMY_BINDS") or {})
        binds.update(replica.settings(sqlalchemy_url(str(app.config["WEBMAP_REPLICA_URL"]))))
        app.config["SQLALCHEMY_BINDS"] = binds
    db.init_app(app)
    replica.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    babel.init_app(app, locale_selector=_select_locale)
    app.jinja_env.globals["get_locale"] = get_locale

    # auth & security: cookies, CSRF, headers/CSP (webmap/security.py); flask-login, roles (webmap/auth)
    from webmap import auth, errors, security

    security.init_app(app)
    auth.init_app(app)
    errors.register(app)  # typed errors of the services -> 400/404/409 pages (JSON: webmap.api.errors)

    from webmap import templating
    from webmap.admin import bp as admin_bp
    from webmap.operator import bp as operator_bp
    from webmap.public import bp as public_bp

    templating.register(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(operator_bp)

    # maps: the map API and the crew page (webmap/api, webmap/crew)
    from webmap.api import bp as api_bp
    from webmap.crew import bp as crew_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(crew_bp)
    app.register_blueprint(admin_bp)

    from webmap.dashboard import bp as dashboard_bp  # district dashboard

    app.register_blueprint(dashboard_bp)

    from webmap.hooks import bp as hooks_bp  # the monitor: VK Callback API, Telegram webhook

    app.register_blueprint(hooks_bp)
    from webmap.ops import bp as ops_bp
    from webmap.ops import logs

    app.register_blueprint(ops_bp)
    logs.init_app(app)
    _behind_proxy(app)
    from webmap.open311 import bp as open311_bp  # Open311 GeoReport v2 for other systems

    app.register_blueprint(open311_bp)

    from webmap.commands import register_commands

    register_commands(app)
    return app


def _behind_proxy(app: Flask) -> None:
    """Trust ``WEBMAP_PROXY_HOPS`` reverse proxies' X-Forwarded-* headers (client address, scheme, host),
    so login throttling and secure cookies see the real client."""
    hops = int(app.config.get("WEBMAP_PROXY_HOPS") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)  # type: ignore[method-assign]


def _select_locale() -> str:
    """Russian unless the visitor asks for another supported language (``?lang=en``)."""
    from flask import current_app

    supported = current_app.config["WEBMAP_LOCALES"]
    asked = request.args.get("lang")
    if asked is not None and asked in supported:
        return asked
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _refuse_default_secret_in_production(app: Flask) -> None:
    if app.config["WEBMAP_ENV"] == "production" and app.config["SECRET_KEY"] == DEFAULT_SECRET:
        raise RuntimeError("WEBMAP_SECRET_KEY must be set in production")
