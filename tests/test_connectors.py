"""Connectors against the stand-ins, without the database: VK search and wall.getById, OK groups, signatures."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from flask import Flask

from tests.monitor_helpers import T0, StandIns, add, counts, run_once, sources, stand_ins, vk_post
from tests.standins import OK_APP_KEY, OK_SECRET, OK_TOKEN, VK_TOKEN, OkStandIn, VkStandIn
from webmap.connectors.http import HttpClient
from webmap.connectors.ok import OkApi, OkReader, signature
from webmap.connectors.vk import VkApi, VkReader
from webmap.ingest.readers import RawMessage, Rejected

__all__ = ["stand_ins"]


@pytest.fixture
def vk() -> Iterator[VkStandIn]:
    server = VkStandIn()
    with server.running():
        yield server


def _vk_reader(server: VkStandIn) -> VkReader:
    http = HttpClient("VK", attempts=2, backoff=0.01, timeout=5)
    return VkReader(VkApi(http, server.api_url, VK_TOKEN, "5.199"), first_run_posts=1000)


def test_vk_search_pages_with_next_from_and_keeps_since(vk: VkStandIn) -> None:
    vk.found = [vk_post(i, owner=-7) for i in range(450, 0, -1)]
    vk.found[0] = {"source_id": -7, "post_id": 450, "post_type": "post", "date": T0 + 60 * 450, "text": "Яма на Мира"}
    batches = list(_vk_reader(vk).search({"query": "Покачи"}, {}))
    ids = [m.external_id for b in batches for m in b.items]
    assert len(ids) == len(set(ids)) == 450 and ids[0] == "-7_1" and ids[-1] == "-7_450"  # oldest first
    assert [f.get("start_from") for f in vk.script.calls("newsfeed.search")] == [None, "200", "400"]
    assert batches[-1].cursor == {"since": T0 + 60 * 450}
    assert all(b.cursor["since"] <= batches[-1].cursor["since"] for b in batches)
    vk.script.requests.clear()
    list(_vk_reader(vk).search({"query": "Покачи"}, batches[-1].cursor))
    assert vk.script.calls("newsfeed.search")[0]["start_time"] == str(T0 + 60 * 450)


def test_vk_search_radius_drops_far_posts_only(vk: VkStandIn) -> None:
    near = vk_post(1, owner=-7, geo={"type": "point", "coordinates": "61.7420 75.5950"})
    far = vk_post(2, owner=-7, geo={"type": "point", "coordinates": "55.75 37.61"})
    vk.found = [far, near, vk_post(3, owner=-7)]
    params = {"query": "яма", "lat": 61.742, "lon": 75.595, "radius": 3000}
    ids = [m.external_id for b in _vk_reader(vk).search(params, {}) for m in b.items]
    assert ids == ["-7_1", "-7_3"]
    assert vk.script.calls("newsfeed.search")[0]["latitude"] == "61.742"


@pytest.mark.parametrize("bare", [True, False])
def test_wall_get_by_id_as_bare_list_or_items(vk: VkStandIn, bare: bool) -> None:
    vk.posts[-1] = [vk_post(2, owner=-1), vk_post(1, owner=-1)]
    vk.bare_lists = bare
    got = _vk_reader(vk).by_ids(["-1_1", "-1_2"])
    assert sorted(m.external_id for m in got if isinstance(m, RawMessage)) == ["-1_1", "-1_2"]


def test_ok_signature_as_documented() -> None:
    params = {"application_key": "CBA", "format": "json", "method": "group.getInfo", "uids": "1"}
    secret = hashlib.md5(b"tokensecret").hexdigest()
    expected = hashlib.md5(("application_key=CBAformat=jsonmethod=group.getInfouids=1" + secret).encode())
    assert signature({**params, "access_token": "token"}, "token", "secret") == expected.hexdigest()


@pytest.fixture
def ok() -> Iterator[OkStandIn]:
    server = OkStandIn()
    with server.running():
        yield server


def _ok_topics(server: OkStandIn, gid: str, n: int) -> None:
    server.topics[gid] = [
        {
            "id": str(9000 + i),
            "created_ms": (T0 + 60 * i) * 1000,
            "author_ref": "user:77",
            "media": [{"type": "text", "text": f"Не вывезли мусор у дома {i} по Мира &amp; Ленина"}],
        }
        for i in range(n, 0, -1)
    ]


def test_ok_group_topics_and_comments(ok: OkStandIn) -> None:
    _ok_topics(ok, "5001", 60)
    ok.topics["5001"][-1]["media"].append({"type": "photo", "list": [{"id": "p1"}]})
    ok.topics["5001"][0]["media"] = [{"type": "photo", "list": [{"id": "p2"}]}]  # photo only: kept
    ok.comments["9001"] = [
        {
            "id": f"c{k}",
            "text": f"Подтверждаю {k}",
            "date": "2026-11-28 10:00:00",
            "author_id": "8",
            "author_name": "Пётр",
        }
        for k in range(150)
    ]
    http = HttpClient("OK", attempts=2, backoff=0.01, timeout=5)
    reader = OkReader(OkApi(http, ok.api_url, OK_APP_KEY, OK_SECRET, OK_TOKEN))
    batches = list(reader.group({"group_id": "5001"}, {}))
    items = [i for b in batches for i in b.items]
    assert all(isinstance(i, RawMessage) for i in items), [i for i in items if isinstance(i, Rejected)]
    by_id = {m.external_id: m for m in items}
    assert len(by_id) == 60 + 150
    first = by_id["5001_9001"]
    assert first.text == "Не вывезли мусор у дома 1 по Мира & Ленина" and first.author == "Мария Иванова"
    assert first.url == "https://ok.ru/group/5001/topic/9001"
    assert by_id["5001_9060"].text == "" and by_id["5001_9001_c149"].parent_id == "5001_9001"
    assert batches[-1].cursor["since_ms"] == (T0 + 60 * 60) * 1000
    assert {f["method"] for _, f in ok.script.requests} == {"mediatopic.getTopics", "discussions.getComments"}


def test_ok_group_through_the_monitor(app: Flask, runner, stand_ins: StandIns, monkeypatch) -> None:
    _ok_topics(stand_ins.ok, "5001", 3)
    add(runner, "ok-group", "5001")
    run_once(runner)
    assert counts(app) == {"ok": 3, "orphans": 0}
    group = sources(app)["ok-group 5001"]
    runner.invoke(args=["sources", "resume", str(group.id)])
    run_once(runner)
    assert counts(app) == {"ok": 3, "orphans": 0}
    monkeypatch.setitem(app.config, "WEBMAP_OK_TOKEN", "expired-ok-token")
    runner.invoke(args=["sources", "resume", str(group.id)])
    run_once(runner)
    group = sources(app)["ok-group 5001"]
    assert group.state == "token_invalid" and "PARAM_SESSION_EXPIRED" in group.last_error
    assert "expired-ok-token" not in group.last_error
