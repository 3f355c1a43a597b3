"""Pages of the management centre's operators: the queue of cases, each case, the works and the map."""

from flask import Blueprint

bp = Blueprint("operator", __name__, url_prefix="/operator")

from webmap.operator import answers, intake, map_page, views, works  # noqa: E402,F401
