"""The OpenAPI 3.1 document of webmap's machine interfaces: the map API (``/api``) and Open311.

Written out here by hand, path by path, so it says what the code answers (the tests check
every real answer they get against it with openapi-core). Parameters and fields are named
exactly as the endpoints read and write them; see README.md for what each one is for.
"""

from __future__ import annotations

from typing import Any

JSON = "application/json"
XML = "text/xml"
FORM = "application/x-www-form-urlencoded"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, description: str, schema: dict[str, Any] | None = None, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _path_param(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _api_error(description: str) -> dict[str, Any]:
    return _json(description, _ref("ApiError"))


# -- the map API -----------------------------------------------------------------------------------

BBOX = _query(
    "bbox",
    "The view: west,south,east,north in degrees (lon/lat).",
    {"type": "string", "pattern": r"^[^,]+,[^,]+,[^,]+,[^,]+$"},
    required=True,
)
ZOOM = _query("zoom", "The map's zoom, 0–22.", {"type": "integer", "minimum": 0, "maximum": 22}, required=True)
FEATURE_FILTERS = [
    BBOX,
    ZOOM,
    _query("layers", "Comma list of works, cases."),
    _query("type", "Comma list of work types."),
    _query("category", "Comma list of case categories."),
    _query("work_status", "Comma list of work statuses (public: done, in_work)."),
    _query("case_status", "Comma list of case statuses (public: accepted, in_work, done)."),
    _query("district", "A district's code."),
    _query("from", "First day, YYYY-MM-DD (town time).", {"type": "string", "format": "date"}),
    _query("to", "Last day, YYYY-MM-DD (town time).", {"type": "string", "format": "date"}),
    _query("old", "1: also fixed items older than the public map's age.", {"type": "string", "enum": ["0", "1"]}),
    _query("lang", "en for English titles.", {"type": "string", "enum": ["ru", "en"]}),
]
LOGIN_ERRORS = {
    "401": _api_error("Not logged in."),
    "403": _api_error("The account's role may not use this."),
}


def map_paths() -> dict[str, Any]:
    bad = {"400": _api_error("A bad or missing parameter (its name in `parameter`).")}
    collection = _json(
        "GeoJSON FeatureCollection (RFC 7946), clustered when the view holds many items.", _ref("FeatureCollection")
    )
    base = _json("GeoJSON FeatureCollection of the base map.", _ref("FeatureCollection"))
    return {
        "/api/features": {
            "get": {
                "tags": ["map"],
                "summary": "Completed works and cases in work inside a view",
                "operationId": "features",
                "parameters": FEATURE_FILTERS,
                "responses": {"200": collection, **bad},
            }
        },
        "/api/features/{kind}/{item_id}": {
            "get": {
                "tags": ["map"],
                "summary": "One item's popup: what, where, when, public sources, photos",
                "operationId": "feature",
                "parameters": [
                    _path_param("kind", "work or case", {"type": "string", "enum": ["work", "case"]}),
                    _path_param("item_id", "The item's id.", {"type": "integer"}),
                ],
                "responses": {
                    "200": _json("A GeoJSON Feature with the popup's properties.", _ref("Feature")),
                    "404": _api_error("Not on the public map."),
                    **bad,
                },
            }
        },
        "/api/photos/{photo_id}": {
            "get": {
                "tags": ["map"],
                "summary": "A photo taken after a work was done (no EXIF)",
                "operationId": "photo",
                "parameters": [_path_param("photo_id", "The photo's id.", {"type": "integer"})],
                "responses": {
                    "200": {
                        "description": "The image.",
                        "content": {"image/*": {"schema": {"type": "string", "contentMediaType": "image/*"}}},
                    },
                    "404": _api_error("No such public photo."),
                },
            }
        },
        "/api/base/districts": {
            "get": {
                "tags": ["base map"],
                "summary": "District outlines",
                "operationId": "baseDistricts",
                "responses": {"200": base, **bad},
            }
        },
        "/api/base/landmarks": {
            "get": {
                "tags": ["base map"],
                "summary": "Landmarks",
                "operationId": "baseLandmarks",
                "responses": {"200": base, **bad},
            }
        },
        "/api/base/streets": {
            "get": {
                "tags": ["base map"],
                "summary": "Street lines inside a view, simplified for the zoom",
                "operationId": "baseStreets",
                "parameters": [BBOX, ZOOM],
                "responses": {"200": base, **bad},
            }
        },
        "/api/base/houses": {
            "get": {
                "tags": ["base map"],
                "summary": "House numbers inside a view (none below zoom 16)",
                "operationId": "baseHouses",
                "parameters": [BBOX, ZOOM],
                "responses": {"200": base, **bad},
            }
        },
        "/api/operator/features": {
            "get": {
                "tags": ["operator"],
                "summary": "Every case (and work) in a view, with the operator's fields",
                "operationId": "operatorFeatures",
                "parameters": [*FEATURE_FILTERS, _query("overdue", "1: only overdue open cases.")],
                "responses": {"200": collection, **bad, **LOGIN_ERRORS},
            }
        },
        "/api/operator/heat": {
            "get": {
                "tags": ["operator"],
                "summary": "Open cases in a view counted on a fine grid (a heat layer)",
                "operationId": "operatorHeat",
                "parameters": [
                    BBOX,
                    ZOOM,
                    _query("category", "Comma list of case categories."),
                    _query("district", "A district's code."),
                    _query("from", "First day, YYYY-MM-DD.", {"type": "string", "format": "date"}),
                    _query("to", "Last day, YYYY-MM-DD.", {"type": "string", "format": "date"}),
                    _query("overdue", "1: only overdue cases."),
                ],
                "responses": {"200": _json("Heat cells.", _ref("Heat")), **bad, **LOGIN_ERRORS},
            }
        },
        "/api/operator/unplaced": {
            "get": {
                "tags": ["operator"],
                "summary": "Open cases with no point yet, oldest first",
                "operationId": "operatorUnplaced",
                "parameters": [
                    _query("category", "Comma list of case categories."),
                    _query(
                        "limit", "At most this many (1–200, 50).", {"type": "integer", "minimum": 1, "maximum": 200}
                    ),
                    _query("offset", "Skip this many.", {"type": "integer", "minimum": 0}),
                ],
                "responses": {"200": _json("A page of unplaced cases.", _ref("Unplaced")), **bad, **LOGIN_ERRORS},
            }
        },
        "/api/cases/{case_id}/place": {
            "post": {
                "tags": ["operator"],
                "summary": "Put a case where the operator clicked",
                "operationId": "placeCase",
                "description": "Needs the session's `X-CSRFToken` header.",
                "parameters": [_path_param("case_id", "The case's id.", {"type": "integer"})],
                "requestBody": {
                    "required": True,
                    "content": {
                        JSON: {
                            "schema": {
                                "type": "object",
                                "required": ["lon", "lat", "version"],
                                "properties": {
                                    "lon": {"type": "number", "minimum": -180, "maximum": 180},
                                    "lat": {"type": "number", "minimum": -90, "maximum": 90},
                                    "version": {"type": "integer", "minimum": 1},
                                    "address": {"type": ["string", "null"], "maxLength": 300},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(
                        "Placed; the case as the operator's map shows it.",
                        {
                            "type": "object",
                            "required": ["ok", "case"],
                            "properties": {"ok": {"const": True}, "case": _ref("Feature")},
                        },
                    ),
                    **bad,
                    **LOGIN_ERRORS,
                    "404": _api_error("No such case."),
                    "409": _api_error("The case changed since `version` (the current one in `version`)."),
                },
            }
        },
        "/api/crew/works": {
            "get": {
                "tags": ["crew"],
                "summary": "The crew's open works, nearest first",
                "operationId": "crewWorks",
                "parameters": [
                    _query("lat", "Where the crew stands.", {"type": "number", "minimum": -90, "maximum": 90}),
                    _query("lon", "Where the crew stands.", {"type": "number", "minimum": -180, "maximum": 180}),
                ],
                "responses": {
                    "200": _json(
                        "The works.",
                        {
                            "type": "object",
                            "required": ["works"],
                            "properties": {"works": {"type": "array", "items": {"type": "object"}}},
                        },
                    ),
                    **bad,
                    **LOGIN_ERRORS,
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "tags": ["documentation"],
                "summary": "This document",
                "operationId": "openapi",
                "responses": {"200": _json("OpenAPI 3.1.", {"type": "object", "required": ["openapi", "paths"]})},
            }
        },
    }


MAP_SCHEMAS: dict[str, Any] = {
    "ApiError": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "A code: bad_parameter, not_found, unauthorized ..."},
            "message": {"type": "string", "description": "What was wrong, in the asked language."},
            "parameter": {"type": "string"},
            "version": {"type": ["integer", "null"]},
        },
    },
    "Feature": {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": ["string", "integer"]},
            "geometry": {"type": ["object", "null"]},
            "properties": {"type": ["object", "null"]},
        },
    },
    "FeatureCollection": {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {"type": "array", "items": _ref("Feature")},
            "zoom": {"type": "integer"},
            "clustered": {"type": "boolean"},
            "total": {"type": "integer"},
            "cells": {"type": "integer"},
        },
    },
    "Heat": {
        "type": "object",
        "required": ["points", "max"],
        "properties": {
            "points": {
                "type": "array",
                "items": {
                    "type": "array",
                    "prefixItems": [{"type": "number"}, {"type": "number"}, {"type": "integer"}],
                },
            },
            "max": {"type": "integer"},
            "total": {"type": "integer"},
        },
    },
    "Unplaced": {
        "type": "object",
        "required": ["total", "limit", "offset", "items"],
        "properties": {
            "total": {"type": "integer"},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "items": {"type": "array", "items": {"type": "object", "required": ["id", "category", "status"]}},
        },
    },
}

# -- Open311 GeoReport v2 --------------------------------------------------------------------------

FORMAT = _path_param("format", "json or xml (the same data).", {"type": "string", "enum": ["json", "xml"]})
JURISDICTION = _query("jurisdiction_id", "Optional; must match the configured one when that is set.")
NULLABLE_STRING = {"type": ["string", "null"]}
W3C = {"type": ["string", "null"], "format": "date-time", "description": "W3C datetime with its offset."}


def _open311(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """An Open311 answer: JSON, or the same data as XML (Spark convention)."""
    return {
        "description": description,
        "content": {
            JSON: {"schema": schema},
            XML: {"schema": {"type": "string", "description": "The same data as XML."}},
        },
    }


def _open311_errors(*codes: str) -> dict[str, Any]:
    words = {
        "400": "A bad request: a missing or bad parameter (named in the description).",
        "403": "Missing or invalid api_key.",
        "404": "No such resource, service, jurisdiction, request or token, or an unknown format.",
        "405": "Method not allowed.",
    }
    return {code: _open311(words[code], _ref("Open311Errors")) for code in codes}


def open311_paths() -> dict[str, Any]:
    return {
        "/open311/discovery.{format}": {
            "get": {
                "tags": ["Open311"],
                "summary": "Service discovery",
                "operationId": "open311Discovery",
                "parameters": [FORMAT],
                "responses": {"200": _open311("Where the endpoint is.", _ref("Discovery")), **_open311_errors("404")},
            }
        },
        "/open311/v2/services.{format}": {
            "get": {
                "tags": ["Open311"],
                "summary": "GET Service List: one service per case category",
                "operationId": "open311Services",
                "parameters": [FORMAT, JURISDICTION],
                "responses": {
                    "200": _open311("The services.", {"type": "array", "items": _ref("Service")}),
                    **_open311_errors("400", "404"),
                },
            }
        },
        "/open311/v2/services/{service_code}.{format}": {
            "get": {
                "tags": ["Open311"],
                "summary": "GET Service Definition: the attributes of a service",
                "operationId": "open311ServiceDefinition",
                "parameters": [_path_param("service_code", "The service's code."), FORMAT, JURISDICTION],
                "responses": {
                    "200": _open311("The definition.", _ref("ServiceDefinition")),
                    **_open311_errors("400", "404"),
                },
            }
        },
        "/open311/v2/requests.{format}": {
            "get": {
                "tags": ["Open311"],
                "summary": "GET Service Requests: what the public map shows",
                "operationId": "open311Requests",
                "description": "By default the requests of the last 90 days (at most 1000, newest first). "
                "`service_request_id` overrides every other filter. With `api_key`, also the requests "
                "submitted with that key that are not published yet.",
                "parameters": [
                    FORMAT,
                    JURISDICTION,
                    _query("service_request_id", "Comma list of request ids."),
                    _query("service_code", "Comma list of service codes."),
                    _query("start_date", "Earliest requested_datetime (W3C).", {"type": "string"}),
                    _query(
                        "end_date",
                        "Latest requested_datetime (W3C); at most 90 days after start_date.",
                        {"type": "string"},
                    ),
                    _query("status", "Comma list of open, closed."),
                    _query("api_key", "Optional: also this key's own unpublished requests."),
                ],
                "responses": {
                    "200": _open311("The requests.", {"type": "array", "items": _ref("ServiceRequest")}),
                    **_open311_errors("400", "404"),
                },
            },
            "post": {
                "tags": ["Open311"],
                "summary": "POST Service Request (API key required)",
                "operationId": "open311CreateRequest",
                "description": "Form-encoded, UTF-8. A location is required: lat and long, address_string or "
                "address_id. Personal data (email, names, phone, device and account ids) is kept for the "
                "centre and never returned by any GET.",
                "parameters": [FORMAT],
                "requestBody": {
                    "required": True,
                    "content": {FORM: {"schema": _ref("ServiceRequestForm")}},
                },
                "responses": {
                    "200": _open311(
                        "The created (or joined) request, or its token for a batch service.",
                        {"type": "array", "items": _ref("CreatedRequest")},
                    ),
                    **_open311_errors("400", "403", "404"),
                },
            },
        },
        "/open311/v2/requests/{service_request_id}.{format}": {
            "get": {
                "tags": ["Open311"],
                "summary": "GET Service Request",
                "operationId": "open311Request",
                "parameters": [
                    _path_param("service_request_id", "The request's id."),
                    FORMAT,
                    JURISDICTION,
                    _query("api_key", "Optional: also a request this key submitted and not yet published."),
                ],
                "responses": {
                    "200": _open311(
                        "The request (a list of one).",
                        {"type": "array", "items": _ref("ServiceRequest"), "minItems": 1, "maxItems": 1},
                    ),
                    **_open311_errors("400", "404"),
                },
            }
        },
        "/open311/v2/tokens/{token}.{format}": {
            "get": {
                "tags": ["Open311"],
                "summary": "GET service_request_id from a token",
                "operationId": "open311Token",
                "parameters": [_path_param("token", "The token a POST answered."), FORMAT, JURISDICTION],
                "responses": {
                    "200": _open311(
                        "The request the token became.",
                        {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["service_request_id", "token"],
                                "properties": {"service_request_id": {"type": "integer"}, "token": {"type": "string"}},
                            },
                        },
                    ),
                    **_open311_errors("400", "404"),
                },
            }
        },
    }


OPEN311_SCHEMAS: dict[str, Any] = {
    "Open311Errors": {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "required": ["code", "description"],
            "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        },
    },
    "Discovery": {
        "type": "object",
        "required": ["changeset", "contact", "key_service", "endpoints"],
        "properties": {
            "changeset": {"type": "string"},
            "contact": {"type": "string"},
            "key_service": {"type": "string"},
            "endpoints": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["specification", "url", "changeset", "type", "formats"],
                    "properties": {
                        "specification": {"type": "string"},
                        "url": {"type": "string"},
                        "changeset": {"type": "string"},
                        "type": {"enum": ["production", "test"]},
                        "formats": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    },
    "Service": {
        "type": "object",
        "required": ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
        "properties": {
            "service_code": {"type": "string"},
            "service_name": {"type": "string"},
            "description": {"type": "string"},
            "metadata": {"type": "boolean"},
            "type": {"enum": ["realtime", "batch", "blackbox"]},
            "keywords": {"type": "string"},
            "group": {"type": "string"},
        },
    },
    "ServiceDefinition": {
        "type": "object",
        "required": ["service_code", "attributes"],
        "properties": {
            "service_code": {"type": "string"},
            "attributes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["variable", "code", "datatype", "required", "order", "description", "values"],
                    "properties": {
                        "variable": {"type": "boolean"},
                        "code": {"type": "string"},
                        "datatype": {
                            "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
                        },
                        "required": {"type": "boolean"},
                        "datatype_description": NULLABLE_STRING,
                        "order": {"type": "integer", "minimum": 1},
                        "description": {"type": "string"},
                        "values": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["key", "name"],
                                "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
                            },
                        },
                    },
                },
            },
        },
    },
    "ServiceRequest": {
        "type": "object",
        "required": ["service_request_id", "status", "service_code", "service_name", "requested_datetime"],
        "additionalProperties": False,  # nothing else may leave: no personal data, no message text
        "properties": {
            "service_request_id": {"type": "integer"},
            "status": {"enum": ["open", "closed"]},
            "status_notes": NULLABLE_STRING,
            "service_name": {"type": "string"},
            "service_code": {"type": "string"},
            "description": {"type": "null", "description": "Residents' own words are never published."},
            "agency_responsible": NULLABLE_STRING,
            "service_notice": NULLABLE_STRING,
            "requested_datetime": W3C,
            "updated_datetime": W3C,
            "expected_datetime": W3C,
            "address": {
                **NULLABLE_STRING,
                "description": "The gazetteer's house, or only the street for a case known from non-public channels.",
            },
            "address_id": {"type": ["integer", "null"]},
            "zipcode": NULLABLE_STRING,
            "lat": {"type": ["number", "null"], "description": "The public point (WGS84)."},
            "long": {"type": ["number", "null"], "description": "The public point (WGS84)."},
            "media_url": {**NULLABLE_STRING, "description": "A photo of the done work."},
        },
    },
    "ServiceRequestForm": {
        "type": "object",
        "required": ["api_key", "service_code"],
        "description": "Answers to the service's attributes as attribute[code]=value (attribute[code][]=value for lists).",
        "properties": {
            "api_key": {"type": "string"},
            "jurisdiction_id": {"type": "string"},
            "service_code": {"type": "string", "maxLength": 50},
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "long": {"type": "number", "minimum": -180, "maximum": 180},
            "address_string": {"type": "string", "maxLength": 300},
            "address_id": {"type": "integer"},
            "email": {"type": "string", "maxLength": 200},
            "device_id": {"type": "string", "maxLength": 200},
            "account_id": {"type": "string", "maxLength": 200},
            "first_name": {"type": "string", "maxLength": 100},
            "last_name": {"type": "string", "maxLength": 100},
            "phone": {"type": "string", "maxLength": 50},
            "description": {"type": "string", "maxLength": 4000},
            "media_url": {"type": "string", "maxLength": 2000},
        },
        "patternProperties": {r"^attribute\[[A-Za-z0-9_.\-]+\](\[\])?$": {"type": "string"}},
    },
    "CreatedRequest": {
        "type": "object",
        "required": ["service_notice", "account_id"],
        "properties": {
            "service_request_id": {"type": "integer"},
            "token": {"type": "string"},
            "service_notice": NULLABLE_STRING,
            "account_id": NULLABLE_STRING,
        },
        "oneOf": [{"required": ["service_request_id"]}, {"required": ["token"]}],
    },
}


def document(server_url: str) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document; ``server_url`` is this site's root."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "webmap",
            "version": "1",
            "description": "The map API of the town's problems and works, and Open311 GeoReport v2 "
            "(http://wiki.open311.org/GeoReport_v2) for other systems. Public answers carry no personal data.",
        },
        "servers": [{"url": server_url.rstrip("/") or "/"}],
        "tags": [
            {"name": "map", "description": "The public map (no login)."},
            {"name": "base map", "description": "The town's own base map."},
            {"name": "operator", "description": "Operators and admins (session login)."},
            {"name": "crew", "description": "Crews (session login)."},
            {"name": "Open311", "description": "GeoReport v2: JSON or XML by the path's extension."},
            {"name": "documentation"},
        ],
        "paths": {**map_paths(), **open311_paths()},
        "components": {"schemas": {**MAP_SCHEMAS, **OPEN311_SCHEMAS}},
    }
