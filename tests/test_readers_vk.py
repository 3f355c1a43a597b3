"""VK reader: response shapes, comments, bad records, broken files, streaming."""

from __future__ import annotations

import io
import json
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from webmap.ingest.readers import RawMessage, ReaderError, ReadStats, Rejected, read_vk

NOW = datetime(2023, 1, 1, tzinfo=UTC)
T0 = int(datetime(2022, 10, 1, tzinfo=UTC).timestamp())


def post(i: int, text: str = "Яма у дома 5", **extra: Any) -> dict[str, Any]:
    return {"id": i, "owner_id": -21835, "from_id": 100 + i, "date": T0 + i, "post_type": "post", "text": text, **extra}


def write(tmp_path: Path, data: Any, name: str = "vk.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def wall(*items: Any) -> dict[str, Any]:
    return {"response": {"count": len(items), "items": list(items)}}


def read(source: Any, **options: Any) -> tuple[list[RawMessage], list[Rejected]]:
    items = list(read_vk(source, now=NOW, **options))
    return ([i for i in items if isinstance(i, RawMessage)], [i for i in items if isinstance(i, Rejected)])


def test_bare_list_and_items_wrapper(tmp_path: Path) -> None:
    for data in ([post(1), post(2)], {"items": [post(1), post(2)]}, wall(post(1), post(2))):
        messages, rejected = read(write(tmp_path, data))
        assert [m.external_id for m in messages] == ["-21835_1", "-21835_2"]
        assert rejected == []


def test_comments_list_and_threads(tmp_path: Path) -> None:
    reply = {"id": 12, "from_id": 7, "date": T0 + 60, "text": "и у нас тоже"}
    comment = {
        "id": 11,
        "from_id": 5,
        "date": T0 + 30,
        "text": "Подтверждаю, яма глубокая",
        "thread": {"count": 1, "items": [reply]},
    }
    messages, rejected = read(write(tmp_path, wall(post(1, comments=[comment]), post(2, comments={"count": 4}))))
    assert rejected == []
    assert [m.external_id for m in messages] == ["-21835_1", "-21835_1_11", "-21835_1_12", "-21835_2"]
    c, r = messages[1], messages[2]
    assert c.url == "https://vk.com/wall-21835_1?reply=11"
    assert r.url == "https://vk.com/wall-21835_1?reply=12&thread=11"
    assert c.parent_id == r.parent_id == "-21835_1"
    assert c.author_id == "5" and c.raw["text"] == "Подтверждаю, яма глубокая"
    assert c.position == "response.items[0].comments[0]"
    assert r.position == "response.items[0].comments[0].thread[0]"


def test_comments_as_items_dict_and_getcomments_response(tmp_path: Path) -> None:
    comment = {"id": 11, "from_id": 5, "date": T0, "text": "Подтверждаю"}
    messages, _ = read(write(tmp_path, wall(post(1, comments={"count": 1, "items": [comment]}))))
    assert [m.external_id for m in messages] == ["-21835_1", "-21835_1_11"]
    # wall.getComments: the items are comments carrying post_id and owner_id
    got = dict(comment, post_id=1, owner_id=-21835)
    messages, _ = read(write(tmp_path, wall(got)))
    assert [(m.external_id, m.url) for m in messages] == [("-21835_1_11", "https://vk.com/wall-21835_1?reply=11")]


def test_newsfeed_get_items_are_posts(tmp_path: Path) -> None:
    item = {"source_id": -5, "post_id": 77, "post_type": "post", "type": "post", "date": T0, "text": "Яма"}
    messages, _ = read(write(tmp_path, wall(item)))
    assert [(m.external_id, m.url, m.parent_id) for m in messages] == [("-5_77", "https://vk.com/wall-5_77", None)]


def test_deleted_and_empty_comments_rejected(tmp_path: Path) -> None:
    comments = [{"id": 11, "deleted": True, "date": T0, "text": ""}, {"id": 12, "from_id": 1, "date": T0, "text": " "}]
    messages, rejected = read(write(tmp_path, wall(post(1, comments=comments))))
    assert len(messages) == 1
    assert [r.reason for r in rejected] == ["comment was deleted", "comment has empty text"]
    assert rejected[0].external_id == "-21835_1_11"


def test_empty_posts_rejected_photo_only_kept_reposts_store_the_original(tmp_path: Path) -> None:
    photo = {"type": "photo", "photo": {"id": 1, "sizes": [{"type": "x", "url": "https://sun9-1.userapi.com/a.jpg"}]}}
    original = {
        "id": 9,
        "owner_id": 555,
        "from_id": 555,
        "date": T0,
        "post_type": "post",
        "text": "Нет света на Мира 5",
    }
    data = wall(
        post(1, text=""),
        post(2, text="  \n ", attachments=[photo, {"type": "video"}]),
        post(3, text="", copy_history=[original]),
        post(4),
        post(5, text="Репост с комментарием", copy_history=[original]),
    )
    stats = ReadStats()
    messages, rejected = read(write(tmp_path, data), stats=stats)
    # a post of photos only is kept, with empty text and the photo links in raw, for an operator
    assert [m.external_id for m in messages] == ["-21835_2", "555_9", "-21835_4", "555_9", "-21835_5"]
    assert messages[0].text == "" and messages[0].raw["attachments"][0]["photo"]["sizes"][0]["url"].endswith("a.jpg")
    # a repost's text is the resident's original, under its own id and URL (stored once: same external id)
    assert messages[1].text == "Нет света на Мира 5" and messages[1].url == "https://vk.com/wall555_9"
    assert messages[1].author_id == "555" and messages[1].position == "response.items[2].copy_history[0]"
    assert messages[4].text == "Репост с комментарием"
    assert stats.skipped == 1 and "repost" in next(iter(stats.skipped_reasons))
    assert [(r.position, r.reason) for r in rejected] == [("response.items[0]", "post has empty text")]
    assert all(r.channel == "vk" for r in rejected)


def test_photo_only_comment_kept(tmp_path: Path) -> None:
    comment = {"id": 11, "from_id": 5, "date": T0, "text": "", "attachments": [{"type": "photo", "photo": {"id": 2}}]}
    messages, rejected = read(write(tmp_path, wall(dict(comment, post_id=1, owner_id=-21835))))
    assert rejected == [] and [(m.external_id, m.text) for m in messages] == [("-21835_1_11", "")]


def test_html_entities_and_br_decoded_raw_kept(tmp_path: Path) -> None:
    sent = "Яма у дома &quot;5&quot;<br>на Мира &amp; Ленина&#33;<br/>[id123|Иван], посмотрите"
    messages, _ = read(write(tmp_path, wall(post(1, text=sent))))
    assert messages[0].text == 'Яма у дома "5"\nна Мира & Ленина!\n[id123|Иван], посмотрите'
    assert messages[0].raw["text"] == sent  # raw keeps what VK sent


def test_missing_ids_and_non_objects_rejected(tmp_path: Path) -> None:
    no_id = post(1)
    del no_id["id"]
    no_owner = post(2)
    del no_owner["owner_id"]
    messages, rejected = read(write(tmp_path, wall(no_id, no_owner, 42, post(3))))
    assert len(messages) == 1
    assert [r.reason for r in rejected] == ["missing id", "missing owner_id", "record is a int, not an object"]


def test_dates_future_unparseable_missing(tmp_path: Path) -> None:
    future = int((NOW + timedelta(days=2)).timestamp())
    soon = int((NOW + timedelta(hours=20)).timestamp())  # within a day: clock skew
    data = wall(post(1, date=future), post(2, date="вчера"), post(3, date=None), post(4, date=0), post(5, date=soon))
    messages, rejected = read(write(tmp_path, data))
    assert [m.external_id for m in messages] == ["-21835_5"]
    reasons = [r.reason for r in rejected]
    assert "in the future" in reasons[0]
    assert reasons[1] == "unparseable date 'вчера'"
    assert reasons[2] == "missing date"
    assert "before 2000" in reasons[3]


def test_future_against_real_clock(tmp_path: Path) -> None:
    path = write(tmp_path, wall(post(1, date=int(datetime(2100, 1, 1, tzinfo=UTC).timestamp()))))
    items = list(read_vk(path))
    assert isinstance(items[0], Rejected) and "future" in items[0].reason


def test_html_script_and_sql_kept_verbatim(tmp_path: Path) -> None:
    texts = [
        '<script>alert("x")</script> яма <b>тут</b> &amp;',
        "Мира 5'); DROP TABLE source_message; --",
        "  внутри   пробелы\n\nсохраняются  ",
    ]
    messages, _ = read(write(tmp_path, wall(*(post(i, text=t) for i, t in enumerate(texts, 1)))))
    # entities are decoded (VK escapes what residents type); tags stay literal text, inert in templates
    decoded = '<script>alert("x")</script> яма <b>тут</b> &'
    assert [m.text for m in messages] == [decoded, texts[1], "внутри   пробелы\n\nсохраняются"]
    assert messages[0].raw["text"] == texts[0] and messages[2].raw["text"] == texts[2]  # raw is untouched


def test_nul_bytes_stripped_from_text_and_raw(tmp_path: Path) -> None:
    messages, _ = read(write(tmp_path, wall(post(1, text="Яма\u0000 у дома", extra={"k\u0000": "v\u0000"}))))
    assert messages[0].text == "Яма у дома"
    assert messages[0].raw["extra"] == {"k": "v"}
    assert "\x00" not in json.dumps(messages[0].raw)


def test_ten_megabyte_text_rejected_with_short_excerpt(tmp_path: Path) -> None:
    huge = "я" * 10_000_000
    messages, rejected = read(write(tmp_path, wall(post(1, text=huge), post(2))))
    assert [m.external_id for m in messages] == ["-21835_2"]
    assert rejected[0].reason == "text is 10,000,000 characters, over the limit of 20,000"
    assert len(rejected[0].raw_excerpt) <= 500
    assert rejected[0].external_id == "-21835_1"


def test_max_text_length_configurable(tmp_path: Path) -> None:
    messages, rejected = read(write(tmp_path, wall(post(1, text="x" * 51), post(2, text="x" * 50))), max_text_length=50)
    assert [m.external_id for m in messages] == ["-21835_2"]
    assert "over the limit of 50" in rejected[0].reason


def test_truncated_json_yields_complete_records_then_errors(tmp_path: Path) -> None:
    data = json.dumps(wall(post(1), post(2), post(3)), ensure_ascii=False).encode()
    cut = data.index(b'"id": 3') + 3
    path = tmp_path / "cut.json"
    path.write_bytes(data[:cut])
    got: list[Any] = []
    with pytest.raises(ReaderError) as error:
        for item in read_vk(path, now=NOW):
            got.append(item)
    assert [m.external_id for m in got] == ["-21835_1", "-21835_2"]
    assert "truncated JSON" in str(error.value)
    assert error.value.position is not None and error.value.position.startswith("response.items[2]")


def test_truncated_between_records_and_garbage(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_bytes(b'{"response": {"items": [' + json.dumps(post(1)).encode() + b",")
    with pytest.raises(ReaderError, match=r"response.items\[1\].*truncated"):
        list(read_vk(path, now=NOW))
    path.write_bytes(b'{"response": {"items": [} oops')
    with pytest.raises(ReaderError, match="malformed JSON"):
        list(read_vk(path, now=NOW))


@pytest.mark.parametrize("content", [b"", b"   \n\t ", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(content)
    with pytest.raises(ReaderError, match=r"^empty file$"):
        list(read_vk(path))


def test_foreign_json_refused(tmp_path: Path) -> None:
    path = write(tmp_path, {"error": {"error_code": 5, "error_msg": "User authorization failed"}})
    with pytest.raises(ReaderError, match=r"no VK items found.*top-level keys: error"):
        list(read_vk(path))


def test_wrong_encoding_refused(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.json"
    path.write_bytes(json.dumps(wall(post(1)), ensure_ascii=False).encode("cp1251"))
    with pytest.raises(ReaderError, match="not UTF-8"):
        list(read_vk(path))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_and_utf16_json(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(json.dumps(wall(post(1), post(2)), ensure_ascii=False).encode(encoding))
    messages, _ = read(path)
    assert [m.text for m in messages] == ["Яма у дома 5", "Яма у дома 5"]


def test_items_after_a_long_preamble(tmp_path: Path) -> None:
    """The record array may start after the peeked head (the slow path)."""
    data = {"response": {"note": "x" * 100_000, "count": 2, "items": [post(1), post(2)]}}
    messages, _ = read(write(tmp_path, data))
    assert [m.position for m in messages] == ["response.items[0]", "response.items[1]"]
    raw = json.dumps(data).encode()
    cut = raw[: raw.index(b'"id": 2') + 4]
    (tmp_path / "cut.json").write_bytes(cut)
    with pytest.raises(ReaderError, match=r"response.items\[1\].*truncated"):
        list(read_vk(tmp_path / "cut.json", now=NOW))


def test_author_names_from_extended_response(tmp_path: Path) -> None:
    data = wall(post(1, from_id=5), post(2, from_id=-21835))
    data["response"]["profiles"] = [{"id": 5, "first_name": "Иван", "last_name": "Петров"}]
    data["response"]["groups"] = [{"id": 21835, "name": "Покачи онлайн"}]
    messages, _ = read(write(tmp_path, data))
    assert [m.author for m in messages] == ["Иван Петров", "Покачи онлайн"]
    messages, _ = read(write(tmp_path, data), resolve_names=False)
    assert [m.author for m in messages] == [None, None]
    messages, _ = read(write(tmp_path, wall(post(1, from_id=5))), names={"5": "Иван"})
    assert messages[0].author == "Иван"


def test_binary_stream_left_open_and_text_stream_refused(tmp_path: Path) -> None:
    stream = io.BytesIO(json.dumps(wall(post(1), post(2))).encode())
    messages, _ = read(stream)
    assert len(messages) == 2 and not stream.closed
    with pytest.raises(TypeError, match="binary stream"):
        list(read_vk(io.StringIO("[]")))
    with pytest.raises(ReaderError, match="cannot open"):
        list(read_vk(tmp_path / "missing.json"))


def test_stats_and_custom_channel(tmp_path: Path) -> None:
    stats = ReadStats()
    items = list(read_vk(write(tmp_path, wall(post(1), post(2, text=""))), channel="vk_group2", stats=stats, now=NOW))
    assert {i.channel for i in items} == {"vk_group2"}
    assert (stats.messages, stats.rejected, stats.skipped) == (1, 1, 0)


def test_streaming_100k_records_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    n = 100_000
    with path.open("w", encoding="utf-8") as out:
        out.write('{"response": {"count": ' + str(n) + ', "items": [')
        for i in range(n):
            out.write(
                ("," if i else "")
                + json.dumps(
                    {"id": i + 1, "owner_id": -1, "from_id": i, "date": T0 + i, "text": f"Яма у дома {i}"},
                    ensure_ascii=False,
                )
            )
        out.write("]}}")
    assert path.stat().st_size > 8_000_000
    tracemalloc.start()
    try:
        count = sum(1 for item in read_vk(path, now=NOW) if isinstance(item, RawMessage))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    assert peak < 50 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
