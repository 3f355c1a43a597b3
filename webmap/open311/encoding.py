"""Open311 answers in JSON and XML from one value, as GeoReport v2 prescribes.

The JSON is the XML by the Spark convention: a list is an element whose children all have
its item name (``services``/``service``, ``service_requests``/``request``, ``attributes``/
``attribute`` ...), a dict is an element of elements, ``True`` is ``true``, ``None`` an empty
element. The XML is built with ElementTree (no string pasting), UTF-8 with its declaration.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from flask import Response

FORMATS = {"json": "application/json", "xml": "text/xml"}
# element name of a list -> element name of each of its items
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
# XML 1.0 has no way to carry these characters: they are left out of XML answers.
_XML_ILLEGAL = {c: None for c in range(0x20) if c not in (0x9, 0xA, 0xD)} | {0xFFFE: None, 0xFFFF: None}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).translate(_XML_ILLEGAL)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        child = ITEMS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, child), item)
    elif value is not None:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    """``value`` as the XML document whose root element is ``root``."""
    element = ET.Element(root)
    _fill(element, value)
    ET.indent(element)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="unicode").encode("utf-8")


def answer(fmt: str, root: str, value: Any, status: int = 200) -> Response:
    """The response in ``fmt`` (json or xml); ``root`` names the XML root element."""
    if fmt == "json":
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    else:
        body = to_xml(root, value)
    response = Response(body, status=status, content_type=f"{FORMATS[fmt]}; charset=utf-8")
    response.headers["Cache-Control"] = "no-cache"
    return response


def errors(fmt: str, status: int, *descriptions: str) -> Response:
    """The spec's error list: ``[{"code": status, "description": ...}]`` / ``<errors><error>...``."""
    return answer(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status)
