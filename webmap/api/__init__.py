"""The map API: GeoJSON by bounding box for each audience, popups, base layers, placing a case.

``/api/...`` answers JSON only, errors included ({"error": ..., "message": ...}).
See README.md ("Maps and the map API") for the endpoints and their parameters.
"""

from flask import Blueprint

from webmap.auth.roles import json_blueprint

bp = Blueprint("api", __name__, url_prefix="/api")
json_blueprint(bp)  # role refusals answer 401/403 JSON

from webmap.api import crew, docs, errors, operator, public  # noqa: E402,F401
