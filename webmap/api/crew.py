"""Crew endpoints: the crew's own assigned works, nearest first."""

from __future__ import annotations

from flask import Response, request
from flask_babel import gettext as _
from flask_login import current_user

from webmap.api import bp
from webmap.api.errors import json_body
from webmap.auth.roles import role_required
from webmap.maps.crew_works import assigned_works
from webmap.maps.params import BadParameter, check_known, parse_float, single


@bp.get("/crew/works")
@role_required("crew")
def crew_works() -> Response:
    """The current crew's open works; with ``lat`` and ``lon`` sorted by distance from there."""
    check_known(request.args, ("lat", "lon"))
    raw_lat, raw_lon = single(request.args, "lat"), single(request.args, "lon")
    if bool(raw_lat) != bool(raw_lon):
        raise BadParameter("lat" if not raw_lat else "lon", _("lat и lon задаются вместе."))
    lat = parse_float("lat", raw_lat, -90, 90) if raw_lat else None
    lon = parse_float("lon", raw_lon, -180, 180) if raw_lon else None
    return json_body({"works": assigned_works(current_user.id, lat, lon)})
