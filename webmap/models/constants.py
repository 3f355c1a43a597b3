"""The model's closed vocabularies as plain tuples of codes (defined in :mod:`webmap.models.vocab`)."""

from __future__ import annotations

from webmap.models.vocab import (
    APPEAL_STATUS,
    CATEGORIES,
    CHANNEL,
    CLOSED,
    LINE,
    OPEN,
    PRECISION,
    PUBLIC,
    ROLE,
    WORK_STATUS,
    WORK_TYPES,
    sql_in,
)
from webmap.models.vocab import PLACED_BY as PLACED_BY_VOCAB

CHANNELS = CHANNEL.codes
PUBLIC_CHANNELS = CHANNEL.group(PUBLIC)  # posts a resident may be linked to by URL

APPEAL_STATUSES = APPEAL_STATUS.codes
OPEN_STATUSES = APPEAL_STATUS.group(OPEN)
CLOSED_STATUSES = APPEAL_STATUS.group(CLOSED)
PRECISIONS = PRECISION.codes
LINE_PRECISIONS = PRECISION.group(LINE)  # a case placed on a street or a stretch of it also keeps the line
PLACED_BY = PLACED_BY_VOCAB.codes

WORK_STATUSES = WORK_STATUS.codes
OPEN_WORK_STATUSES = WORK_STATUS.group(OPEN)
ROLES = ROLE.codes

# Watched sources (webmap/monitor): what they watch and how they fare.
SOURCE_KINDS = ("vk-wall", "vk-search", "telegram-bot", "ok-group")
SOURCE_STATES = ("active", "paused", "unavailable", "token_invalid")

__all__ = [
    "APPEAL_STATUSES",
    "CATEGORIES",
    "CHANNELS",
    "CLOSED_STATUSES",
    "LINE_PRECISIONS",
    "OPEN_STATUSES",
    "OPEN_WORK_STATUSES",
    "PLACED_BY",
    "PRECISIONS",
    "PUBLIC_CHANNELS",
    "ROLES",
    "SOURCE_KINDS",
    "SOURCE_STATES",
    "WORK_STATUSES",
    "WORK_TYPES",
    "sql_in",
]
