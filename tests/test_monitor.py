"""The monitor end to end: `webmap monitor --once` against local VK and Telegram stand-ins.

Every post, comment and thread reply arrives once, as a case in the queue; a second run adds
nothing; edits are revisions beside the first text; a source that fails leaves the others running.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from tests.monitor_helpers import T0, StandIns, add, counts, run_once, sources, stand_ins, vk_comment, vk_post
from webmap.extensions import db
from webmap.models import MessageRevision, SourceMessage

__all__ = ["stand_ins"]  # the fixture


def _fill(s: StandIns) -> None:
    wall = [vk_post(i) for i in range(1, 131)]
    wall[6] = vk_post(7, text="", copy_history=[vk_post(9, owner=555, text="Нет света во дворе Мира 5")])
    photo = {"type": "photo", "photo": {"id": 3, "sizes": [{"type": "x", "url": "https://sun9-1.userapi.com/p.jpg"}]}}
    wall[7] = vk_post(8, text="", attachments=[photo])
    wall[8] = vk_post(9, text="Люк открыт у дома &quot;12&quot;<br>Будьте осторожны")
    s.vk.posts[-21835] = list(reversed(wall))  # wall.get answers newest first
    s.vk.comments[(-21835, 5)] = [vk_comment(1, 5), vk_comment(2, 5, replies=12), vk_comment(3, 5)]
    s.vk.profiles = [{"id": 105, "first_name": "Иван", "last_name": "Петров"}]
    channel = {"id": -100123, "type": "channel", "title": "Покачи новости", "username": "pokachi_news"}
    private = {"id": 4242, "type": "private", "first_name": "Анна"}
    s.tg.add("channel_post", {"message_id": 10, "chat": channel, "date": T0, "text": "Не горит фонарь на Ленина 3"})
    s.tg.add(
        "message",
        {"message_id": 5, "chat": private, "from": {"id": 4242, "first_name": "Анна"}, "date": T0, "text": "Яма"},
    )
    s.tg.add(
        "edited_message",
        {
            "message_id": 5,
            "chat": private,
            "from": {"id": 4242, "first_name": "Анна"},
            "date": T0,
            "edit_date": T0 + 30,
            "text": "Яма у дома 7 по Мира",
        },
    )
    s.tg.add("message", {"message_id": 6, "chat": private, "date": T0 + 5, "photo": [{"file_id": "AgAD", "width": 90}]})
    s.tg.updates.append({"update_id": 2000, "my_chat_member": {"chat": private}})  # not a resident's message


def test_once_brings_every_post_and_comment_once(app: Flask, runner, stand_ins: StandIns) -> None:
    _fill(stand_ins)
    add(runner, "vk-wall", "-21835", "--name", "Покачи онлайн")
    add(runner, "telegram-bot")
    output = run_once(runner)
    assert "ran 2 sources" in output
    # 130 posts, the repost stored as its original (555_9), 3 comments and 12 thread replies
    assert counts(app) == {"vk": 130 + 3 + 12, "telegram": 3, "orphans": 0}
    with app.app_context():
        by_id = {m.external_id: m for m in db.session.scalars(select(SourceMessage))}
        assert by_id["555_9"].text == "Нет света во дворе Мира 5" and by_id["555_9"].url == "https://vk.com/wall555_9"
        assert "-21835_7" not in by_id  # the repost adds no text of its own
        assert by_id["-21835_8"].text == "" and by_id["-21835_8"].raw["attachments"][0]["type"] == "photo"
        assert by_id["-21835_9"].text == 'Люк открыт у дома "12"\nБудьте осторожны'
        assert by_id["-21835_9"].raw["text"].startswith("Люк открыт у дома &quot;12&quot;<br>")
        assert by_id["-21835_5_1"].url == "https://vk.com/wall-21835_5?reply=1"
        assert by_id["-21835_5_212"].url == "https://vk.com/wall-21835_5?reply=212&thread=2"
        assert by_id["-21835_5"].author == "Иван Петров"
        assert by_id["-100123_10"].url == "https://t.me/pokachi_news/10"
        assert by_id["4242_5"].url is None and by_id["4242_5"].text == "Яма"  # the first text stays
        assert by_id["4242_6"].text == ""  # a photo alone waits for an operator
        revisions = db.session.scalars(select(MessageRevision)).all()
        assert [(r.message_id, r.text) for r in revisions] == [(by_id["4242_5"].id, "Яма у дома 7 по Мира")]
        db.session.remove()
    state = sources(app)
    wall, bot = state["vk-wall -21835"], state["telegram-bot bot"]
    assert (wall.state, wall.taken, wall.last_error) == ("active", 145, None)
    assert wall.cursor["last_id"] == 130 and wall.cursor["comments"]["5"][0] == 15
    assert (bot.state, bot.taken, bot.revised, bot.cursor) == ("active", 3, 1, {"offset": 2001})

    # a second run adds nothing: it reads the recent wall (comment counts) but no comments
    stand_ins.vk.script.requests.clear()
    for source in ("vk-wall -21835", "telegram-bot bot"):
        runner.invoke(args=["sources", "resume", str(state[source].id)])  # due now
    run_once(runner)
    assert counts(app) == {"vk": 145, "telegram": 3, "orphans": 0}
    assert [m for m, _ in stand_ins.vk.script.requests] == ["wall.get", "wall.get"]  # 130 recent posts, 2 pages

    # a new post and a new comment on an old post: exactly those two arrive
    stand_ins.vk.posts[-21835].insert(0, vk_post(131))
    stand_ins.vk.comments[(-21835, 3)] = [vk_comment(4, 3)]
    runner.invoke(args=["sources", "resume", str(state["vk-wall -21835"].id)])
    run_once(runner)
    assert counts(app) == {"vk": 147, "telegram": 3, "orphans": 0}


def test_not_due_sources_wait_and_paused_sources_rest(app: Flask, runner, stand_ins: StandIns) -> None:
    stand_ins.vk.posts[-1] = [vk_post(1, owner=-1)]
    add(runner, "vk-wall", "-1")
    run_once(runner)
    assert counts(app)["vk"] == 1
    stand_ins.vk.posts[-1].insert(0, vk_post(2, owner=-1))
    assert "ran 0 sources" in run_once(runner)  # its next run is minutes away
    source_id = sources(app)["vk-wall -1"].id
    assert "paused" in runner.invoke(args=["sources", "pause", str(source_id)]).output
    assert "ran 0 sources" in run_once(runner)
    runner.invoke(args=["sources", "resume", str(source_id)])
    run_once(runner)
    assert counts(app)["vk"] == 2
    listing = runner.invoke(args=["sources", "list"]).output
    assert "vk-wall\t-1\tactive" in listing and "taken 2" in listing


def test_a_comment_deleted_later_is_marked_not_removed(app: Flask, runner, stand_ins: StandIns) -> None:
    stand_ins.vk.posts[-1] = [vk_post(1, owner=-1)]
    stand_ins.vk.comments[(-1, 1)] = [vk_comment(1, 1), vk_comment(2, 1)]
    add(runner, "vk-wall", "-1")
    run_once(runner)
    assert counts(app) == {"vk": 3, "orphans": 0}
    # VK then shows the first comment as deleted, and a third one arrives
    stand_ins.vk.comments[(-1, 1)] = [
        {"id": 1, "date": T0, "deleted": True, "text": ""},
        vk_comment(2, 1),
        vk_comment(3, 1),
    ]
    runner.invoke(args=["sources", "resume", str(sources(app)["vk-wall -1"].id)])
    run_once(runner)
    assert counts(app) == {"vk": 4, "orphans": 0}
    with app.app_context():
        gone = db.session.scalars(select(SourceMessage).where(SourceMessage.external_id == "-1_1_1")).one()
        assert gone.deleted_at is not None and gone.text == "Подтверждаю 1"
        db.session.remove()
    wall = sources(app)["vk-wall -1"]
    assert (wall.revised, wall.rejected, wall.last_error) == (1, 0, None)
