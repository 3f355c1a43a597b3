"""The crew page (/crew) and marking a work done with a photo and a note."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import RequestEntityTooLarge

from webmap.auth.roles import has_role, restrict_blueprint
from webmap.crew import bp
from webmap.errors import AppError, stale
from webmap.extensions import db
from webmap.maps.crew_works import assigned_works
from webmap.maps.params import BadParameter, parse_float
from webmap.models import Work, WorkPhoto
from webmap.services.photos import PhotoError, remove_photo, store_photo
from webmap.services.works import set_work_status

MAX_NOTE = 1000
FORM_OVERHEAD = 64 * 1024  # the note, the token and multipart boundaries beside the photo

restrict_blueprint(bp, "crew")


@bp.record_once
def _install_upload_limit(state) -> None:  # type: ignore[no-untyped-def]
    """Refuse an oversized upload before anything reads the form (CSRF checking reads it first).

    Every multipart form of the app carries one photo (crew and operator pages alike)."""
    state.app.before_request_funcs.setdefault(None, []).insert(0, _limit_upload)


def _limit_upload() -> None:
    if request.mimetype == "multipart/form-data":
        request.max_content_length = int(current_app.config["WEBMAP_UPLOAD_MAX_BYTES"]) + FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge) -> ResponseReturnValue:
    limit = int(current_app.config["WEBMAP_UPLOAD_MAX_BYTES"]) // (1024 * 1024) or 1
    flash(_("Фотография больше %(mb)s МБ.", mb=limit), "error")
    return redirect(url_for("crew.index")), 303


def _position() -> tuple[float | None, float | None]:
    raw_lat, raw_lon = request.args.get("lat"), request.args.get("lon")
    if not raw_lat or not raw_lon:
        return None, None
    try:
        return parse_float("lat", raw_lat, -90, 90), parse_float("lon", raw_lon, -180, 180)
    except BadParameter:
        return None, None


@bp.get("")
def index() -> ResponseReturnValue:
    lat, lon = _position()
    works = assigned_works(current_user.id, lat, lon)
    return render_template(
        "crew/index.html",
        works=works,
        located=lat is not None,
        max_mb=int(current_app.config["WEBMAP_UPLOAD_MAX_BYTES"]) // (1024 * 1024),
    )


@bp.post("/works/<int:work_id>/done")
def done(work_id: int) -> ResponseReturnValue:
    """Mark one of the crew's works done: a photo (required) and a note that the public map shows."""
    work = db.session.get(Work, work_id)
    if work is None or (work.crew_id != current_user.id and not has_role("admin")):
        flash(_("Эта работа не назначена вашей бригаде."), "error")
        return redirect(url_for("crew.index")), 303
    note = (request.form.get("note") or "").strip()
    if len(note) > MAX_NOTE:
        flash(_("Примечание длиннее %(n)s символов.", n=MAX_NOTE), "error")
        return redirect(url_for("crew.index")), 303
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        flash(_("Приложите фотографию выполненной работы."), "error")
        return redirect(url_for("crew.index")), 303
    upload_dir = current_app.config["WEBMAP_UPLOAD_DIR"]
    try:
        path = store_photo(upload.stream, upload_dir, int(current_app.config["WEBMAP_UPLOAD_MAX_BYTES"]))
    except PhotoError as exc:
        flash(exc.message(), "error")
        return redirect(url_for("crew.index")), 303
    try:
        db.session.add(WorkPhoto(work_id=work.id, stage="after", path=path))
        set_work_status(work, "done", current_user, comment="отмечено бригадой", public_note=note or None)
        db.session.commit()
    except (AppError, StaleDataError) as exc:  # the crew page lists again, with the reason
        db.session.rollback()
        remove_photo(upload_dir, path)
        flash((exc if isinstance(exc, AppError) else stale(exc)).message(), "error")
        return redirect(url_for("crew.index")), 303
    except Exception:
        db.session.rollback()
        remove_photo(upload_dir, path)
        raise
    flash(_("Работа №%(id)s отмечена выполненной.", id=work.id), "ok")
    return redirect(url_for("crew.index")), 303
