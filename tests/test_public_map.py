"""The public map page as served: base layers, completed works, nothing from other hosts."""
from __future__ import annotations

import json
import re

from flask.testing import FlaskClient

from tests import factories
from webmap.extensions import db

def _js(text: str) -> str:
    return json.dumps(text)[1:-1]


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def test_map_page_has_town_and_local_leaflet(app_ctx: None, client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "/static/vendor/leaflet/leaflet.js" in page
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "cdn" not in page.lower()
    # streets and districts are the base map (folium writes them as escaped JSON)
    assert _js("улица Мира") in page and _js("1-й микрорайон") in page
    assert 'lang="ru"' in page and "Карта работ" in page


def test_only_done_works_are_drawn(app_ctx: None, client: FlaskClient) -> None:
    factories.work(note="Готово у школы", status="done")
    factories.work(note="Ещё в планах", status="planned")
    db.session.flush()
    page = client.get("/").get_data(as_text=True)
    assert "Готово у школы" in page
    assert "Ещё в планах" not in page


def test_hostile_note_is_escaped(app_ctx: None, client: FlaskClient) -> None:
    factories.work(note='<script>alert("x")</script><img src=x onerror=alert(1)>')
    db.session.flush()
    page = client.get("/").get_data(as_text=True)
    assert '<script>alert("x")' not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_note_cannot_break_out_of_a_js_template_literal(app_ctx: None, client: FlaskClient) -> None:
    factories.work(note="`); alert(1); (` ${alert(2)}")
    db.session.flush()
    page = client.get("/").get_data(as_text=True)
    assert "alert(1)" in page  # kept as text...
    assert "`); alert(1)" not in page and "${alert(2)}" not in page  # ...but inert


def test_english_is_available(app_ctx: None, client: FlaskClient) -> None:
    page = client.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in page and "Map of works" in page and "Карта работ" not in page
