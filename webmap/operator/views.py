"""The queue and the case page: check what triage chose, fix it, group, open a work."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from geoalchemy2.shape import to_shape
from shapely.geometry import mapping
from werkzeug.wrappers import Response

from webmap.auth.roles import role_required
from webmap.errors import BadInput, page_on_error
from webmap.extensions import db
from webmap.forms import BaseForm
from webmap.maps.page import base_config
from webmap.models import Appeal, User
from webmap.models.queries import cases, people, reference
from webmap.models.vocab import APPEAL_STATUS, default_work_type
from webmap.operator import bp
from webmap.operator.forms import (
    CategoryForm,
    MergeForm,
    PlaceForm,
    QueueFilter,
    SplitForm,
    StatusForm,
    WorkForm,
    parse_ids,
)
from webmap.services.cases import merge_cases, place_case, set_category, split_case
from webmap.services.workflow import change_status, is_overdue
from webmap.services.works import open_work

PER_PAGE = 50
OPERATORS = ("operator",)  # admins pass every role check


def _appeal_or_404(appeal_id: int) -> Appeal:
    appeal = cases.appeal_with_messages(appeal_id)
    if appeal is None:
        abort(404)
    return appeal


@bp.get("/")
@role_required(*OPERATORS)
def queue() -> str:
    """Cases to look at: new first, then unplaced, then overdue, oldest first."""
    form = QueueFilter(request.args)
    form.category.choices = [("", _("все"))] + reference.category_choices()
    now = datetime.now(UTC)
    choices = cast(list[tuple[str, str]], form.status.choices)  # QueueFilter sets a list of pairs
    status = form.status.data if form.status.data in dict(choices) else "open"
    category = form.category.data if form.category.data in dict(form.category.choices) else None
    query = cases.queue(status, category, unplaced=request.args.get("unplaced") == "1", now=now)
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    counts, unplaced = cases.status_counts(), cases.unplaced_open_count()
    return render_template(
        "operator/queue.html",
        page=page,
        form=form,
        counts=counts,
        unplaced=unplaced,
        is_overdue=is_overdue,
        now=now,
        review_below=current_app.config["WEBMAP_CATEGORY_REVIEW_BELOW"],
    )


def _case_context(appeal: Appeal) -> dict[str, Any]:
    point = to_shape(appeal.point) if appeal.point is not None else None
    line = mapping(to_shape(appeal.line)) if appeal.line is not None else None
    # what triage asked the operator to check, or why it gave no place ("другой населённый пункт: …")
    triaged = [m.triage for m in appeal.messages if m.triage] if appeal.placed_by == "auto" else []
    place_note = next((t.get("review") or t.get("note") for t in triaged if t.get("review") or t.get("note")), "")
    trail = cases.trail(appeal.id)
    crews = people.crew_choices(_("не назначена"))
    forms = {
        "status": StatusForm(version=appeal.version),
        "category": CategoryForm(version=appeal.version, category=appeal.category_code),
        "place": PlaceForm(version=appeal.version),
        "merge": MergeForm(version=appeal.version),
        "split": SplitForm(version=appeal.version),
        "work": WorkForm(version=appeal.version, type_code=default_work_type(appeal.category_code)),
    }
    forms["status"].status.choices = APPEAL_STATUS.choices(exclude=[appeal.status])
    forms["category"].category.choices = reference.category_choices()
    forms["work"].type_code.choices = reference.work_type_choices()
    forms["work"].crew_id.choices = crews
    from webmap.operator.answers import answer_context

    return {
        **answer_context(appeal),
        "appeal": appeal,
        "point": point,
        "line": line,
        "place_note": place_note,
        "trail": trail,
        "forms": forms,
        "overdue": is_overdue(appeal),
        "map_config": base_config(),
    }


@bp.get("/cases/<int:appeal_id>")
@role_required(*OPERATORS)
def case_page(appeal_id: int) -> str:
    return render_template("operator/case.html", **_case_context(_appeal_or_404(appeal_id)))


def _done(appeal: Appeal, message: str) -> Response:
    db.session.commit()  # a concurrent save: StaleDataError, a 409 (webmap.errors)
    flash(message, "success")
    return redirect(url_for("operator.case_page", appeal_id=appeal.id))


def _invalid(appeal: Appeal, form: BaseForm) -> tuple[str, int]:
    """Show the case again with what the form got wrong (400)."""
    db.session.rollback()
    for field, errors in form.errors.items():
        if hasattr(form, field):
            flash(f"{getattr(form, field).label.text}: {', '.join(errors)}", "error")
    return render_template("operator/case.html", **_case_context(_appeal_or_404(appeal.id))), 400


@page_on_error("operator")
def _page_again() -> str | None:
    """After a refusal (webmap.errors): the case or the work the request was about, as it is now."""
    args = request.view_args or {}
    if "work_id" in args:
        from webmap.operator.works import work_page_body

        return work_page_body(args["work_id"])
    if "appeal_id" in args:
        return render_template("operator/case.html", **_case_context(_appeal_or_404(args["appeal_id"])))
    return None  # the plain error page


def current_staff() -> User:
    """The logged-in user as a model object, for audit records."""
    return current_user._get_current_object()


@bp.post("/cases/<int:appeal_id>/status")
@role_required(*OPERATORS)
def change_case_status(appeal_id: int) -> ResponseReturnValue:
    appeal = _appeal_or_404(appeal_id)
    form = StatusForm()
    form.status.choices = [(s, s) for s in APPEAL_STATUS]
    if not form.validate():
        return _invalid(appeal, form)
    original = db.session.get(Appeal, form.duplicate_of.data) if form.duplicate_of.data else None
    if form.status.data == "duplicate" and original is None:
        raise BadInput("duplicate_not_found")
    change_status(
        appeal,
        form.status.data,
        current_staff(),
        comment=form.comment.data or None,
        duplicate_of=original,
        public_note=form.public_note.data or None,
        expected_version=form.version.data,
    )
    return _done(appeal, _("Статус изменён."))


@bp.post("/cases/<int:appeal_id>/category")
@role_required(*OPERATORS)
def change_case_category(appeal_id: int) -> ResponseReturnValue:
    appeal = _appeal_or_404(appeal_id)
    form = CategoryForm()
    form.category.choices = reference.category_choices()
    if not form.validate():
        return _invalid(appeal, form)
    set_category(appeal, form.category.data, current_staff(), expected_version=form.version.data)
    return _done(appeal, _("Категория изменена."))


@bp.post("/cases/<int:appeal_id>/place")
@role_required(*OPERATORS)
def place(appeal_id: int) -> ResponseReturnValue:
    """Place by a click on the map (lon, lat) or by a typed address found in the gazetteer."""
    from geo.geocoder import GazetteerGeocoder
    from webmap.services.triage import current_index

    appeal = _appeal_or_404(appeal_id)
    form = PlaceForm()
    if not form.validate():
        return _invalid(appeal, form)
    lon, lat, address = form.lon.data, form.lat.data, (form.address.data or "").strip() or None
    if address:
        found = GazetteerGeocoder(current_index()).geocode(address)
        if found is None:
            raise BadInput("address_not_found", address=address)
        lon, lat, address = found.longitude, found.latitude, found.address
    if lon is None or lat is None:
        raise BadInput("place_needed")
    place_case(appeal, lon, lat, current_staff(), address=address, expected_version=form.version.data)
    return _done(appeal, _("Место обращения уточнено."))


def _other_cases(text: str, appeal: Appeal) -> list[Appeal]:
    """The cases numbered in ``text`` other than ``appeal``; BadInput for a malformed or unknown number."""
    try:
        ids = [i for i in parse_ids(text) if i != appeal.id]
    except ValueError:
        raise BadInput("case_numbers") from None
    found = cases.cases_by_ids(ids)
    if len(found) != len(set(ids)):
        raise BadInput("no_cases", ids=", ".join(str(i) for i in sorted(set(ids) - {a.id for a in found})))
    return found


@bp.post("/cases/<int:appeal_id>/merge")
@role_required(*OPERATORS)
def merge(appeal_id: int) -> ResponseReturnValue:
    appeal = _appeal_or_404(appeal_id)
    form = MergeForm()
    if not form.validate():
        return _invalid(appeal, form)
    others = _other_cases(form.others.data or "", appeal)  # DataRequired: never None here
    if not others:
        raise BadInput("other_cases_needed")
    merge_cases(appeal, others, current_staff())
    return _done(appeal, _("Обращения объединены."))


@bp.post("/cases/<int:appeal_id>/split")
@role_required(*OPERATORS)
def split(appeal_id: int) -> ResponseReturnValue:
    appeal = _appeal_or_404(appeal_id)
    form = SplitForm()
    if not form.validate():
        return _invalid(appeal, form)
    new = split_case(appeal, list(form.messages.data or []), current_staff())
    db.session.commit()
    flash(_("Создано обращение №%(id)s.", id=new.id), "success")
    return redirect(url_for("operator.case_page", appeal_id=new.id))


@bp.post("/cases/<int:appeal_id>/work")
@role_required(*OPERATORS)
def new_work(appeal_id: int) -> ResponseReturnValue:
    """Open a work at the case's place, answering this case and any others named."""
    appeal = _appeal_or_404(appeal_id)
    form = WorkForm()
    form.type_code.choices = reference.work_type_choices()
    form.crew_id.choices = people.crew_choices("")
    if not form.validate():
        return _invalid(appeal, form)
    if appeal.point is None:
        raise BadInput("place_first")
    others = _other_cases(form.also.data, appeal) if form.also.data else []
    crew = db.session.get(User, form.crew_id.data) if form.crew_id.data else None
    work = open_work(
        form.type_code.data,
        to_shape(appeal.point),
        [appeal, *others],
        current_staff(),
        crew=crew,
        public_note=form.public_note.data or None,
    )
    return _done(appeal, _("Открыта работа №%(id)s.", id=work.id))
