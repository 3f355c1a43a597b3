"""Running webmap for real: health, request logs, backups, production serving."""

from flask import Blueprint

bp = Blueprint("ops", __name__)

from webmap.ops import health  # noqa: E402,F401
