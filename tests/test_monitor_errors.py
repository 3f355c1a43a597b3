"""The monitor against failing channels: VK's error codes, broken answers, slow and dropped connections.

Retried errors (VK 6 and 10, network failures, HTTP 5xx) end in stored messages; an invalid
token stops every source of that channel with a clear message that never shows the token; an
unavailable wall is marked so; a malformed answer is written on its source and the other sources
go on; the cursor never moves past what was stored.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.monitor_helpers import T0, StandIns, add, counts, run_once, sources, stand_ins, vk_post
from tests.standins import TG_TOKEN, VK_TOKEN

__all__ = ["stand_ins"]


def _wall(s: StandIns, owner: int = -1, n: int = 3) -> None:
    s.vk.posts[owner] = [vk_post(i, owner=owner) for i in range(n, 0, -1)]


def _bot(s: StandIns) -> None:
    chat = {"id": -100777, "type": "supergroup", "title": "Двор", "username": "pokachi_dvor"}
    s.tg.add("message", {"message_id": 1, "chat": chat, "date": T0, "text": "Сугроб во дворе Мира 3"})


def test_errors_6_and_10_dropped_connections_and_5xx_are_retried(app: Flask, runner, stand_ins: StandIns) -> None:
    _wall(stand_ins)
    stand_ins.vk.script.errors["wall.get"] = [6, 10, "drop", "http500", 6]
    add(runner, "vk-wall", "-1")
    run_once(runner)
    assert counts(app)["vk"] == 3
    wall = sources(app)["vk-wall -1"]
    assert (wall.state, wall.last_error, wall.cursor["last_id"]) == ("active", None, 3)
    assert len(stand_ins.vk.script.calls("wall.get")) == 6


def test_too_many_failures_keep_the_cursor(app: Flask, runner, stand_ins: StandIns, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_MONITOR_ATTEMPTS", 2)
    _wall(stand_ins)
    stand_ins.vk.script.errors["wall.get"] = ["http500", "http500"]
    add(runner, "vk-wall", "-1")
    run_once(runner)
    wall = sources(app)["vk-wall -1"]
    assert wall.state == "active" and wall.cursor == {}
    assert wall.last_error == "VK wall.get: no answer after 2 attempts (HTTP 500)"
    stand_ins.vk.script.errors["wall.get"] = [6, 6]
    runner.invoke(args=["sources", "resume", str(wall.id)])
    run_once(runner)
    assert sources(app)["vk-wall -1"].last_error.startswith("VK wall.get: error 6: Too many requests")
    runner.invoke(args=["sources", "resume", str(wall.id)])
    run_once(runner)  # the next run, once VK answers again, takes everything
    assert counts(app)["vk"] == 3 and sources(app)["vk-wall -1"].last_error is None


def test_invalid_token_pauses_every_vk_source_and_never_shows_it(
    app: Flask, runner, stand_ins: StandIns, monkeypatch
) -> None:
    _wall(stand_ins, -1)
    _wall(stand_ins, -2)
    _bot(stand_ins)
    add(runner, "vk-wall", "-1")
    add(runner, "vk-search", "Покачи")
    add(runner, "telegram-bot")
    wrong = "vk-wrong-token-secret-42"
    monkeypatch.setitem(app.config, "WEBMAP_VK_TOKEN", wrong)
    run_once(runner)
    state = sources(app)
    for key in ("vk-wall -1", "vk-search Покачи"):
        assert state[key].state == "token_invalid"
        assert "error 5: User authorization failed" in state[key].last_error
        assert "WEBMAP_VK_TOKEN" in state[key].last_error and wrong not in state[key].last_error
    # the monitor went on with the other channel
    assert state["telegram-bot bot"].state == "active" and counts(app) == {"telegram": 1, "orphans": 0}
    # with the token fixed, resuming brings the messages
    monkeypatch.setitem(app.config, "WEBMAP_VK_TOKEN", VK_TOKEN)
    runner.invoke(args=["sources", "resume", str(state["vk-wall -1"].id)])
    run_once(runner)
    assert counts(app)["vk"] == 3


@pytest.mark.parametrize(("code", "words"), [(15, "access denied"), (18, "deleted"), (30, "private")])
def test_closed_walls_are_marked_unavailable(app: Flask, runner, stand_ins: StandIns, code: int, words: str) -> None:
    _wall(stand_ins, -1)
    _wall(stand_ins, -2)
    stand_ins.vk.script.errors["wall.get"] = [code]  # the first wall asked
    add(runner, "vk-wall", "-1")
    add(runner, "vk-wall", "-2")
    run_once(runner)
    state = sources(app)
    failed = [s for s in state.values() if s.state == "unavailable"]
    assert len(failed) == 1 and f"error {code}" in failed[0].last_error and words in failed[0].last_error
    assert counts(app)["vk"] == 3  # the other wall was read


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ("garbage", "HTTP 200, not JSON"),
        ({"response": {"count": 3, "items": "oops"}}, "no items list"),
        ({"result": []}, "neither response nor error"),
        ([1, 2], "not an object"),
    ],
)
def test_malformed_answer_is_written_on_the_source_and_skipped(
    app: Flask, runner, stand_ins: StandIns, answer, said: str
) -> None:
    _wall(stand_ins)
    _bot(stand_ins)
    stand_ins.vk.script.errors["wall.get"] = [answer]
    add(runner, "vk-wall", "-1")
    add(runner, "telegram-bot")
    output = run_once(runner)
    wall = sources(app)["vk-wall -1"]
    assert wall.state == "active" and said in wall.last_error and wall.cursor == {}
    assert said in output  # `webmap monitor --once` says it too
    assert counts(app) == {"telegram": 1, "orphans": 0}


def test_bad_records_are_refused_with_reasons_and_the_rest_kept(app: Flask, runner, stand_ins: StandIns) -> None:
    stand_ins.vk.posts[-1] = [vk_post(3, owner=-1), vk_post(2, owner=-1, date=4_102_444_800), vk_post(1, owner=-1)]
    stand_ins.vk.posts[-1].insert(1, "not a post")  # type: ignore[arg-type]
    add(runner, "vk-wall", "-1")
    run_once(runner)
    wall = sources(app)["vk-wall -1"]
    assert counts(app)["vk"] == 2 and wall.rejected == 2 and wall.cursor["last_id"] == 3
    assert wall.last_error.startswith("2 records refused in the last run") and "in the future" in wall.last_error


def test_slow_answers_time_out_and_are_retried(app: Flask, runner, stand_ins: StandIns, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_MONITOR_HTTP_TIMEOUT_S", 0.3)
    monkeypatch.setitem(app.config, "WEBMAP_MONITOR_ATTEMPTS", 2)
    _wall(stand_ins)
    stand_ins.vk.script.delay = 0.6
    add(runner, "vk-wall", "-1")
    run_once(runner)
    wall = sources(app)["vk-wall -1"]
    assert wall.last_error == "VK wall.get: no answer after 2 attempts (timed out)" and wall.cursor == {}
    stand_ins.vk.script.delay = 0.1  # slow but within the timeout
    runner.invoke(args=["sources", "resume", str(wall.id)])
    run_once(runner)
    assert counts(app)["vk"] == 3


def test_at_most_three_vk_requests_a_second(app: Flask, runner, stand_ins: StandIns, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_VK_RPS", 3.0)
    stand_ins.vk.posts[-1] = [vk_post(i, owner=-1, date=T0 - 30 * 86_400 + i) for i in range(450, 0, -1)]
    add(runner, "vk-wall", "-1")
    run_once(runner)
    times = stand_ins.vk.script.times
    assert len(times) == 5 and counts(app)["vk"] == 450
    # no second holds more than three requests (a little slack for when the server logs each arrival)
    windows = [b - a for a, b in zip(times, times[3:])]
    assert min(windows) >= 0.95, windows


def test_telegram_token_refused_is_never_shown(app: Flask, runner, stand_ins: StandIns, monkeypatch) -> None:
    _bot(stand_ins)
    monkeypatch.setitem(app.config, "WEBMAP_TELEGRAM_TOKEN", "999:wrong-telegram-token")
    add(runner, "telegram-bot")
    run_once(runner)
    bot = sources(app)["telegram-bot bot"]
    assert bot.state == "token_invalid" and "error 401: Unauthorized" in bot.last_error
    assert "wrong-telegram-token" not in bot.last_error and TG_TOKEN not in bot.last_error


def test_telegram_flood_wait_is_honoured(app: Flask, runner, stand_ins: StandIns) -> None:
    _bot(stand_ins)
    stand_ins.tg.script.errors["getUpdates"] = [429, 502]
    add(runner, "telegram-bot")
    run_once(runner)
    assert counts(app) == {"telegram": 1, "orphans": 0}
    assert sources(app)["telegram-bot bot"].last_error is None


def test_missing_token_is_said_in_words(app: Flask, runner, stand_ins: StandIns, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_VK_TOKEN", "")
    add(runner, "vk-wall", "-1")
    run_once(runner)
    wall = sources(app)["vk-wall -1"]
    assert (wall.state, wall.last_error) == ("token_invalid", "WEBMAP_VK_TOKEN is not set")
