"""The district dashboard: figures, charts, planning maps, receptions and exports.

Pages are for the administration's roles (analyst, operator; admin passes every
check). Only the public exports (``/dashboard/export/public.geojson`` and the
``public=1`` variants) are open to everyone, and they carry no personal data.
"""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

VIEWERS = ("analyst", "operator")  # and admin, who passes every role check
EDITORS = ("admin",)

from webmap.dashboard import document, downloads, formatting, views  # noqa: E402,F401
