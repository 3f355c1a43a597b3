"""A client of Open311 that knows only the GeoReport v2 specification, for the tests.

It reads JSON, or XML with defusedxml (the Spark convention turned back into lists and
dicts), and checks every answer against the OpenAPI document with openapi-core.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from defusedxml import ElementTree as SafeET
from flask.testing import FlaskClient
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from webmap.api.openapi import document

# the spec's list elements and their items' element names
LISTS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def _xml_text(value: bytes, **parameters: str) -> str:
    """An XML answer as openapi-core sees it: its text, once defusedxml found it well-formed."""
    SafeET.fromstring(value)
    return value.decode(parameters.get("charset", "utf-8"))


@cache
def openapi() -> OpenAPI:
    config = Config(extra_media_type_deserializers={"text/xml": _xml_text})
    return OpenAPI.from_dict(document("http://localhost/"), config=config)


class _AnsweredRequest(WerkzeugOpenAPIRequest):
    """The request of an answer: its body was read by the app, and an answer's check needs none."""

    @property
    def body(self) -> bytes:
        return b""


def check_against_openapi(response: Any) -> None:
    """The answer is one the OpenAPI document describes (status, media type, schema)."""
    openapi().validate_response(_AnsweredRequest(response.request), WerkzeugOpenAPIResponse(response))


def from_xml(element: Any) -> Any:
    """An element back to JSON-like data; leaves stay text (None when empty)."""
    if element.tag in LISTS:
        assert all(child.tag == LISTS[element.tag] for child in element), element.tag
        return [from_xml(child) for child in element]
    if len(element):
        return {child.tag: from_xml(child) for child in element}
    return element.text


def as_xml_text(value: Any) -> Any:
    """JSON data with its leaves written as XML writes them (true, 61.742, None for null)."""
    if isinstance(value, dict):
        return {k: as_xml_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_xml_text(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or value == "":
        return None
    return str(value)


def parse(response: Any) -> Any:
    """The answer's data, from JSON or from XML by its Content-Type."""
    content_type = response.headers["Content-Type"]
    assert "charset=utf-8" in content_type.lower(), content_type
    if content_type.startswith("application/json"):
        return json.loads(response.data)
    assert content_type.startswith("text/xml"), content_type
    assert response.data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return from_xml(SafeET.fromstring(response.data))


class Open311Client:
    """GET and POST of GeoReport v2 under /open311/v2, both formats, every answer checked."""

    def __init__(self, client: FlaskClient, root: str = "/open311/v2") -> None:
        self.client = client
        self.root = root

    def get(self, resource: str, fmt: str = "json", **params: Any) -> tuple[int, Any]:
        response = self.client.get(f"{self.root}/{resource}.{fmt}", query_string=params)
        check_against_openapi(response)
        return response.status_code, parse(response)

    def both(self, resource: str, **params: Any) -> tuple[int, Any]:
        """JSON and XML of the same resource: the same status and the same data."""
        status, data = self.get(resource, "json", **params)
        xml_status, xml_data = self.get(resource, "xml", **params)
        assert status == xml_status
        assert as_xml_text(data) == xml_data
        return status, data

    def post(self, fmt: str = "json", data: Any = None, **kwargs: Any) -> tuple[int, Any]:
        response = self.client.post(f"{self.root}/requests.{fmt}", data=data, **kwargs)
        check_against_openapi(response)
        return response.status_code, parse(response)
