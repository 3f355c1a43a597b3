"""Pages of the management centre's operators: the queue of cases and each case."""

from flask import Blueprint

bp = Blueprint("operator", __name__, url_prefix="/operator")

from webmap.operator import intake, views, works  # noqa: E402,F401
