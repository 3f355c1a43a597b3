"""The privacy gate: on the same seeded data, with personal data in every message, the public map,
its popups and every public export list the same items with the same public fields, and none of the
personal data appears in any public answer. Also the regressions of the probe's findings: exports
that linked VK profiles, own walls, private Telegram chats and ``javascript:``; exports that listed
new, rejected and reception cases at house-exact points, filterable by channel."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import literal, select

from tests import factories
from tests.test_public_first_view import BLOCK as FIRST_VIEW
from webmap import privacy
from webmap.extensions import db
from webmap.models import Appeal, SourceMessage

TOWN = "75.54,61.72,75.66,61.765"
HOUSE = (75.5929648, 61.7417752)  # улица Ленина, 26 in the demo gazetteer
HOUSE_CELL = [75.594, 61.741]  # the centre of its grid cell
NEAR_HOUSE = (75.5931, 61.7418)  # 10 m from it

# Personal data seeded below; no public answer may carry any of it.
AUTHOR = "Евдокия Приватная"
AUTHOR_ID = "id4242"
PHONE = "+7 912 345-67-89"
EMAIL = "evdokia@example.com"
POS_TEXT = "ПОС-СЕКРЕТ-0001 у меня в квартире на Ленина 26 течёт"
RECEPTION_TEXT = "ПРИЁМ-СЕКРЕТ-0002 прошу помочь"
PHONE_TEXT = "ЗВОНОК-СЕКРЕТ-0003 не горит фонарь"
ADDRESS = "улица Ленина, 26, кв. 5"
PRIVATE_LINKS = (
    "https://vk.com/id12345",  # a person's page
    "https://vk.com/wall12345_67",  # a post on a person's own wall (positive owner id)
    "https://t.me/c/1234567/89",  # a private Telegram chat
    "javascript:alert(1)",
    "http://vk.com/wall-1_2",  # not https
    "https://vk.com/wall-1_2#javascript:alert(1)",
)
PUBLIC_POST = "https://vk.com/wall-21835_2002"
SECRETS = (AUTHOR, AUTHOR_ID, PHONE, "912 345", EMAIL, "ПОС-СЕКРЕТ", "ПРИЁМ-СЕКРЕТ", "ЗВОНОК-СЕКРЕТ", "кв. 5")
SECRETS += PRIVATE_LINKS + ("75.59296",)  # and the house's own longitude


def _case(*args: Any, status: str = "in_work", **kwargs: Any) -> Any:
    """A case, in work unless said otherwise (what the public map shows by default)."""
    return factories.appeal(*args, status=status, **kwargs)


def _message(text: str, channel: str, url: str | None = None) -> SourceMessage:
    return factories.message(f"{text} {PHONE} {EMAIL}", channel=channel, author=AUTHOR, author_id=AUTHOR_ID, url=url)


def _period() -> dict[str, str]:
    today = date.today()
    return {"from": (today - timedelta(days=700)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}


@pytest.fixture
def town(app_ctx: None) -> dict[str, Any]:
    """Cases and works of every kind the gate tells apart, at or near one house."""
    c: dict[str, Any] = {}
    c["private"] = _case(
        *HOUSE,
        address=ADDRESS,
        messages=[_message(POS_TEXT, "pos"), _message(RECEPTION_TEXT, "reception"), _message(PHONE_TEXT, "phone")],
    )
    c["links"] = _case(*HOUSE, messages=[_message("пост", "vk", url) for url in PRIVATE_LINKS[:2] + PRIVATE_LINKS[3:]])
    c["links"].messages.append(_message("чат", "telegram", PRIVATE_LINKS[2]))
    c["reception_accepted"] = _case(*NEAR_HOUSE, status="accepted", messages=[_message(RECEPTION_TEXT, "reception")])
    c["public"] = _case(*NEAR_HOUSE, messages=[_message("Яма", "vk", PUBLIC_POST), _message(POS_TEXT, "pos")])
    c["marked"] = _case(*HOUSE, status="done", messages=[_message(POS_TEXT, "pos")])
    c["new"] = _case(*NEAR_HOUSE, status="new", messages=[_message("Яма", "vk", "https://vk.com/wall-1_3")])
    c["rejected"] = _case(*NEAR_HOUSE, status="rejected", messages=[_message(PHONE_TEXT, "phone")])
    c["reception_new"] = _case(*HOUSE, status="new", messages=[_message(RECEPTION_TEXT, "reception")])
    db.session.flush()
    c["duplicate"] = _case(*NEAR_HOUSE, status="duplicate", messages=[_message("ещё", "vk", "https://vk.com/wall-1_4")])
    c["duplicate"].duplicate_of_id = c["public"].id
    c["old"] = _case(*NEAR_HOUSE, status="done", messages=[_message("Яма", "vk", "https://vk.com/wall-1_5")])
    c["old"].created_at = factories.now() - timedelta(days=400)
    c["old"].closed_at = factories.now() - timedelta(days=390)
    w: dict[str, Any] = {}
    w["done"] = factories.work(
        75.5935, 61.7419, note=f"Сделано, спасибо {AUTHOR}, {PHONE}, {EMAIL}", appeals=[c["marked"]]
    )
    w["planned"] = factories.work(*NEAR_HOUSE, status="planned", appeals=[c["private"]])
    db.session.flush()
    return {"cases": c, "works": w}


def _ids(town: dict[str, Any], *names: str) -> set[int]:
    return {town["cases"][n].id for n in names}


VISIBLE = ("private", "links", "reception_accepted", "public", "marked")
VISIBLE_OLD = VISIBLE + ("old",)


def _map(client: FlaskClient, **params: Any) -> dict[str, Any]:
    query = {"bbox": TOWN, "zoom": 16, "layers": "works,cases", "case_status": "accepted,in_work,done"}
    query.update(work_status="done", **_period(), **params)
    response = client.get("/api/features", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _by_kind(features: list[dict[str, Any]], kind: str) -> dict[int, dict[str, Any]]:
    return {f["properties"]["id"]: f for f in features if f["properties"]["kind"] == kind}


# -- where a case is shown ----------------------------------------------------------------------------


def test_a_case_known_only_from_non_public_channels_is_shown_at_its_cell_and_street(town, client) -> None:
    cases = _by_kind(_map(client)["features"], "case")
    private = town["cases"]["private"]
    assert cases[private.id]["geometry"]["coordinates"] == HOUSE_CELL  # not the house
    assert cases[town["cases"]["links"].id]["geometry"]["coordinates"] == HOUSE_CELL  # no public post either
    assert cases[town["cases"]["public"].id]["geometry"]["coordinates"] == list(NEAR_HOUSE)  # a public post says where
    marked = cases[town["cases"]["marked"].id]["geometry"]["coordinates"]
    assert marked == [75.5935, 61.7419]  # where the work answering it stands
    popup = client.get(f"/api/features/case/{private.id}").get_json()
    assert popup["geometry"]["coordinates"] == HOUSE_CELL
    assert popup["properties"]["where"].startswith("улица Ленина") and "26" not in popup["properties"]["where"]
    public = client.get(f"/api/features/case/{town['cases']['public'].id}").get_json()["properties"]
    assert public["where"].startswith("улица Ленина, 26")  # the public post already said so


def test_a_view_around_the_house_does_not_find_the_private_case(town, client) -> None:
    """Probing with a tiny bbox must not reveal the house: the public point decides, not the real one."""
    lon, lat = HOUSE
    tiny = f"{lon - 0.0002},{lat - 0.0001},{lon + 0.0002},{lat + 0.0001}"
    got = {f["properties"]["id"] for f in _map(client, bbox=tiny)["features"] if f["properties"]["kind"] == "case"}
    assert town["cases"]["private"].id not in got and town["cases"]["links"].id not in got
    x, y = HOUSE_CELL
    cell = f"{x - 0.0001},{y - 0.0001},{x + 0.0001},{y + 0.0001}"
    got = {f["properties"]["id"] for f in _map(client, bbox=cell)["features"] if f["properties"]["kind"] == "case"}
    assert town["cases"]["private"].id in got  # where it is shown, it is found


def test_clusters_are_built_from_public_points(app: Any, app_ctx: None, client: FlaskClient, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_MAP_MAX_FEATURES", 3)
    for i in range(6):
        _case(HOUSE[0] + i * 0.00003, HOUSE[1], messages=[_message(POS_TEXT, "pos")])
    db.session.flush()
    query = {"bbox": TOWN, "zoom": 13, "layers": "cases", "case_status": "in_work"}
    fc = client.get("/api/features", query_string=query).get_json()
    assert fc["clustered"] is True and fc["total"] == 6
    [cluster] = fc["features"]
    assert cluster["properties"]["count"] == 6 and cluster["geometry"]["coordinates"] == HOUSE_CELL


# -- finding 1: links -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", PRIVATE_LINKS)
def test_private_links_are_never_public_posts(app_ctx: None, url: str) -> None:
    for channel in ("vk", "telegram", "ok"):
        assert privacy.public_post_url(channel, url) is None


POST_CASES = [
    ("vk", PUBLIC_POST, True),
    ("vk", "https://m.vk.com/wall-1_2?reply=3&thread=4", True),
    ("telegram", "https://t.me/pokachi_chat/1043", True),
    ("ok", "https://ok.ru/group/123/topic/456", True),
    ("telegram", PUBLIC_POST, False),
    ("vk", "https://vk.com/wall-1_2\njavascript:x", False),
    ("pos", PUBLIC_POST, False),
] + [(ch, url, False) for url in PRIVATE_LINKS for ch in ("vk", "telegram")]


class _Columns:
    """A message's two columns the rule reads, from any selectable."""

    def __init__(self, channel: Any, url: Any) -> None:
        self.channel, self.url = channel, url


def test_python_and_postgresql_read_the_post_rule_alike(app_ctx: None) -> None:
    for channel, url, public in POST_CASES:
        row = select(literal(channel).label("channel"), literal(url).label("url")).subquery()
        in_sql = db.session.scalar(select(privacy.public_post(_Columns(row.c.channel, row.c.url))))
        assert bool(in_sql) is public, (channel, url)
        assert (privacy.public_post_url(channel, url) is not None) is public, (channel, url)


def test_public_exports_link_only_public_posts(town, client: FlaskClient) -> None:
    links = town["cases"]["links"].id
    public = town["cases"]["public"].id
    for path in ("/dashboard/export/public.geojson", "/dashboard/export/cases.geojson"):
        data = client.get(path, query_string={**_period(), "public": "1"}).get_json(force=True)
        cases = _by_kind(data["features"], "case")
        assert cases[links]["properties"]["urls"] == [], path
        assert cases[public]["properties"]["urls"] == [PUBLIC_POST], path
    rows = _csv(client.get("/dashboard/export/cases.csv", query_string={**_period(), "public": "1"}))
    column = rows[0].index("Публикации")
    urls = {int(r[0]): r[column] for r in rows[1:]}
    assert urls[links] == "" and urls[public] == PUBLIC_POST


# -- finding 2: items ------------------------------------------------------------------------------


def test_public_exports_list_only_what_the_public_map_shows(town, client: FlaskClient) -> None:
    for old, names in (({}, VISIBLE), ({"old": "1"}, VISIBLE_OLD)):
        expected = _ids(town, *names)
        on_map = set(_by_kind(_map(client, **old)["features"], "case"))
        assert on_map == expected, old
        data = client.get("/dashboard/export/public.geojson", query_string={**_period(), **old}).get_json(force=True)
        assert set(_by_kind(data["features"], "case")) == expected, old
        rows = _csv(client.get("/dashboard/export/cases.csv", query_string={**_period(), "public": "1", **old}))
        assert {int(r[0]) for r in rows[1:]} == expected, old


def test_a_public_export_takes_no_non_public_channel(town, client: FlaskClient) -> None:
    wall = _case(*NEAR_HOUSE, messages=[_message("стена", "vk", "https://vk.com/wall777_1")])
    answered = factories.work(*NEAR_HOUSE, appeals=[wall])
    db.session.flush()
    for channel in ("pos", "reception", "phone", "manual"):
        response = client.get("/dashboard/export/public.geojson", query_string={**_period(), "channel": channel})
        assert response.status_code == 400, channel
        response = client.get(
            "/dashboard/export/cases.csv", query_string={**_period(), "channel": channel, "public": "1"}
        )
        assert response.status_code == 400, channel
    vk = client.get("/dashboard/export/public.geojson", query_string={**_period(), "channel": "vk"}).get_json(
        force=True
    )
    assert set(_by_kind(vk["features"], "case")) == _ids(town, "public")  # a public post, not a profile or a wall
    assert answered.id not in _by_kind(vk["features"], "work")  # nor a work answering a post on a person's wall


@pytest.mark.parametrize("old", ["2", "yes", "1; DROP TABLE appeals", "<script>"])
def test_a_bad_old_flag_is_a_clear_error(app_ctx: None, client: FlaskClient, old: str) -> None:
    response = client.get("/dashboard/export/public.geojson", query_string={"old": old})
    assert response.status_code == 400 and "old" in response.get_json()["message"]
    assert "<script>" not in response.get_data(as_text=True)


def test_the_dashboard_roles_still_get_every_case_and_link(town, auth, client: FlaskClient) -> None:
    auth.login("analyst")
    data = client.get("/dashboard/export/cases.geojson", query_string=_period()).get_json(force=True)
    cases = _by_kind(data["features"], "case")
    assert _ids(town, "new", "rejected", "reception_new", "private") <= set(cases)
    assert cases[town["cases"]["private"].id]["geometry"]["coordinates"] == [round(v, 6) for v in HOUSE]
    assert AUTHOR in cases[town["cases"]["private"].id]["properties"]["authors"]
    by_pos = client.get("/dashboard/export/cases.geojson", query_string={**_period(), "channel": "pos"})
    assert by_pos.status_code == 200


# -- one gate: the map and every export agree --------------------------------------------------------

PUBLIC_EXPORTS = [
    ("/dashboard/export/public.geojson", {}),
    ("/dashboard/export/all.geojson", {"public": "1"}),
    ("/dashboard/export/cases.geojson", {"public": "1"}),
    ("/dashboard/export/works.geojson", {"public": "1"}),
    ("/dashboard/export/cases.csv", {"public": "1"}),
    ("/dashboard/export/cases.xlsx", {"public": "1"}),
    ("/dashboard/export/works_list.csv", {"public": "1"}),
    ("/dashboard/export/works_list.xlsx", {"public": "1"}),
    ("/dashboard/export/summary.csv", {"public": "1"}),
    ("/dashboard/export/categories.xlsx", {"public": "1"}),
    ("/dashboard/export/channels.csv", {"public": "1"}),
    ("/dashboard/export/hotspots.csv", {"public": "1", "minpoints": "2"}),
]


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))


def _text(response: Any) -> str:
    """Every string of the answer: XLSX unzipped, JSON with its escapes decoded."""
    body = response.get_data()
    if response.mimetype.endswith("spreadsheetml.sheet"):
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    out = body.decode("utf-8")
    if response.is_json or response.mimetype == "application/geo+json":
        out += json.dumps(json.loads(out), ensure_ascii=False)
    return out


def _public_answers(client: FlaskClient, town: dict[str, Any]) -> list[tuple[str, Any]]:
    answers: list[tuple[str, Any]] = []
    for old in ({}, {"old": "1"}):
        answers.append(("map", client.get("/api/features", query_string={"bbox": TOWN, "zoom": 16, **old})))
        fc = _map(client, **old)
        answers.append(("map all statuses", fc))
        for f in fc["features"]:
            kind, item = f["properties"]["kind"], f["properties"]["id"]
            answers.append((f"popup {kind} {item}", client.get(f"/api/features/{kind}/{item}")))
        for path, args in PUBLIC_EXPORTS:
            answers.append((path, client.get(path, query_string={**_period(), **args, **old})))
    page = client.get("/")
    answers.append(("page", page))
    [first_view] = FIRST_VIEW.findall(page.get_data(as_text=True))
    assert json.loads(first_view)["total"] == 4  # the done work and the three cases in work
    answers.append(("the page's first view", json.loads(first_view)))  # decoded: its \u escapes too
    return answers


def test_no_personal_data_in_any_public_answer(town, client: FlaskClient) -> None:
    for name, answer in _public_answers(client, town):
        if isinstance(answer, dict):
            text = json.dumps(answer, ensure_ascii=False)
        else:
            assert answer.status_code == 200, (name, answer.get_data(as_text=True)[:300])
            text = _text(answer)
        for secret in SECRETS:
            assert secret not in text, (name, secret)


def test_the_map_and_every_export_list_the_same_items_with_the_same_public_fields(town, client) -> None:
    for old in ({}, {"old": "1"}):
        fc = _map(client, **old)
        map_cases, map_works = _by_kind(fc["features"], "case"), _by_kind(fc["features"], "work")
        assert map_cases and all(set(f["properties"]) == set(privacy.MAP_CASE_FIELDS) for f in map_cases.values())
        for path in ("/dashboard/export/public.geojson", "/dashboard/export/all.geojson"):
            data = client.get(path, query_string={**_period(), "public": "1", **old}).get_json(force=True)
            cases, works = _by_kind(data["features"], "case"), _by_kind(data["features"], "work")
            assert set(cases) == set(map_cases) and set(works) == set(map_works), (path, old)
            for item, f in cases.items():
                shown, p = map_cases[item], f["properties"]
                assert set(p) == set(privacy.EXPORT_CASE_FIELDS)
                assert f["geometry"] == shown["geometry"], (path, item)
                assert (p["status"], p["category_code"]) == (
                    shown["properties"]["status"],
                    shown["properties"]["category"],
                )
                popup = client.get(f"/api/features/case/{item}").get_json()
                assert popup["geometry"] == shown["geometry"]
                assert set(popup["properties"]) == set(privacy.POPUP_CASE_FIELDS)
                links = [s["url"] for s in popup["properties"]["sources"] if s.get("url")]
                assert links == p["urls"], item
            for item, f in works.items():
                assert set(f["properties"]) == set(privacy.EXPORT_WORK_FIELDS)
                assert f["geometry"] == map_works[item]["geometry"]
                assert f["properties"]["status"] == map_works[item]["properties"]["status"]
        rows = _csv(client.get("/dashboard/export/cases.csv", query_string={**_period(), "public": "1", **old}))
        assert {int(r[0]) for r in rows[1:]} == set(map_cases)
        assert len(rows[0]) == len(privacy.TABLE_COLUMNS["cases"])
        rows = _csv(client.get("/dashboard/export/works_list.csv", query_string={**_period(), "public": "1", **old}))
        assert {int(r[0]) for r in rows[1:]} == set(map_works)


def test_one_redaction_for_every_public_text(app_ctx: None) -> None:
    from webmap.services import exports

    note = f"Сделал Иван Сидоров на Мира, {PHONE}, {EMAIL}"
    assert exports.public_text is privacy.public_text
    assert privacy.public_text(note) == "Сделал [имя] на Мира, [телефон], [e-mail]"


def test_unplaced_or_hidden_cases_have_no_public_point(app_ctx: None) -> None:
    unplaced = _case(None, None, messages=[_message(POS_TEXT, "pos")])
    db.session.flush()
    point = db.session.scalar(select(privacy.public_point(Appeal)).where(Appeal.id == unplaced.id))
    assert point is None


def test_the_map_and_the_exports_read_the_same_district_and_category_filters(town, client: FlaskClient) -> None:
    from webmap.models import District

    district = db.session.scalar(
        select(District).where(
            District.geom.ST_Contains(
                select(Appeal.point).where(Appeal.id == town["cases"]["private"].id).scalar_subquery()
            )
        )
    )
    _case(*factories.SCHOOL_2, category="snow", messages=[_message("снег", "vk", "https://vk.com/wall-1_9")])
    for appeal in town["cases"].values():
        appeal.district_id = district.id
    db.session.flush()
    for category in ("road", "snow"):
        on_map = _by_kind(_map(client, district=district.code, category=category, old="1")["features"], "case")
        data = client.get(
            "/dashboard/export/public.geojson",
            query_string={**_period(), "district": str(district.id), "category": category, "old": "1"},
        ).get_json(force=True)
        assert set(_by_kind(data["features"], "case")) == set(on_map), category
    assert set(on_map) == set()  # the snow case has no district
    assert set(_by_kind(_map(client, category="snow")["features"], "case"))  # but the map has it
