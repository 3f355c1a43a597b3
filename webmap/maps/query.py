"""Turning the request's arguments into a :class:`FeatureQuery` for one audience."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from sqlalchemy import select

from webmap.extensions import db
from webmap.maps.audience import LAYERS, Audience
from webmap.maps.params import (
    BadParameter,
    FeatureQuery,
    check_known,
    parse_bbox,
    parse_choice,
    parse_date,
    parse_flag,
    parse_int,
    parse_list,
    single,
)
from webmap.models import Category, District, WorkType

FEATURE_PARAMS = (
    "bbox",
    "zoom",
    "layers",
    "type",
    "category",
    "work_status",
    "case_status",
    "district",
    "from",
    "to",
    "old",
    "overdue",
)


def known_work_types() -> list[str]:
    return list(db.session.scalars(select(WorkType.code)))


def known_categories() -> list[str]:
    return list(db.session.scalars(select(Category.code)))


def known_districts() -> list[str]:
    return list(db.session.scalars(select(District.code)))


def feature_query(args: Mapping[str, object], audience: Audience) -> FeatureQuery:
    """Parse and check the arguments of a bbox request; raises :class:`BadParameter`."""
    check_known(args, FEATURE_PARAMS)
    bbox = parse_bbox(single(args, "bbox"))
    zoom = parse_int("zoom", single(args, "zoom"), 0, 22)
    layers = parse_list("layers", single(args, "layers"), LAYERS) or audience.default_layers
    raw = single(args, "type")
    work_types = parse_list("type", raw, known_work_types()) if raw else ()
    raw = single(args, "category")
    categories = parse_list("category", raw, known_categories()) if raw else ()
    work_statuses = (
        parse_list("work_status", single(args, "work_status"), audience.work_statuses) or audience.default_work_statuses
    )
    case_statuses = (
        parse_list("case_status", single(args, "case_status"), audience.case_statuses) or audience.default_case_statuses
    )
    raw = single(args, "district")
    district = parse_choice("district", raw, known_districts()) if raw else None
    date_from = parse_date("from", single(args, "from"))
    date_to = parse_date("to", single(args, "to"))
    if date_from and date_to and date_from > date_to:
        raise BadParameter("from", _("Начало периода позже его конца."))
    include_old = parse_flag("old", single(args, "old"))
    overdue = parse_flag("overdue", single(args, "overdue"))
    if overdue and not audience.may_filter_overdue:
        raise BadParameter("overdue", _("Фильтр по просрочке доступен только операторам."))
    return FeatureQuery(
        bbox=bbox,
        zoom=zoom,
        layers=frozenset(layers),
        work_types=work_types,
        categories=categories,
        work_statuses=work_statuses,
        case_statuses=case_statuses,
        district=district,
        date_from=date_from,
        date_to=date_to,
        include_old=include_old or not audience.hides_old_fixed,
        overdue_only=overdue,
    )
