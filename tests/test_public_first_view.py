"""The public page carries the town-wide answer of /api/features, so its first markers need no request."""

from __future__ import annotations

import html
import json
import re

from flask.testing import FlaskClient

from tests import maps_seed as seed
from webmap.extensions import db


def first_view(page: str) -> dict:
    found = re.search(r'data-first="([^"]*)"', page)
    assert found, "the map element carries the first view"
    return json.loads(html.unescape(found.group(1)))


def test_the_page_embeds_the_town_wide_answer(app_ctx: None, client: FlaskClient) -> None:
    done = seed.work(note="Готово у школы", status="done")
    planned = seed.work(note="Ещё в планах", status="planned")
    db.session.flush()
    page = client.get("/").get_data(as_text=True)
    fc = first_view(page)
    assert fc["type"] == "FeatureCollection"
    ids = [f["id"] for f in fc["features"]]
    assert f"work-{done.id}" in ids and f"work-{planned.id}" not in ids  # the public's default filters
    assert "Готово у школы" not in page  # the popup's text still comes by request
    cfg = json.loads(html.unescape(re.search(r'data-config="([^"]*)"', page).group(1)))
    (south, west), (north, east) = cfg["bounds"]
    api = client.get("/api/features", query_string={"bbox": f"{west},{south},{east},{north}", "zoom": 14}).get_json()
    assert fc == api


def test_the_embedded_answer_cannot_break_out_of_its_attribute(app_ctx: None, client: FlaskClient) -> None:
    seed.work(note="<script>alert(1)</script>", status="done")
    db.session.flush()
    page = client.get("/").get_data(as_text=True)
    found = re.search(r'data-first="([^"]*)"', page)
    assert found and "<" not in found.group(1) and "'" not in found.group(1)
    assert "<script>alert" not in page
