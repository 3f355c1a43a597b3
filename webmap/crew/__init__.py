"""The crew's phone-sized page: assigned works nearest first, navigation, marking done with a photo."""

from flask import Blueprint

bp = Blueprint("crew", __name__, url_prefix="/crew")

from webmap.crew import views  # noqa: E402,F401
