"""Pages for residents: no login, no personal data."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from webmap.public import views  # noqa: E402,F401
