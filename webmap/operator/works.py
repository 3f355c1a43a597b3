"""The works registry for operators: list, one work, its status, crew and photos."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from webmap.auth.roles import role_required
from webmap.extensions import db
from webmap.forms import BaseForm
from webmap.labels import WORK_STATUS
from webmap.models import User, Work, WorkPhoto
from webmap.models.constants import WORK_STATUSES
from webmap.operator import bp
from webmap.operator.forms import VersionedForm
from webmap.operator.views import OPERATORS, current_staff
from webmap.services.photos import remove_photo, store_photo
from webmap.services.works import assign_crew, set_work_status

PER_PAGE = 50


class WorkStatusForm(VersionedForm):
    status = SelectField(_l("Статус"), choices=[(s, s) for s in WORK_STATUSES])
    public_note = TextAreaField(_l("Описание для жителей"), validators=[Length(max=2000)])
    comment = TextAreaField(_l("Комментарий"), validators=[Length(max=2000)])


class CrewForm(VersionedForm):
    crew_id = SelectField(_l("Бригада"), coerce=int, validators=[Optional()])


class PhotoForm(BaseForm):
    stage = SelectField(_l("Снимок"), choices=[("before", _l("до")), ("after", _l("после"))])
    photo = FileField(_l("Фото"))


def _crews() -> list[tuple[int, str]]:
    return [(0, _("не назначена"))] + [
        (u.id, u.full_name or u.username)
        for u in db.session.scalars(
            select(User).where(User.role == "crew", User.active.is_(True)).order_by(User.username)
        )
    ]


def _work_or_404(work_id: int) -> Work:
    work = db.session.get(Work, work_id, options=[selectinload(Work.appeals), selectinload(Work.photos)])
    if work is None:
        abort(404)
    return work


def _work_page(work: Work) -> str:
    forms = {
        "status": WorkStatusForm(version=work.version, public_note=work.public_note),
        "crew": CrewForm(version=work.version, crew_id=work.crew_id or 0),
        "photo": PhotoForm(),
    }
    forms["status"].status.choices = [(s, str(label)) for s, label in WORK_STATUS.items() if s != work.status]
    forms["crew"].crew_id.choices = _crews()
    return render_template("operator/work.html", work=work, forms=forms)


def work_page_body(work_id: int) -> str:
    """The work's page as stored now: shown again after a refusal (webmap.errors)."""
    return _work_page(_work_or_404(work_id))


@bp.get("/works")
@role_required(*OPERATORS)
def works() -> ResponseReturnValue:
    status = request.args.get("status", "")
    query = select(Work).options(selectinload(Work.type), selectinload(Work.crew), selectinload(Work.appeals))
    if status in WORK_STATUSES:
        query = query.where(Work.status == status)
    query = query.order_by(Work.status != "in_work", Work.status != "planned", Work.created_at.desc(), Work.id)
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("operator/works.html", page=page, status=status)


@bp.get("/works/<int:work_id>")
@role_required(*OPERATORS)
def work_page(work_id: int) -> str:
    return work_page_body(work_id)


def _refused(work_id: int, message: str) -> tuple[str, int]:
    """The work's page again with what the form got wrong (400)."""
    db.session.rollback()
    flash(message, "error")
    return work_page_body(work_id), 400


@bp.post("/works/<int:work_id>/status")
@role_required(*OPERATORS)
def work_status(work_id: int) -> ResponseReturnValue:
    work = _work_or_404(work_id)
    form = WorkStatusForm()
    if not form.validate():
        return _refused(work_id, "; ".join(e for errors in form.errors.values() for e in errors))
    set_work_status(
        work,
        form.status.data,
        current_staff(),
        comment=form.comment.data or None,
        public_note=form.public_note.data or None,
        expected_version=form.version.data,
    )
    db.session.commit()  # a concurrent save: StaleDataError, a 409 (webmap.errors)
    flash(_("Статус работы изменён."), "success")
    return redirect(url_for("operator.work_page", work_id=work_id))


@bp.post("/works/<int:work_id>/crew")
@role_required(*OPERATORS)
def work_crew(work_id: int) -> ResponseReturnValue:
    work = _work_or_404(work_id)
    form = CrewForm()
    form.crew_id.choices = _crews()
    if not form.validate():
        if form.version.errors:
            return _refused(work_id, "; ".join(e for errors in form.errors.values() for e in errors))
        return _refused(work_id, _("Нет такой бригады."))
    crew = db.session.get(User, form.crew_id.data) if form.crew_id.data else None
    assign_crew(work, crew, current_staff(), expected_version=form.version.data)
    db.session.commit()
    flash(_("Бригада назначена."), "success")
    return redirect(url_for("operator.work_page", work_id=work_id))


@bp.post("/works/<int:work_id>/photos")
@role_required(*OPERATORS)
def work_photo(work_id: int) -> ResponseReturnValue:
    work = _work_or_404(work_id)
    form = PhotoForm()
    upload = request.files.get("photo")
    if not form.validate() or upload is None or not upload.filename:
        return _refused(work_id, _("Выберите фотографию."))
    cfg = current_app.config
    path = store_photo(upload.stream, cfg["WEBMAP_UPLOAD_DIR"], cfg["WEBMAP_UPLOAD_MAX_BYTES"])  # PhotoError: 400
    try:
        work.photos.append(WorkPhoto(stage=form.stage.data, path=path))
        db.session.commit()
    except Exception:
        db.session.rollback()
        remove_photo(cfg["WEBMAP_UPLOAD_DIR"], path)
        raise
    flash(_("Фото добавлено."), "success")
    return redirect(url_for("operator.work_page", work_id=work_id))


@bp.get("/photos/<int:photo_id>")
@role_required(*OPERATORS)
def photo(photo_id: int) -> ResponseReturnValue:
    """Any photo of a work, before or after (the public API serves only those after)."""
    item = db.session.get(WorkPhoto, photo_id)
    if item is None:
        abort(404)
    return send_from_directory(current_app.config["WEBMAP_UPLOAD_DIR"], item.path)
