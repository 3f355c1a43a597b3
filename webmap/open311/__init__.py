"""Open311 GeoReport v2 at ``/open311/v2/`` (discovery at ``/open311/discovery.{json,xml}``).

Other systems read the public cases and submit requests with an API key; see README.md
("Open311 and OpenAPI"). Every answer, errors included, is in the format the path asks.
"""

from flask import Blueprint

bp = Blueprint("open311", __name__, url_prefix="/open311")

from webmap.open311 import views  # noqa: E402,F401
