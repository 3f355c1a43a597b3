"""Jinja globals shared by every blueprint's templates."""
from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for

from webmap import labels


def url_with(**changes: Any) -> str:
    """The current page's URL with some query arguments replaced (pagers, filters)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def base_layers() -> dict[str, Any]:
    """Districts and streets as GeoJSON: the town's own base map for small page maps."""
    from webmap.maps.layers import districts_geojson, streets_geojson

    return {"districts": districts_geojson(), "streets": streets_geojson()}


def register(app: Flask) -> None:
    labels.register(app)
    app.jinja_env.globals.update(url_with=url_with, base_layers=base_layers)
