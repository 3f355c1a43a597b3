"""Who looks at a map, and what each of them may ask for and see.

The public sees what :mod:`webmap.privacy` allows (completed works and cases in work,
never a new, rejected or duplicate case, each case where the gate places it); the
operator sees everything. Field sets are chosen in :mod:`webmap.maps.features` by the
audience's ``name``; personal data is in neither (the operator reads it on the case
page, not on the map).
"""

from __future__ import annotations

from dataclasses import dataclass

from webmap import privacy
from webmap.models.constants import APPEAL_STATUSES, OPEN_STATUSES, WORK_STATUSES

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
    work_statuses=privacy.WORK_STATUSES,
    default_work_statuses=privacy.DEFAULT_WORK_STATUSES,
    case_statuses=privacy.CASE_STATUSES,
    default_case_statuses=privacy.DEFAULT_CASE_STATUSES,
    hides_old_fixed=True,
    may_filter_overdue=False,
)

OPERATOR = Audience(
    name="operator",
    default_layers=("cases",),
    work_statuses=WORK_STATUSES,
    default_work_statuses=("planned", "in_work"),
    case_statuses=APPEAL_STATUSES,
    default_case_statuses=OPEN_STATUSES,
    hides_old_fixed=False,
    may_filter_overdue=True,
)
