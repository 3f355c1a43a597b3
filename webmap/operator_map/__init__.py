"""The operator's map (/operator/map): every case, unplaced ones beside it, heat, placing by a click."""

from flask import Blueprint

bp = Blueprint("operator_map", __name__, url_prefix="/operator/map")

from webmap.operator_map import views  # noqa: E402,F401
