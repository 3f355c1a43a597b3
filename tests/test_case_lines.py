"""A case on a street or a stretch keeps that line: stored, drawn for operators, never shown as a house."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient
from geoalchemy2 import Geography
from geoalchemy2.shape import to_shape
from shapely.geometry import shape
from sqlalchemy import func, select

from webmap.extensions import db
from webmap.ingest.pipeline import Importer
from webmap.ingest.readers import RawMessage
from webmap.models import Address, Appeal, SourceMessage
from webmap.services.cases import place_case
from webmap.services.triage import triage_message

TOWN = "75.54,61.72,75.66,61.765"


def _ingest(text: str, external_id: str, channel: str = "vk") -> Appeal:
    raw = RawMessage(
        channel=channel,
        external_id=external_id,
        text=text,
        posted_at=datetime(2026, 11, 1, 9, tzinfo=UTC),
        raw={"id": external_id, "text": text},
        author="Иван Петров",
    )
    Importer(triage_message).run([raw])
    msg = db.session.scalar(select(SourceMessage).where(SourceMessage.external_id == external_id))
    assert msg is not None and msg.appeal is not None
    return msg.appeal


def test_a_stretch_is_stored_as_a_line_with_its_point_on_it(app_ctx: None) -> None:
    case = _ingest("на Геологов от Мира до Ленина сплошные ямы", "seg-1")
    assert case.precision == "segment" and case.address == "улица Геологов от улицы Мира до улицы Ленина"
    assert case.line is not None and to_shape(case.line).geom_type == "LineString"
    on_line = db.session.scalar(select(func.ST_DWithin(Appeal.point, Appeal.line, 1e-6)).where(Appeal.id == case.id))
    assert on_line is True
    street = db.session.scalar(select(func.ST_Length(Appeal.line)).where(Appeal.id == case.id))
    assert 0 < street < to_shape(case.line).length * 1.001


def test_an_unknown_house_stores_the_street_line_and_asks_for_review(app_ctx: None) -> None:
    case = _ingest("на Северной возле дома 120 яма", "street-1")
    assert case.precision == "street" and case.line is not None
    msg = case.messages[0]
    assert "120" in msg.triage["review"]


def test_another_town_opens_a_case_without_a_point_and_says_why(app_ctx: None) -> None:
    case = _ingest("Пишу из Пыть-Яха: на Советской 5 нет света", "away-1")
    assert case.point is None and case.line is None and case.precision == "none"
    assert case.messages[0].triage["note"] == "другой населённый пункт: Пыть-Ях"


def test_markup_stays_on_the_message_untouched(app_ctx: None) -> None:
    text = "<p>На&nbsp;ул.&nbsp;Мира,&nbsp;д.&nbsp;5 яма</p> [id77|Ольга Смирнова]"
    case = _ingest(text, "pos-1", channel="pos")
    assert case.messages[0].text == text and case.precision == "house"
    kinds = {(text[s:e], k) for s, e, k in case.messages[0].triage["pii"]}
    assert ("[id77|Ольга Смирнова]", "name") in kinds


def _features(client: FlaskClient, url: str, **params: Any) -> dict[str, Any]:
    params.setdefault("bbox", TOWN)
    params.setdefault("zoom", 16)
    response = client.get(url, query_string=params)
    assert response.status_code == 200
    return {f["id"]: f for f in response.get_json()["features"]}


def test_operators_get_the_line_the_public_the_point(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    case = _ingest("на Мира между домами 21 и 27 темно", "seg-2")
    case.status = "in_work"
    db.session.flush()
    auth.login("operator")
    feature = _features(client, "/api/operator/features", case_status="in_work")[f"case-{case.id}"]
    line = feature["properties"]["line"]
    assert line["type"] == "LineString" and shape(line).equals_exact(to_shape(case.line), 1e-5)
    assert feature["geometry"]["type"] == "Point" and feature["properties"]["precision"] == "segment"
    auth.logout()
    public = _features(client, "/api/features", case_status="in_work")[f"case-{case.id}"]
    assert "line" not in public["properties"] and public["geometry"]["type"] == "Point"
    lon, lat = public["geometry"]["coordinates"]
    nearest = db.session.scalar(
        select(func.min(func.ST_Distance(Address.geom.cast(Geography), func.ST_MakePoint(lon, lat).cast(Geography))))
    )
    assert nearest > 3.0  # a stretch is shown as a point on the street, never as one of its houses
    detail = client.get(f"/api/features/case/{case.id}").get_json()
    assert "line" not in detail["properties"] and detail["geometry"]["type"] == "Point"


def test_the_operator_s_point_replaces_the_line(app_ctx: None) -> None:
    case = _ingest("на Геологов от Мира до Ленина ямы", "seg-3")
    place_case(case, 75.59, 61.745, None, expected_version=case.version)
    db.session.flush()
    assert case.line is None and case.precision == "street" and case.placed_by == "operator"


def test_the_case_page_draws_the_line(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    case = _ingest("на Геологов от Мира до Ленина ямы", "seg-4")
    db.session.flush()
    auth.login("operator")
    page = client.get(f"/operator/cases/{case.id}").get_data(as_text=True)
    found = re.search(r'data-line="([^"]*)"', page)
    assert found is not None
    line = json.loads(html.unescape(found.group(1)))  # the attribute holds the whole GeoJSON, escaped
    assert line["type"] == "LineString" and len(line["coordinates"]) >= 2


def test_the_case_page_says_what_to_check(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    away = _ingest("Пишу из Пыть-Яха: на Советской 5 нет света", "away-2")
    unknown = _ingest("на Северной возле дома 120 яма", "street-2")
    db.session.flush()
    auth.login("operator")
    page = client.get(f"/operator/cases/{away.id}").get_data(as_text=True)
    assert "Проверьте место" in page and "другой населённый пункт: Пыть-Ях" in page
    page = client.get(f"/operator/cases/{unknown.id}").get_data(as_text=True)
    assert "дом 120 не найден" in page
