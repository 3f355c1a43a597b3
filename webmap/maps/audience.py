"""Who looks at a map, and what each of them may ask for and see.

The public sees completed works and cases in work, never a new, rejected or
duplicate case; the operator sees everything. Field sets are chosen in
:mod:`webmap.maps.features` by the audience's ``name``; personal data is in
neither (the operator reads it on the case page, not on the map).
"""

from __future__ import annotations

from dataclasses import dataclass

from webmap.models.vocab import APPEAL_STATUS, FIXED, OPEN, WORK_STATUS
from webmap.models.vocab import PUBLIC as PUBLIC_GROUP

LAYERS = ("works", "cases")


@dataclass(frozen=True)
class Audience:
    name: str
    default_layers: tuple[str, ...]
    work_statuses: tuple[str, ...]  # allowed
    default_work_statuses: tuple[str, ...]
    case_statuses: tuple[str, ...]  # allowed
    default_case_statuses: tuple[str, ...]
    hides_old_fixed: bool  # fixed items older than WEBMAP_PUBLIC_FIXED_MAX_AGE_DAYS hidden unless old=1
    may_filter_overdue: bool


PUBLIC = Audience(
    name="public",
    default_layers=("works", "cases"),
    work_statuses=WORK_STATUS.group(PUBLIC_GROUP),
    default_work_statuses=WORK_STATUS.group(FIXED),
    case_statuses=APPEAL_STATUS.group(PUBLIC_GROUP),
    default_case_statuses=("in_work",),
    hides_old_fixed=True,
    may_filter_overdue=False,
)

OPERATOR = Audience(
    name="operator",
    default_layers=("cases",),
    work_statuses=WORK_STATUS.codes,
    default_work_statuses=WORK_STATUS.group(OPEN),
    case_statuses=APPEAL_STATUS.codes,
    default_case_statuses=APPEAL_STATUS.group(OPEN),
    hides_old_fixed=False,
    may_filter_overdue=True,
)
