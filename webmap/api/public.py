"""Public endpoints (no login): works and cases by bbox, popups, photos, the base map."""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, request, send_file
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from webmap.api import bp
from webmap.api.errors import error, json_body, json_text
from webmap.extensions import db
from webmap.maps.audience import PUBLIC, Audience
from webmap.maps.detail import public_case, public_work
from webmap.maps.features import MapSettings, features_in_view
from webmap.maps.layers import districts_geojson, houses_geojson, landmarks_geojson, streets_geojson
from webmap.maps.params import BBox, check_known, parse_bbox, parse_int, single
from webmap.maps.query import feature_query
from webmap.models import Work, WorkPhoto

BASE_MAX_AGE = 300  # seconds a browser may keep the gazetteer layers


def map_settings() -> MapSettings:
    config = current_app.config
    return MapSettings(
        max_features=int(config["WEBMAP_MAP_MAX_FEATURES"]),
        cell_px=int(config["WEBMAP_MAP_CLUSTER_CELL_PX"]),
        fixed_max_age_days=int(config["WEBMAP_PUBLIC_FIXED_MAX_AGE_DAYS"]),
        tz=config["WEBMAP_TIMEZONE"],
        locale=str(get_locale() or "ru"),
    )


def features_response(audience: Audience) -> Response:
    query = feature_query(request.args, audience)
    return json_text(features_in_view(query, audience, map_settings()))


@bp.get("/features")
def features() -> Response:
    """Completed works and cases in work inside ``bbox``; see README for the parameters."""
    return features_response(PUBLIC)


@bp.get("/features/<kind>/<int:item_id>")
def feature(kind: str, item_id: int) -> Response:
    """One item's popup: what, where, when, and the public posts that asked for it."""
    check_known(request.args, ())
    locale = str(get_locale() or "ru")
    found = public_work(item_id, locale) if kind == "work" else public_case(item_id, locale) if kind == "case" else None
    if found is None:
        return error(404, "not_found", _("Нет такого объекта на публичной карте."))
    return json_body(found)


@bp.get("/photos/<int:photo_id>")
def photo(photo_id: int) -> Response:
    """A photo taken after a work was done (stored without EXIF)."""
    row = db.session.execute(
        select(WorkPhoto.path)
        .join(Work)
        .where(WorkPhoto.id == photo_id, WorkPhoto.stage == "after", Work.status == "done")
    ).first()
    if row is None:
        return error(404, "not_found", _("Нет такой фотографии."))
    root = Path(current_app.config["WEBMAP_UPLOAD_DIR"]).resolve()
    path = (root / row.path).resolve()
    if root not in path.parents or not path.is_file():
        return error(404, "not_found", _("Нет такой фотографии."))
    response = send_file(path, max_age=86400)
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.get("/base/districts")
def base_districts() -> Response:
    check_known(request.args, ())
    return json_body(districts_geojson(), max_age=BASE_MAX_AGE)


def _bbox_and_zoom() -> tuple[BBox, int]:
    """The view of a base-layer request: ``bbox`` and ``zoom``, and nothing else."""
    check_known(request.args, ("bbox", "zoom"))
    return parse_bbox(single(request.args, "bbox")), parse_int("zoom", single(request.args, "zoom"), 0, 22)


@bp.get("/base/streets")
def base_streets() -> Response:
    """Street lines inside ``bbox``, simplified for ``zoom``."""
    return json_body(streets_geojson(*_bbox_and_zoom()), max_age=BASE_MAX_AGE)


@bp.get("/base/houses")
def base_houses() -> Response:
    """House numbers inside ``bbox`` (none below zoom 16)."""
    return json_body(houses_geojson(*_bbox_and_zoom()), max_age=BASE_MAX_AGE)


@bp.get("/base/landmarks")
def base_landmarks() -> Response:
    check_known(request.args, ())
    return json_body(landmarks_geojson(), max_age=BASE_MAX_AGE)
