"""When a case must be answered, by channel and category.

59-FZ gives 30 days to answer a written appeal (ПОС, personal receptions); the
centre answers social-network posts within one working day. Both are settings
(``WEBMAP_DEADLINES``); a category's own ``deadline_days`` overrides them.
Working days skip Saturdays and Sundays; the town's holiday calendar is not
modelled yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# channel -> (amount, unit); unit is "days" (calendar) or "working_days"
DEFAULT_DEADLINES: dict[str, tuple[int, str]] = {
    "vk": (1, "working_days"),
    "telegram": (1, "working_days"),
    "ok": (1, "working_days"),
    "pos": (30, "days"),
    "reception": (30, "days"),
    "phone": (30, "days"),
    "manual": (30, "days"),
    "open311": (30, "days"),
    "*": (30, "days"),
}


def add_working_days(start: datetime, days: int, tz: ZoneInfo) -> datetime:
    """``start`` plus ``days`` working days, counted in the town's calendar."""
    local = start.astimezone(tz)
    added = 0
    while added < days:
        local += timedelta(days=1)
        if local.weekday() < 5:
            added += 1
    return local.astimezone(start.tzinfo)


def deadline_for(
    channel: str,
    received: datetime,
    *,
    category_days: int | None = None,
    rules: Mapping[str, Any] | None = None,
    tz: str = "Asia/Yekaterinburg",
) -> datetime:
    """The deadline of a case that arrived through ``channel`` at ``received``."""
    if category_days is not None:
        return received + timedelta(days=category_days)
    table = {**DEFAULT_DEADLINES, **(rules or {})}
    amount, unit = table.get(channel, table["*"])
    if unit == "working_days":
        return add_working_days(received, int(amount), ZoneInfo(tz))
    return received + timedelta(days=int(amount))
