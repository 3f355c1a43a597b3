"""Shared pieces of the monitor tests: stand-ins wired into the app's config, posts, counts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.standins import OK_APP_KEY, OK_SECRET, OK_TOKEN, TG_TOKEN, VK_TOKEN, OkStandIn, TelegramStandIn, VkStandIn
from webmap.extensions import db
from webmap.models import Source, SourceMessage

#: Three days ago: recent enough that comments of these posts are still watched.
T0 = int(time.time()) - 3 * 86_400
OWNER = -21835


def vk_post(i: int, owner: int = OWNER, text: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": i,
        "owner_id": owner,
        "from_id": 100 + i,
        "date": T0 + 60 * i,
        "post_type": "post",
        "text": f"Яма на дороге у дома {i} по улице Мира" if text is None else text,
        **extra,
    }


def vk_comment(i: int, post: int, text: str | None = None, replies: int = 0) -> dict[str, Any]:
    comment: dict[str, Any] = {
        "id": i,
        "from_id": 500 + i,
        "date": T0 + 60 * post + i,
        "text": text or f"Подтверждаю {i}",
    }
    if replies:
        comment["_replies"] = [
            {"id": i * 100 + k, "from_id": 900 + k, "date": T0 + 60 * post + i + k, "text": f"И у нас {k}"}
            for k in range(1, replies + 1)
        ]
    return comment


@dataclass
class StandIns:
    vk: VkStandIn
    tg: TelegramStandIn
    ok: OkStandIn


def config_for(s: StandIns) -> dict[str, Any]:
    return {
        "WEBMAP_VK_API_URL": s.vk.api_url,
        "WEBMAP_VK_TOKEN": VK_TOKEN,
        "WEBMAP_VK_RPS": 1000.0,
        "WEBMAP_TELEGRAM_API_URL": s.tg.api_url,
        "WEBMAP_TELEGRAM_TOKEN": TG_TOKEN,
        "WEBMAP_OK_API_URL": s.ok.api_url,
        "WEBMAP_OK_APP_KEY": OK_APP_KEY,
        "WEBMAP_OK_SECRET_KEY": OK_SECRET,
        "WEBMAP_OK_TOKEN": OK_TOKEN,
        "WEBMAP_MONITOR_BACKOFF_S": 0.01,
        "WEBMAP_MONITOR_ATTEMPTS": 5,
        "WEBMAP_MONITOR_HTTP_TIMEOUT_S": 5.0,
    }


@pytest.fixture
def stand_ins(app: Flask, committed: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIns]:
    """Running VK, Telegram and OK stand-ins, the app's config pointed at them; data committed."""
    with ExitStack() as stack:
        s = StandIns(VkStandIn(), TelegramStandIn(), OkStandIn())
        for server in (s.vk, s.tg, s.ok):
            stack.enter_context(server.running())
        for key, value in config_for(s).items():
            monkeypatch.setitem(app.config, key, value)
        yield s


def counts(app: Flask) -> dict[str, int]:
    """Stored messages by channel, and how many have no case."""
    with app.app_context():
        db.session.remove()
        rows = db.session.execute(select(SourceMessage.channel, func.count()).group_by(SourceMessage.channel)).all()
        orphans = db.session.scalar(select(func.count()).where(SourceMessage.appeal_id.is_(None)))
        db.session.remove()
    return {**dict(rows), "orphans": orphans or 0}


def sources(app: Flask) -> dict[str, Source]:
    with app.app_context():
        db.session.remove()
        rows = list(db.session.scalars(select(Source)))
        for row in rows:
            db.session.expunge(row)
        db.session.remove()
    return {f"{s.kind} {s.key}": s for s in rows}


def run_once(runner: Any) -> str:
    result = runner.invoke(args=["monitor", "--once"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def add(runner: Any, *args: str) -> str:
    result = runner.invoke(args=["sources", "add", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output
