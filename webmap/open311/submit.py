"""POST requests: a client's form becomes a message of channel ``open311`` on the common pipeline.

The form is read strictly (UTF-8, at most MAX_BODY bytes and MAX_FIELDS fields, no NUL
bytes, each field within its length), so a bad request gets the spec's 400 and is never
half stored. The resident's name, e-mail, phone, device and account ids are personal data:
they are kept on the SourceMessage (author, author_id, phone, raw) and no GET returns them.
Triage fills what the client did not: the place from ``address_string`` and the description
when there is no ``lat``/``long``; the category is the service code; grouping with an open
case nearby and the deadline are the pipeline's.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Request
from flask_babel import gettext as _
from sqlalchemy import func, select, text

from webmap.extensions import db
from webmap.ingest.pipeline import Importer
from webmap.ingest.readers import RawMessage
from webmap.models import Address, ApiKey, District, SourceMessage
from webmap.open311.catalogue import attributes, categories
from webmap.open311.params import Open311Error, check_jurisdiction
from webmap.open311.public import CHANNEL

MAX_BODY = 64 * 1024
MAX_FIELDS = 100
LIMITS = {  # characters per field
    "api_key": 200,
    "jurisdiction_id": 100,
    "service_code": 50,
    "lat": 30,
    "long": 30,
    "address_string": 300,
    "address_id": 20,
    "email": 200,
    "device_id": 200,
    "account_id": 200,
    "first_name": 100,
    "last_name": 100,
    "phone": 50,
    "description": 4000,  # the spec's limit
    "media_url": 2000,
}
PERSONAL = ("email", "device_id", "account_id", "first_name", "last_name", "phone")
TOWN_MARGIN_M = 1000  # a point this far from every district and street is not in the town
_ATTRIBUTE = re.compile(r"attribute\[([A-Za-z0-9_.\-]{1,50})\](\[\])?")
_EMAIL = re.compile(r"[^@\s]{1,100}@[^@\s]{1,100}\.[^@\s]{1,50}")


@dataclass(frozen=True)
class Submitted:
    service_request_id: int | None
    token: str
    account_id: str | None
    joined: bool


def read_form(request: Request) -> dict[str, list[str]]:
    """The url-encoded body (and query) as lists of values; 400 for anything else."""
    if not request.mimetype and not request.content_length:
        return {}  # an empty request: no fields (so no key)
    if request.mimetype != "application/x-www-form-urlencoded":
        raise Open311Error(400, _("Ожидалось тело application/x-www-form-urlencoded (UTF-8)."))
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise Open311Error(400, _("Запрос больше %(n)s КБ.", n=MAX_BODY // 1024))
    body = request.get_data(cache=True)  # the length is known or capped by MAX_FORM_MEMORY_SIZE
    if len(body) > MAX_BODY:
        raise Open311Error(400, _("Запрос больше %(n)s КБ.", n=MAX_BODY // 1024))
    fields: dict[str, list[str]] = {}
    try:
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
        pairs += parse_qsl(request.query_string.decode("ascii"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise Open311Error(400, _("Запрос не в кодировке UTF-8.")) from exc
    if len(pairs) > MAX_FIELDS:
        raise Open311Error(400, _("Слишком много полей: не больше %(n)s.", n=MAX_FIELDS))
    for name, value in pairs:
        if "\x00" in name or "\x00" in value:
            raise Open311Error(400, _("Поле %(name)s содержит нулевой байт.", name=name.replace("\x00", "")[:50]))
        fields.setdefault(name, []).append(value)
    return fields


def _one(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise Open311Error(400, _("Поле %(name)s передано несколько раз.", name=name))
    value = values[0].strip()
    if len(value) > LIMITS.get(name, 200):
        raise Open311Error(400, _("%(name)s: не длиннее %(n)s символов.", name=name, n=LIMITS.get(name, 200)))
    return value or None  # an empty parameter is no parameter (the spec's "optional")


def api_key_of(fields: dict[str, list[str]]) -> str | None:
    return _one(fields, "api_key")


def _coordinate(name: str, value: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise Open311Error(400, _("%(name)s: ожидалось число (WGS84).", name=name)) from exc
    if not math.isfinite(number) or not low <= number <= high:
        raise Open311Error(400, _("%(name)s: число вне диапазона %(low)s…%(high)s.", name=name, low=low, high=high))
    return number


def in_town(lon: float, lat: float) -> bool:
    """Inside a district, or within TOWN_MARGIN_M of one or of a street of the gazetteer."""
    near = db.session.execute(
        text(
            "SELECT EXISTS (SELECT 1 FROM districts WHERE ST_DWithin(geom::geography, "
            "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :m)) OR EXISTS (SELECT 1 FROM streets "
            "WHERE ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :m))"
        ),
        {"lon": lon, "lat": lat, "m": TOWN_MARGIN_M},
    ).scalar()
    return bool(near)


def _district_of(lon: float, lat: float) -> str | None:
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    return db.session.scalar(select(District.name).where(func.ST_Contains(District.geom, point)).limit(1))


def _attributes(fields: dict[str, list[str]], code: str) -> dict[str, Any]:
    """``attribute[code]=v`` and ``attribute[code][]=v`` checked against the service definition."""
    defined = {a["code"]: a for a in attributes(code)}
    given: dict[str, Any] = {}
    for name, values in fields.items():
        if not name.startswith("attribute"):
            continue
        match = _ATTRIBUTE.fullmatch(name)
        if match is None or match.group(1) not in defined:
            raise Open311Error(400, _("Неизвестный атрибут %(name)s для услуги %(code)s.", name=name[:60], code=code))
        attribute = defined[match.group(1)]
        multi = attribute["datatype"] == "multivaluelist"
        if len(values) > 1 and not multi:
            raise Open311Error(400, _("Атрибут %(name)s принимает одно значение.", name=attribute["code"]))
        for value in values:
            if len(value) > 200:
                raise Open311Error(400, _("Атрибут %(name)s: не длиннее 200 символов.", name=attribute["code"]))
            keys = {v["key"] for v in attribute["values"]}
            if keys and value not in keys:
                raise Open311Error(
                    400,
                    _("Атрибут %(name)s: значение %(value)s не из списка.", name=attribute["code"], value=value[:50]),
                )
        cleaned = [v.strip() for v in values if v.strip()]
        if cleaned:
            given[attribute["code"]] = cleaned if multi else cleaned[0]
    missing = [c for c, a in defined.items() if a["required"] and c not in given]
    if missing:
        raise Open311Error(400, _("Не задан обязательный атрибут %(name)s.", name=missing[0]))
    return given


def _attribute_text(code: str, given: dict[str, Any]) -> str:
    """The attributes' answers as words triage can read (names of list values, not their keys)."""
    parts = []
    for attribute in attributes(code):
        value = given.get(attribute["code"])
        if value is None:
            continue
        names = {v["key"]: v["name"] for v in attribute["values"]}
        values = value if isinstance(value, list) else [value]
        parts.append(", ".join(str(names.get(v, v)) for v in values))
    return ". ".join(parts)


def submit(fields: dict[str, list[str]], key: ApiKey) -> Submitted:
    """Check the form, then run it through the pipeline; returns what the answer names."""
    from webmap.services.triage import triage_message

    check_jurisdiction(_one(fields, "jurisdiction_id"))
    code = _one(fields, "service_code")
    if code is None:
        raise Open311Error(400, _("Не задан service_code."))
    if code not in dict(categories()):
        raise Open311Error(404, _("Услуга service_code=%(code)s не найдена.", code=code[:50]))
    raw_lat, raw_lon = _one(fields, "lat"), _one(fields, "long")
    address_string, address_id = _one(fields, "address_string"), _one(fields, "address_id")
    if (raw_lat is None) != (raw_lon is None):
        raise Open311Error(400, _("lat и long передаются вместе."))
    if raw_lat is None and address_string is None and address_id is None:
        raise Open311Error(400, _("Нужно место: lat и long, address_string или address_id."))
    point: tuple[float, float] | None = None
    place_name: str | None = None
    if raw_lat is not None and raw_lon is not None:
        point = (_coordinate("long", raw_lon, -180, 180), _coordinate("lat", raw_lat, -90, 90))
        if not in_town(*point):
            raise Open311Error(400, _("Точка lat/long вне города: такие обращения здесь не принимаются."))
    elif address_id is not None:
        if not address_id.isdigit():
            raise Open311Error(400, _("address_id: ожидался номер дома из адресного реестра."))
        row = db.session.execute(
            select(func.ST_X(Address.geom), func.ST_Y(Address.geom), Address.full_name).where(
                Address.id == int(address_id)
            )
        ).first()
        if row is None:
            raise Open311Error(400, _("address_id %(id)s не найден в адресном реестре.", id=address_id))
        point, place_name = (row[0], row[1]), row[2]
    description = _one(fields, "description") or ""
    media_url = _one(fields, "media_url")
    if media_url is not None and (
        urlsplit(media_url).scheme not in ("http", "https") or not urlsplit(media_url).netloc
    ):
        raise Open311Error(400, _("media_url: нужен адрес http(s)://."))
    personal = {name: _one(fields, name) for name in PERSONAL}
    if personal["email"] is not None and not _EMAIL.fullmatch(personal["email"]):
        raise Open311Error(400, _("email: это не адрес электронной почты."))
    given = _attributes(fields, code)
    extra = _attribute_text(code, given)
    text_ = "\n".join(p for p in (description, extra) if p) or dict(categories())[code]
    where = place_name or address_string

    def triage(message_text: str, channel: str) -> Any:
        result = triage_message(f"{where}. {message_text}" if where else message_text, channel)
        result = replace(result, category=code)
        if point is not None:
            lon, lat = point
            result = replace(
                result,
                lon=lon,
                lat=lat,
                precision="house",
                confidence=1.0,
                address=place_name or address_string or result.address,
                district=_district_of(lon, lat),
            )
        return result

    token = secrets.token_urlsafe(18)
    now = datetime.now(UTC)
    name = " ".join(p for p in (personal["first_name"], personal["last_name"]) if p) or None
    raw: dict[str, Any] = {
        "service_code": code,
        "lat": raw_lat,
        "long": raw_lon,
        "address_string": address_string,
        "address_id": address_id,
        "description": description,
        "media_url": media_url,
        "attributes": given,
        "api_key_id": str(key.id),
        "api_key_name": key.name,
        **personal,
    }
    message = RawMessage(
        channel=CHANNEL,
        external_id=token,
        text=text_,
        posted_at=now,
        raw=raw,
        author=name,
        author_id=personal["account_id"] or personal["email"] or personal["device_id"],
        phone=personal["phone"],
        address=address_string,
    )
    report = Importer(triage).run([message])
    appeal_id = db.session.scalar(
        select(SourceMessage.appeal_id).where(SourceMessage.channel == CHANNEL, SourceMessage.external_id == token)
    )
    return Submitted(appeal_id, token, personal["account_id"], joined=bool(report.joined))
