"""How fast the centre answers residents, per channel, and the cases waiting for an answer too long.

A case's channel is the channel of its first message; its first answer is the earliest one that
reached the resident (``sent``, at ``sent_at``) or was kept for the official reply (``official``).
Time to first answer is in calendar hours (median and 90th percentile, percentile_cont in SQL).

The norm (``WEBMAP_ANSWER_NORMS``, JSON: channel -> ``{"working_hours": N}`` or ``{"days": N}``,
``"*"`` for every other channel) is by default 8 working hours for VK, Telegram and OK and 30
calendar days (59-FZ art. 12) for the rest. Working hours are Monday to Friday, 9:00 to 18:00 in
the town's time zone; public holidays are not known and count as working days. A case is within
the norm when its first answer came in time; "late" counts answers that came after it and cases
still unanswered past it; the share within the norm is of the cases whose outcome is known
(answered, or past the norm). Overdue: open cases with no answer past their norm.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _

from webmap.models.vocab import ANSWER_STATE, PUBLIC
from webmap.services.analytics.base import OPEN_SQL, Column, Filters, Table, case_where, fetch, share, utc_now

DEFAULT_NORMS: dict[str, dict[str, float]] = {
    "vk": {"working_hours": 8},
    "telegram": {"working_hours": 8},
    "ok": {"working_hours": 8},
    "*": {"days": 30},
}
DAY_START, DAY_END = 9, 18  # working hours, local time
OVERDUE_LIMIT = 200


@dataclass(frozen=True)
class Norm:
    working: bool  # working hours (True) or calendar days
    amount: float

    @property
    def seconds(self) -> float:
        return self.amount * (3600.0 if self.working else 86400.0)


def norms(raw: Any) -> dict[str, Norm]:
    """The norms from the config's JSON text (or mapping), over the defaults; ValueError if malformed."""
    given: Mapping[str, Any] = json.loads(raw) if isinstance(raw, str) and raw.strip() else (raw or {})
    if not isinstance(given, Mapping):
        raise ValueError("WEBMAP_ANSWER_NORMS must be a JSON object: channel -> {working_hours|days: N}")
    out: dict[str, Norm] = {}
    for channel, spec in {**DEFAULT_NORMS, **given}.items():
        if not isinstance(spec, Mapping) or len(spec) != 1 or next(iter(spec)) not in ("working_hours", "days"):
            raise ValueError(f"WEBMAP_ANSWER_NORMS[{channel!r}]: give {{'working_hours': N}} or {{'days': N}}")
        kind, amount = next(iter(spec.items()))
        if not isinstance(amount, (int, float)) or isinstance(amount, bool) or amount <= 0:
            raise ValueError(f"WEBMAP_ANSWER_NORMS[{channel!r}]: a positive number of {kind}")
        out[str(channel)] = Norm(kind == "working_hours", float(amount))
    return out


ANSWERED = ANSWER_STATE.sql_list(PUBLIC)

# One row per filtered case: its channel, first answer, and the time it used against its norm.
_CASES = """
WITH norms AS (
    SELECT * FROM unnest(CAST(:n_channel AS text[]), CAST(:n_working AS boolean[]), CAST(:n_seconds AS float8[]))
        AS n(channel, working, seconds)
), c AS (
    SELECT a.id, a.status, a.created_at, a.address,
           coalesce((SELECT m.channel FROM source_messages m WHERE m.appeal_id = a.id
                     ORDER BY m.posted_at, m.id LIMIT 1), 'manual') AS channel,
           (SELECT min(coalesce(x.sent_at, x.created_at)) FROM answers x
             WHERE x.appeal_id = a.id AND x.state IN {answered}) AS answered_at
    FROM appeals a WHERE {where} AND a.status <> 'duplicate'
), d AS (
    SELECT c.*, coalesce(n.working, dn.working) AS working, coalesce(n.seconds, dn.seconds) AS allowed,
           coalesce(c.answered_at, CAST(:now AS timestamptz)) AS upto
    FROM c LEFT JOIN norms n ON n.channel = c.channel
    CROSS JOIN (SELECT working, seconds FROM norms WHERE channel = '*') dn
), e AS (
    SELECT d.*,
           CASE WHEN d.working THEN (
               -- working seconds, day by day; the days looked at stop a week per 9 hours of norm
               -- after receipt (enough to pass any norm), so old cases cost a few rows each
               SELECT coalesce(sum(greatest(0.0, date_part('epoch',
                          least(least(d.upto, d.created_at + make_interval(days => 7 * (1 + (d.allowed / 32400)::int)))
                                AT TIME ZONE :tz, day + make_interval(hours => :day_end))
                        - greatest(d.created_at AT TIME ZONE :tz, day + make_interval(hours => :day_start))))), 0)
               FROM generate_series(date_trunc('day', d.created_at AT TIME ZONE :tz),
                                    date_trunc('day', least(d.upto, d.created_at
                                        + make_interval(days => 7 * (1 + (d.allowed / 32400)::int))) AT TIME ZONE :tz),
                                    interval '1 day') AS day
               WHERE extract(isodow FROM day) < 6)
           ELSE date_part('epoch', d.upto - d.created_at) END AS used
    FROM d
)"""


def _params(f: Filters, now: datetime | None, given: Mapping[str, Norm]) -> tuple[str, dict[str, Any]]:
    where, params = case_where(f)
    channels = list(given)
    return _CASES.format(answered=ANSWERED, where=where), {
        **params,
        "now": utc_now(now),
        "tz": f.tz,
        "day_start": DAY_START,
        "day_end": DAY_END,
        "n_channel": channels,
        "n_working": [given[c].working for c in channels],
        "n_seconds": [given[c].seconds for c in channels],
    }


def answer_figures(f: Filters, now: datetime | None, given: Mapping[str, Norm]) -> Table:
    """Per channel: cases, answered, median and 90th percentile hours to the first answer, in and out of
    the norm, the share within it and the open cases overdue for an answer."""
    cte, params = _params(f, now, given)
    rows = fetch(
        cte
        + f"""
        SELECT channel, count(*) AS received, count(answered_at) AS answered,
               percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', answered_at - created_at))
                   FILTER (WHERE answered_at >= created_at) AS seconds,
               count(*) FILTER (WHERE answered_at IS NOT NULL AND used <= allowed) AS in_norm,
               count(*) FILTER (WHERE used > allowed) AS late,
               count(*) FILTER (WHERE answered_at IS NULL AND used > allowed AND status IN {OPEN_SQL}) AS overdue
        FROM e GROUP BY channel ORDER BY received DESC, channel""",
        params,
    )
    for r in rows:
        seconds = r.pop("seconds") or [None, None]
        r["median_hours"], r["p90_hours"] = (None if s is None else round(s / 3600.0, 1) for s in seconds)
        r["share_in_norm"] = share(r["in_norm"], r["in_norm"] + r["late"])
        norm = given.get(r["channel"], given["*"])
        r["norm_amount"], r["norm_working"] = norm.amount, norm.working
        r["norm"] = f"{norm.amount:g}"  # the page says in what (working hours or days)
    return Table(
        "answers",
        _("Ответы жителям по каналам"),
        [
            Column("channel", _("Канал")),
            Column("norm", _("Норматив")),
            Column("received", _("Обращений"), "int"),
            Column("answered", _("С ответом"), "int"),
            Column("median_hours", _("Медиана до первого ответа, ч"), "float"),
            Column("p90_hours", _("90-й процентиль, ч"), "float"),
            Column("in_norm", _("В норматив"), "int"),
            Column("late", _("С опозданием или без ответа"), "int"),
            Column("share_in_norm", _("Доля в норматив, %"), "percent"),
            Column("overdue", _("Ждут ответа сверх норматива"), "int"),
        ],
        rows,
    )


def overdue_answers(f: Filters, now: datetime | None, given: Mapping[str, Norm]) -> Table:
    """Open cases with no answer past their norm, the longest waiting first."""
    cte, params = _params(f, now, given)
    rows = fetch(
        cte
        + f"""
        SELECT id, channel, created_at, address, round(CAST(date_part('epoch', upto - created_at) / 3600 AS numeric), 1)
               AS waiting_hours
        FROM e WHERE answered_at IS NULL AND used > allowed AND status IN {OPEN_SQL}
        ORDER BY created_at, id LIMIT {OVERDUE_LIMIT}""",
        params,
    )
    for r in rows:
        r["waiting_hours"] = float(r["waiting_hours"])
    return Table(
        "answers_overdue",
        _("Обращения без ответа сверх норматива"),
        [
            Column("id", _("№"), "int"),
            Column("channel", _("Канал")),
            Column("created_at", _("Поступило"), "datetime"),
            Column("address", _("Адрес")),
            Column("waiting_hours", _("Ждёт ответа, ч"), "float"),
        ],
        rows,
    )
