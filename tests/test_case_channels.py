"""A case's channels (``appeals.channels``) follow its messages whatever writes them: the ORM, a
merge or a split, or plain SQL; the dashboard counts channels from them."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session, scoped_session

from tests import factories
from webmap.models import Appeal
from webmap.services import analytics as an
from webmap.services.cases import merge_cases, split_case


def channels(db: scoped_session[Session], case: Appeal) -> list[str]:
    db.flush()
    return db.scalar(text("SELECT channels FROM appeals WHERE id = :id"), {"id": case.id})


def test_a_new_case_has_the_channels_of_its_messages_once_each_and_sorted(db: scoped_session[Session]) -> None:
    case = factories.appeal(
        messages=[factories.message(channel="vk"), factories.message(channel="phone"), factories.message(channel="vk")]
    )
    assert channels(db, case) == ["phone", "vk"]
    assert channels(db, factories.appeal()) == []


def test_a_message_arriving_later_adds_its_channel(db: scoped_session[Session]) -> None:
    case = factories.appeal(messages=[factories.message(channel="vk")])
    assert channels(db, case) == ["vk"]
    case.messages.append(factories.message(channel="telegram"))
    assert channels(db, case) == ["telegram", "vk"]
    loose = factories.message(channel="pos")
    db.flush()
    db.execute(text("UPDATE source_messages SET appeal_id = :a WHERE id = :m"), {"a": case.id, "m": loose.id})
    assert channels(db, case) == ["pos", "telegram", "vk"]


def test_a_moved_or_deleted_message_takes_its_channel_away_unless_another_has_it(db: scoped_session[Session]) -> None:
    vk1, vk2, phone = (
        factories.message(channel="vk"),
        factories.message(channel="vk"),
        factories.message(channel="phone"),
    )
    case = factories.appeal(messages=[vk1, vk2, phone])
    db.flush()
    db.execute(text("DELETE FROM source_messages WHERE id = :m"), {"m": vk1.id})
    assert channels(db, case) == ["phone", "vk"]
    db.execute(text("UPDATE source_messages SET channel = 'ok' WHERE id = :m"), {"m": vk2.id})
    assert channels(db, case) == ["ok", "phone"]
    db.execute(text("UPDATE source_messages SET appeal_id = NULL WHERE id = :m"), {"m": phone.id})
    assert channels(db, case) == ["ok"]


def test_merge_and_split_move_the_channels_with_the_messages(db: scoped_session[Session]) -> None:
    target = factories.appeal(messages=[factories.message(channel="vk")])
    other = factories.appeal(messages=[factories.message(channel="reception"), factories.message(channel="vk")])
    db.flush()
    merge_cases(target, [other], None)
    assert (channels(db, target), channels(db, other)) == (["reception", "vk"], [])
    reception = next(m for m in target.messages if m.channel == "reception")
    new = split_case(target, [reception.id], None)
    assert (channels(db, target), channels(db, new)) == (["vk"], ["reception"])


def test_channel_counts_equal_counting_the_messages(db: scoped_session[Session], clock: factories.Clock) -> None:
    """The dashboard's channel table, from the cases' channels, against a count over the messages."""
    mixes = [["vk"], ["vk", "vk"], ["vk", "phone"], ["pos"], ["telegram", "pos", "reception"], [], ["phone"]]
    made = [
        factories.appeal(messages=[factories.message(channel=c, clock=clock) for c in mix], days_ago=5 + i, clock=clock)
        for i, mix in enumerate(mixes * 3)
    ]
    db.flush()
    db.execute(  # a duplicate keeps out of the counts, whatever messages it has
        text("UPDATE appeals SET status = 'duplicate', duplicate_of_id = :t WHERE id = :d"),
        {"t": made[0].id, "d": made[4].id},
    )
    today = clock.now().date()
    f = an.Filters(today.replace(year=today.year - 1), today)
    expected = dict(
        db.execute(
            text(
                "SELECT m.channel, count(DISTINCT a.id) FROM appeals a JOIN source_messages m ON m.appeal_id = a.id "
                "WHERE a.status <> 'duplicate' AND a.created_at >= :s AND a.created_at < :e GROUP BY 1"
            ),
            {"s": f.start, "e": f.end},
        ).all()
    )
    assert expected == {"vk": 9, "phone": 6, "pos": 5, "telegram": 2, "reception": 2}
    assert {r["channel"]: r["received"] for r in an.by_channel(f).rows} == expected
    only_phone = an.Filters(f.date_from, f.date_to, channels=("phone",))
    assert an.summary(only_phone)["received"] == 6
