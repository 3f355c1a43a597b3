"""Webhooks the channels call: the VK Callback API and the Telegram Bot API webhook.

CSRF-exempt (the callers are servers) and authenticated instead by a shared
secret: VK's ``secret`` field, the Telegram webhook's secret path (and its
``X-Telegram-Bot-Api-Secret-Token`` header when one is configured).
"""

from flask import Blueprint

from webmap.extensions import csrf

bp = Blueprint("hooks", __name__, url_prefix="/hooks")
csrf.exempt(bp)

from webmap.hooks import views  # noqa: E402,F401
