"""The public map page."""
from __future__ import annotations

from flask import render_template

from webmap.maps.public import public_map
from webmap.public import bp


@bp.get("/")
def index() -> str:
    m = public_map()
    root = m.get_root()
    root.render()
    return render_template(
        "public/index.html",
        map_header=root.header.render(),
        map_html=root.html.render(),
        map_script=root.script.render(),
    )
