"""Open311 GeoReport v2 as a client that knows only the specification sees it: discovery,
services, definitions, requests GET and POST (with a key), tokens, every error in the spec's
format and status, hostile input, and no personal data in any GET (JSON and XML alike).
Every answer is also checked against the OpenAPI document (tests/open311_client.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests import factories as seed
from tests.open311_client import Open311Client, check_against_openapi, parse
from webmap.extensions import db
from webmap.models import Address, ApiKey, Appeal, Category, SourceMessage, WorkPhoto
from webmap.open311.keys import create_key, revoke_key

SPEC = "http://wiki.open311.org/GeoReport_v2"
HOUSE = (75.5929648, 61.7417752)  # улица Ленина, 26 in the demo gazetteer
W3C_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")

# Personal data of the residents; no GET may ever carry any of it.
FIRST, LAST = "Евдокия", "Секретова"
EMAIL = "evdokia.secret@example.com"
PHONE = "+7 912 000-11-22"
ACCOUNT = "acct-SECRET-77"
DEVICE = "device-SECRET-99"
POST_TEXT = "ОТКРЫТЫЙ-ТЕКСТ-СЕКРЕТ яма у подъезда"
SECRETS = (FIRST, LAST, EMAIL, PHONE, "912 000", ACCOUNT, DEVICE, "ОТКРЫТЫЙ-ТЕКСТ-СЕКРЕТ", seed.AUTHOR, seed.POS_MARKER)
SECRETS += (seed.RECEPTION_MARKER, "id777", "кв. 5")


@pytest.fixture
def o311(client: FlaskClient) -> Open311Client:
    return Open311Client(client)


@pytest.fixture
def key(app_ctx: None) -> str:
    _row, secret = create_key(f"test-client-{datetime.now(UTC).timestamp()}")
    db.session.commit()
    return secret


def _form(key: str, **fields: Any) -> dict[str, Any]:
    form = {
        "api_key": key,
        "service_code": "road",
        "lat": str(HOUSE[1]),
        "long": str(HOUSE[0]),
        "first_name": FIRST,
        "last_name": LAST,
        "email": EMAIL,
        "phone": PHONE,
        "account_id": ACCOUNT,
        "device_id": DEVICE,
        "description": POST_TEXT,
    }
    form.update(fields)
    return {k: v for k, v in form.items() if v is not None}


def _no_secrets(client: FlaskClient, path: str, **params: Any) -> None:
    for fmt in ("json", "xml"):
        response = client.get(f"/open311/v2/{path}.{fmt}", query_string=params)
        text = response.get_data(as_text=True)
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} in {path}.{fmt}"


def _error(status: int, data: Any) -> str:
    """The spec's error list: [{"code", "description"}], code = HTTP status."""
    assert isinstance(data, list) and data, data
    assert all(set(e) == {"code", "description"} for e in data), data
    assert str(data[0]["code"]) == str(status), data
    assert data[0]["description"]
    return str(data[0]["description"])


# -- discovery, services, definitions ----------------------------------------------------------------


def test_discovery_names_the_georeport_v2_endpoint_and_both_formats(client: FlaskClient) -> None:
    o311 = Open311Client(client, root="/open311")
    status, data = o311.both("discovery")
    assert status == 200
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == SPEC
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert data["changeset"] and data["contact"] and data["key_service"]


def test_services_are_the_categories_with_every_field_of_the_spec(o311: Open311Client, app_ctx: None) -> None:
    status, services = o311.both("services")
    assert status == 200
    codes = set(db.session.scalars(select(Category.code)))
    assert {s["service_code"] for s in services} == codes
    for s in services:
        assert set(s) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
        assert s["type"] == "realtime" and s["metadata"] is True and s["service_name"]
    road = next(s for s in services if s["service_code"] == "road")
    assert road["service_name"] == "Дороги, ямы, тротуары" and "яма" in road["keywords"] and road["group"] == "roads"


def test_service_definition_lists_attributes_and_an_unknown_service_is_404(o311: Open311Client) -> None:
    status, definition = o311.both("services/road")
    assert status == 200 and definition["service_code"] == "road"
    by_code = {a["code"]: a for a in definition["attributes"]}
    assert by_code["landmark"]["datatype"] == "string" and by_code["landmark"]["required"] is False
    assert by_code["road_part"]["datatype"] == "singlevaluelist"
    assert {v["key"] for v in by_code["road_part"]["values"]} == {"carriageway", "sidewalk", "yard_drive"}
    assert [a["order"] for a in definition["attributes"]] == [1, 2]
    status, data = o311.both("services/no_such_service")
    assert status == 404
    assert "no_such_service" in _error(404, data)


def test_jurisdiction_is_accepted_and_checked_when_configured(
    o311: Open311Client, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert o311.get("services", jurisdiction_id="anything")[0] == 200  # one jurisdiction: ignored
    monkeypatch.setitem(app.config, "WEBMAP_OPEN311_JURISDICTION", "pokachi.ru")
    assert o311.get("services", jurisdiction_id="pokachi.ru")[0] == 200
    assert o311.get("services")[0] == 200
    status, data = o311.both("services", jurisdiction_id="other.gov")
    assert status == 404 and "other.gov" in _error(404, data)


# -- GET requests: what the public map shows, and nothing personal ----------------------------------


@pytest.fixture
def cases(app_ctx: None) -> dict[str, Appeal]:
    public_post = seed.message("Яма у дома 26", channel="vk", url="https://vk.com/wall-21835_1001")
    in_work = seed.appeal(*HOUSE, status="in_work", messages=[public_post], address="улица Ленина, 26, кв. 5")
    pos_only = seed.appeal(
        *HOUSE,
        status="accepted",
        category="streetlight",
        messages=[seed.message(f"{seed.POS_MARKER} {seed.PHONE}", channel="pos")],
    )
    done = seed.appeal(*seed.CENTRE, status="done", category="speed_bump", messages=[seed.message()])
    work = seed.work(*seed.CENTRE, appeals=[done])
    new = seed.appeal(*HOUSE, status="new", messages=[seed.message(channel="reception")])
    rejected = seed.appeal(*HOUSE, status="rejected", messages=[seed.message()])
    db.session.commit()
    photo = WorkPhoto(work_id=work.id, stage="after", path="open311-test.jpg")
    db.session.add(photo)
    db.session.commit()
    return {"in_work": in_work, "pos_only": pos_only, "done": done, "new": new, "rejected": rejected}


def test_requests_list_only_public_cases_with_spec_fields_and_status(
    o311: Open311Client, cases: dict[str, Appeal]
) -> None:
    status, found = o311.both("requests")
    assert status == 200
    by_id = {r["service_request_id"]: r for r in found}
    assert cases["in_work"].id in by_id and cases["pos_only"].id in by_id and cases["done"].id in by_id
    assert cases["new"].id not in by_id and cases["rejected"].id not in by_id
    in_work, done = by_id[cases["in_work"].id], by_id[cases["done"].id]
    assert in_work["status"] == "open" and done["status"] == "closed"
    assert in_work["service_code"] == "road" and in_work["service_name"] == "Дороги, ямы, тротуары"
    assert in_work["description"] is None  # residents' own words are never published
    for value in (in_work["requested_datetime"], in_work["updated_datetime"], in_work["expected_datetime"]):
        assert W3C_OFFSET.match(value), value
    assert in_work["expected_datetime"].endswith("+05:00")  # the town's zone
    expected = datetime.fromisoformat(in_work["expected_datetime"])
    assert abs(expected - cases["in_work"].deadline) < timedelta(seconds=1)
    assert (in_work["lat"], in_work["long"]) == (round(HOUSE[1], 6), round(HOUSE[0], 6))  # a public post: exact
    assert "Ленина" in in_work["address"] and "26" in in_work["address"]
    assert done["media_url"].endswith(f"/api/photos/{cases['done'].works[0].photos[0].id}")
    assert in_work["media_url"] is None and in_work["agency_responsible"]


def test_a_case_known_only_from_non_public_channels_has_no_house_exact_place(
    o311: Open311Client, cases: dict[str, Appeal]
) -> None:
    _status, (item,) = o311.both(f"requests/{cases['pos_only'].id}")
    assert (item["lat"], item["long"]) != (round(HOUSE[1], 6), round(HOUSE[0], 6))
    assert "Ленина" in item["address"] and "26" not in item["address"]  # the street, never the house


def test_requests_filters_ids_service_status_and_dates(o311: Open311Client, cases: dict[str, Appeal]) -> None:
    def ids(**params: Any) -> set[int]:
        status, found = o311.both("requests", **params)
        assert status == 200
        return {r["service_request_id"] for r in found}

    mine = {c.id for c in cases.values()}
    assert ids(service_code="speed_bump") & mine == {cases["done"].id}
    assert ids(status="closed") & mine == {cases["done"].id}
    assert ids(status="open") & mine == {cases["in_work"].id, cases["pos_only"].id}
    assert ids(status="open,closed") & mine == ids() & mine
    # service_request_id overrides every other argument; unpublished ones are not listed
    listed = ids(service_request_id=f"{cases['done'].id},{cases['new'].id},{cases['in_work'].id}", status="open")
    assert listed == {cases["done"].id, cases["in_work"].id}
    now = datetime.now(UTC)
    recent = ids(start_date=(now - timedelta(days=15)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert cases["done"].id in recent  # seeded 10 days ago
    assert not ids(end_date=(now - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S+05:00")) & mine
    assert ids(start_date=(now - timedelta(days=11)).date().isoformat()) & mine  # a bare W3C date


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"start_date": "2026-01-01T00:00:00"}, "start_date"),  # no zone
        ({"end_date": "2026-02-30T00:00:00Z"}, "end_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, "90"),
        ({"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "end_date"),
        ({"status": "pending"}, "status"),
        ({"service_code": "no_such"}, "service_code"),
        ({"service_request_id": "1,abc"}, "service_request_id"),
    ],
)
def test_bad_request_arguments_get_400_in_both_formats(o311: Open311Client, params: dict[str, str], words: str) -> None:
    status, data = o311.both("requests", **params)
    assert status == 400
    assert words in _error(400, data)


def test_no_get_carries_personal_data_or_message_text(
    client: FlaskClient, o311: Open311Client, cases: dict[str, Appeal], key: str
) -> None:
    status, (created,) = o311.post(data=_form(key, service_code="garbage"))  # a case of its own
    assert status == 200
    db.session.get(Appeal, created["service_request_id"]).status = "accepted"  # published
    db.session.commit()
    _status, (item,) = o311.both(f"requests/{created['service_request_id']}")
    assert (item["lat"], item["long"]) != (round(HOUSE[1], 6), round(HOUSE[0], 6))  # known only from Open311
    assert "26" not in (item["address"] or "")
    for case in [*cases.values()]:
        _no_secrets(client, f"requests/{case.id}")
    _no_secrets(client, f"requests/{created['service_request_id']}")
    _no_secrets(client, f"requests/{created['service_request_id']}", api_key=key)
    _no_secrets(client, "requests")
    _no_secrets(client, "requests", api_key=key, status="open")
    assert db.session.scalar(
        select(func.count()).select_from(SourceMessage).where(SourceMessage.author.contains(FIRST))
    )


# -- POST requests -----------------------------------------------------------------------------------


def test_post_with_a_key_goes_through_the_pipeline_and_reads_back(
    o311: Open311Client, client: FlaskClient, key: str
) -> None:
    status, answer = o311.post(
        data=_form(key, **{"attribute[road_part]": "sidewalk", "attribute[landmark]": "у аптеки"})
    )
    assert status == 200
    (item,) = answer
    assert set(item) == {"service_request_id", "service_notice", "account_id"}
    assert item["account_id"] == ACCOUNT and "Срок" in item["service_notice"]
    appeal = db.session.get(Appeal, item["service_request_id"])
    assert appeal is not None and appeal.category_code == "road" and appeal.status == "new"
    assert appeal.deadline is not None and appeal.district_id is not None and appeal.precision == "house"
    (message,) = appeal.messages
    assert message.channel == "open311" and message.author == f"{FIRST} {LAST}" and message.raw["phone"] == PHONE
    assert message.author_id == ACCOUNT and message.raw["email"] == EMAIL and message.raw["device_id"] == DEVICE
    assert message.raw["attributes"] == {"road_part": "sidewalk", "landmark": "у аптеки"}
    assert POST_TEXT in message.text and "Тротуар" in message.text
    # not published yet: the public does not see it; the key that sent it does, with public fields only
    request_id = item["service_request_id"]
    assert o311.get(f"requests/{request_id}")[0] == 404
    status, (own,) = o311.both(f"requests/{request_id}", api_key=key)
    assert status == 200 and own["status"] == "open" and own["service_code"] == "road"
    assert request_id in {r["service_request_id"] for r in o311.get("requests", api_key=key)[1]}
    assert request_id not in {r["service_request_id"] for r in o311.get("requests")[1]}
    appeal.status = "in_work"  # the centre takes it: now it is public
    db.session.commit()
    status, (public,) = o311.both(f"requests/{request_id}")
    assert status == 200 and public["status"] == "open"
    # the XML answer of a POST is the same data
    response = client.post("/open311/v2/requests.xml", data=_form(key, lat="61.7400", long="75.6100"))
    check_against_openapi(response)
    (xml_item,) = parse(response)
    assert xml_item["service_request_id"].isdigit() and xml_item["account_id"] == ACCOUNT


def test_post_without_a_point_is_placed_by_triage_from_the_address(o311: Open311Client, key: str) -> None:
    status, (item,) = o311.post(
        data=_form(key, lat=None, long=None, address_string="улица Ленина, 26", description="яма на дороге")
    )
    assert status == 200
    appeal = db.session.get(Appeal, item["service_request_id"])
    assert appeal.point is not None and appeal.precision != "none"
    assert (
        db.session.scalar(
            select(
                func.ST_Distance(
                    Appeal.point.cast(_geography()), func.ST_SetSRID(func.ST_MakePoint(*HOUSE), 4326).cast(_geography())
                )
            ).where(Appeal.id == appeal.id)
        )
        < 100
    )


def _geography() -> Any:
    from geoalchemy2 import Geography

    return Geography()


def test_post_by_address_id_takes_the_gazetteer_house(o311: Open311Client, key: str) -> None:
    house = db.session.scalars(select(Address).order_by(Address.id).limit(1)).one()
    status, (item,) = o311.post(data=_form(key, lat=None, long=None, address_id=str(house.id)))
    assert status == 200
    assert db.session.get(Appeal, item["service_request_id"]).address == house.full_name
    status, data = o311.post(data=_form(key, lat=None, long=None, address_id="999999999"))
    assert status == 400 and "address_id" in _error(400, data)


def test_a_second_post_about_the_same_problem_joins_its_case(o311: Open311Client, key: str) -> None:
    _s, (first,) = o311.post(data=_form(key))
    _s, (second,) = o311.post(data=_form(key, lat=str(HOUSE[1] + 0.0002)))
    assert second["service_request_id"] == first["service_request_id"]
    assert "уже сообщали" in second["service_notice"]


def test_batch_service_answers_a_token_that_leads_to_the_request(
    o311: Open311Client, app: Flask, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_OPEN311_TYPE", "batch")
    assert {s["type"] for s in o311.get("services")[1]} == {"batch"}
    status, (item,) = o311.post(data=_form(key))
    assert status == 200 and "service_request_id" not in item and item["token"]
    status, (found,) = o311.both(f"tokens/{item['token']}")
    assert status == 200 and found["token"] == item["token"]
    assert db.session.get(Appeal, int(found["service_request_id"])) is not None
    status, (own,) = o311.both(f"requests/{found['service_request_id']}", api_key=key)
    assert status == 200
    status, data = o311.both("tokens/no-such-token")
    assert status == 404 and _error(404, data)


def _open311_messages() -> int:
    return db.session.scalar(select(func.count()).select_from(SourceMessage).where(SourceMessage.channel == "open311"))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_no_valid_key_gets_403_in_the_asked_format(o311: Open311Client, key: str, fmt: str) -> None:
    before = _open311_messages()
    for form in (_form(""), _form("not-a-key"), {k: v for k, v in _form(key).items() if k != "api_key"}):
        status, data = o311.post(fmt, data=form)
        assert status == 403 and "api_key" in _error(403, data)
    newest = db.session.scalars(select(ApiKey).order_by(ApiKey.id.desc()).limit(1)).one()
    revoke_key(newest.name)
    db.session.commit()
    status, data = o311.post(fmt, data=_form(key))
    assert status == 403
    assert _open311_messages() == before


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "no_such"}, 404, "no_such"),
        ({"lat": None, "long": None}, 400, "lat"),
        ({"long": None}, 400, "long"),
        ({"lat": "north", "long": "75.59"}, 400, "lat"),
        ({"lat": "95", "long": "75.59"}, 400, "lat"),
        ({"lat": "nan", "long": "75.59"}, 400, "lat"),
        ({"lat": "55.7558", "long": "37.6173"}, 400, "вне города"),  # Moscow
        ({"attribute[colour]": "red"}, 400, "colour"),
        ({"attribute[road_part]": "river"}, 400, "road_part"),
        ({"description": "я" * 4001}, 400, "description"),
        ({"email": "not an address"}, 400, "email"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"jurisdiction_id": "other.gov"}, 404, "other.gov"),
        ({"description": "яма\x00"}, 400, "description"),
        ({"first_name": "И\x00ван"}, 400, "first_name"),
    ],
)
def test_bad_posts_get_the_spec_error_and_store_nothing(
    o311: Open311Client,
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    fields: dict[str, Any],
    status: int,
    words: str,
) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_OPEN311_JURISDICTION", "pokachi.ru")
    before = _open311_messages()
    for fmt in ("json", "xml"):
        got, data = o311.post(fmt, data=_form(key, **fields))
        assert got == status, data
        assert words in _error(status, data)
    assert _open311_messages() == before


def test_wrong_bodies_get_400(client: FlaskClient, key: str) -> None:
    before = _open311_messages()
    bad = [
        {"json": _form(key)},  # JSON, not a form
        {"data": "<request><service_code>road</service_code></request>", "content_type": "text/xml"},
        {
            "data": f"api_key={key}&service_code=road&lat=61.74&long=75.6&description=%E9t%E9",
            "content_type": "application/x-www-form-urlencoded",
        },  # latin-1
        {
            "data": f"api_key={key}&service_code=road&lat=61.74&long=75.6&description=" + "a" * 70_000,
            "content_type": "application/x-www-form-urlencoded",
        },
        {
            "data": "&".join(f"f{i}=1" for i in range(150)) + f"&api_key={key}",
            "content_type": "application/x-www-form-urlencoded",
        },
    ]
    for kwargs in bad:
        response = client.post("/open311/v2/requests.json", **kwargs)
        assert response.status_code in (400, 413), response.data
        if response.status_code == 400:
            check_against_openapi(response)
            _error(400, parse(response))
    assert _open311_messages() == before


def test_hostile_text_is_stored_as_given_and_never_served(o311: Open311Client, client: FlaskClient, key: str) -> None:
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    sql = "'); DROP TABLE appeals; --"
    status, (item,) = o311.post(data=_form(key, description=f"{script} {sql}", first_name=sql, address_string=script))
    assert status == 200
    (message,) = db.session.get(Appeal, item["service_request_id"]).messages
    assert script in message.text and sql in message.text and message.author.startswith(sql)
    db.session.get(Appeal, item["service_request_id"]).status = "in_work"
    db.session.commit()
    for fmt in ("json", "xml"):
        body = client.get(f"/open311/v2/requests/{item['service_request_id']}.{fmt}").get_data(as_text=True)
        assert "<script" not in body and "onerror" not in body and "DROP TABLE" not in body
    assert db.session.scalar(select(func.count()).select_from(Appeal)) >= 1  # the table is there


def test_unknown_formats_paths_and_methods_get_spec_errors(client: FlaskClient) -> None:
    for path, status, fmt in [
        ("/open311/v2/services.csv", 404, "xml"),
        ("/open311/v2/services.html", 404, "xml"),
        ("/open311/v2/requests/abc.json", 404, "json"),
        ("/open311/v2/requests/999999999.xml", 404, "xml"),
        ("/open311/v2/nothing.json", 404, "json"),
        ("/open311/v3/services.xml", 404, "xml"),
    ]:
        response = client.get(path)
        assert response.status_code == status, path
        assert response.headers["Content-Type"].startswith("application/json" if fmt == "json" else "text/xml")
        _error(status, parse(response))
    response = client.delete("/open311/v2/requests.json")
    assert response.status_code == 405 and _error(405, parse(response))


def test_apikeys_cli_creates_lists_and_revokes(runner: Any, o311: Open311Client, app_ctx: None) -> None:
    result = runner.invoke(args=["apikeys", "create", "city-app"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert len(secret) >= 40 and " " not in secret
    assert runner.invoke(args=["apikeys", "create", "city-app"]).exit_code != 0  # the name is taken
    listed = runner.invoke(args=["apikeys", "list"]).output
    assert "city-app" in listed and "active" in listed and secret not in listed
    stored = db.session.scalars(select(ApiKey).where(ApiKey.name == "city-app")).one()
    assert secret not in stored.key_hash and len(stored.key_hash) == 64
    assert o311.post(data=_form(secret))[0] == 200
    assert db.session.scalars(select(ApiKey).where(ApiKey.name == "city-app")).one().last_used_at is not None
    result = runner.invoke(args=["apikeys", "revoke", "city-app"])
    assert result.exit_code == 0 and "revoked" in runner.invoke(args=["apikeys", "list"]).output
    assert o311.post(data=_form(secret))[0] == 403
    assert runner.invoke(args=["apikeys", "revoke", "no-such"]).exit_code != 0


def test_public_places_of_many_points_are_the_gates_own(app_ctx: None) -> None:
    """The batch used by GET requests names each place exactly as privacy.public_place does."""
    from webmap import privacy
    from webmap.open311.public import public_places

    points = [
        (*HOUSE, True),
        (*HOUSE, False),
        (HOUSE[0] + 0.0007, HOUSE[1] + 0.0003, True),
        (*seed.CENTRE, True),
        (*seed.SCHOOL_2, False),
        (75.640, 61.757, True),
        (75.700, 61.800, True),  # outside every district, far from streets
    ]
    batch = public_places(points)
    for lon, lat, houses in points:
        assert batch[(lon, lat, houses)] == privacy.public_place(lon, lat, houses=houses), (lon, lat, houses)
    assert "26" in (batch[(*HOUSE, True)] or "") and "26" not in (batch[(*HOUSE, False)] or "")
