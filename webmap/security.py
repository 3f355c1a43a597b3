"""Web security shared by every page: cookies, CSRF, and the response headers.

- Session and remember-me cookies are HttpOnly, SameSite=Lax, and Secure when
  ``WEBMAP_SECURE_COOKIES`` is on or ``WEBMAP_ENV`` is ``production``.
- CSRF: Flask-WTF's ``CSRFProtect`` guards every POST/PUT/PATCH/DELETE of the
  app. Forms carry ``{{ form.csrf_token }}`` (or ``csrf_token()``); scripts send
  the token of ``<meta name="csrf-token">`` in an ``X-CSRFToken`` header. A view
  that must take token-less requests from other systems (an Open311 POST, say)
  is exempted explicitly with ``csrf.exempt`` and must then authenticate otherwise.
- Every response carries a Content-Security-Policy with a per-request nonce:
  inline ``<script>`` tags run only if they carry ``nonce="{{ csp_nonce() }}"``;
  HTML rendered elsewhere (folium) gets the nonce from the ``nonce_scripts`` filter.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from webmap.extensions import csrf

PERMISSIONS_POLICY = "geolocation=(self), camera=(self), microphone=()"
# A <script opening tag with no nonce attribute yet.
_SCRIPT_TAG = re.compile(r"<script(?![^>]*\snonce\s*=)(?=[\s>/])", re.IGNORECASE)
# What may stand in a CSP host source: no spaces, quotes, semicolons or commas.
_HOST_SOURCE = re.compile(r"^(?:https?|wss?)://[A-Za-z0-9*.\-\[\]:]+$")


def init_app(app: Flask) -> None:
    """Cookie flags, app-wide CSRF, security headers and the CSP nonce helpers."""
    _configure_cookies(app)
    app.before_request(_forget_per_request_values)  # these two before CSRFProtect's check,
    app.before_request(_limit_urlencoded_body)  # which is the first to read a form
    app.before_request(_limit_json_body)
    csrf.init_app(app)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.filters["nonce_scripts"] = nonce_scripts
    app.jinja_env.filters["web_url"] = web_url
    app.after_request(set_security_headers)
    app.register_error_handler(CSRFError, _csrf_refused)


def secure_cookies_wanted(app: Flask) -> bool:
    explicit = app.config.get("WEBMAP_SECURE_COOKIES")
    if isinstance(explicit, str):
        explicit = explicit.strip().lower() in {"1", "true", "yes", "on"}
    return (
        bool(explicit) or bool(app.config.get("SESSION_COOKIE_SECURE")) or app.config.get("WEBMAP_ENV") == "production"
    )


def _configure_cookies(app: Flask) -> None:
    secure = secure_cookies_wanted(app)
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config["REMEMBER_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", app.config["SESSION_COOKIE_SAMESITE"])
    # the browser's expiry; the server refuses older logins itself (webmap.auth.session)
    app.config.setdefault(
        "REMEMBER_COOKIE_DURATION", timedelta(days=float(app.config.get("WEBMAP_LOGIN_MAX_AGE_DAYS", 14)))
    )


def _forget_per_request_values() -> None:
    """The CSP nonce, Flask-WTF's CSRF token and flask-login's user are cached on ``g``,
    which lives as long as the app context; one context may span several requests (a
    test or a script that pushed it). Each request starts afresh: its own nonce, and
    the token and the user read from its own session."""
    g.pop("_csp_nonce", None)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    g.pop("_login_user", None)


def _limit_urlencoded_body() -> None:
    """Apply ``MAX_FORM_MEMORY_SIZE`` to a url-encoded body as a whole.

    Werkzeug limits each field of a multipart body to it, but reads a url-encoded one
    whole, however large; our forms are small, so a bigger one is refused with 413.
    """
    limit = current_app.config.get("MAX_FORM_MEMORY_SIZE")
    if limit and request.mimetype == "application/x-www-form-urlencoded":
        current = request.max_content_length
        request.max_content_length = limit if current is None else min(current, limit)


def _limit_json_body() -> None:
    """A JSON body larger than ``WEBMAP_JSON_MAX_BYTES`` is refused with 413 when read."""
    limit = current_app.config.get("WEBMAP_JSON_MAX_BYTES")
    if limit and request.is_json:
        current = request.max_content_length
        request.max_content_length = int(limit) if current is None else min(current, int(limit))


def csp_nonce() -> str:
    """The nonce of this response's Content-Security-Policy (one per request)."""
    nonce = g.get("_csp_nonce")
    if nonce is None:
        nonce = g._csp_nonce = secrets.token_urlsafe(18)
    return nonce


def nonce_scripts(html: str) -> str:
    """Give every ``<script>`` tag of trusted, generated HTML (folium's) the request's nonce.

    Only for HTML the application generated itself: a nonce added to markup that
    carries user input would let that input run.
    """
    if not html:
        return html
    return _SCRIPT_TAG.sub(f'<script nonce="{csp_nonce()}"', str(html))


def web_url(url: object) -> str | None:
    """``url`` if it is an absolute http(s) link with a host, else None: imported ``javascript:``,
    ``data:``, ``vbscript:`` or relative URLs are never made into links (templates show them as text).
    """
    if not isinstance(url, str) or not url or len(url) > 2000:
        return None
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return None  # browsers drop tabs and newlines: "java\tscript:" would run
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or "\\" in url:
        return None
    return url


def tile_source(url: str | None) -> str | None:
    """The CSP host source of a Leaflet tile URL template, or None if same-origin/unusable.

    ``https://{s}.tiles.town.ru/{z}/{x}/{y}.png`` -> ``https://*.tiles.town.ru``.
    """
    if not url:
        return None
    parts = urlsplit(url.strip())
    if not parts.netloc:
        return None  # a relative URL: tiles served by this app, covered by 'self'
    host = parts.netloc.rsplit("@", 1)[-1]
    labels = host.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    host = ".".join(labels)
    if "{" in host or "}" in host:
        return None
    source = f"{parts.scheme or 'https'}://{host}"
    return source if _HOST_SOURCE.match(source) else None


def content_security_policy() -> str:
    img = ["'self'", "data:", "blob:"]
    tiles = tile_source(current_app.config.get("WEBMAP_TILE_URL"))
    if tiles:
        img.append(tiles)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", f"'nonce-{csp_nonce()}'"],
        "style-src": ["'self'", "'unsafe-inline'"],  # Leaflet and folium set inline styles
        "img-src": img,
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def set_security_headers(response: Response) -> Response:
    """Added to every response; a view may set its own value of any of them first."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    if current_app.config.get("WEBMAP_ENV") == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _csrf_refused(error: CSRFError) -> ResponseReturnValue:
    message = _("Форма устарела или отправлена не с этого сайта. Обновите страницу и попробуйте ещё раз.")
    if _wants_json():
        return jsonify(error="csrf", message=message), 400
    return render_template("auth/error.html", title=_("Запрос отклонён"), message=message), 400
