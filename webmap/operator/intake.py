"""Messages that arrive in person or by phone, typed in by an operator.

They take the same road as imported ones (SourceMessage → triage → case), so a
visitor's question about a known problem joins its case. The address the
operator types leads the text given to triage: it is the surest place named.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webmap.auth.roles import role_required
from webmap.extensions import db
from webmap.forms import BaseForm
from webmap.ingest.pipeline import Importer
from webmap.ingest.readers import RawMessage
from webmap.models import SourceMessage
from webmap.operator import bp
from webmap.operator.views import OPERATORS

CHANNELS = [("reception", _l("личный приём")), ("phone", _l("телефон")), ("manual", _l("другое (вручную)"))]


class IntakeForm(BaseForm):
    channel = SelectField(_l("Канал"), choices=CHANNELS, validators=[DataRequired()])
    posted_at = DateTimeLocalField(_l("Дата и время"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    author = StringField(_l("Заявитель (ФИО)"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Телефон"), validators=[Optional(), Length(max=50)])
    address = StringField(_l("Адрес"), validators=[Optional(), Length(max=300)])
    text = TextAreaField(_l("Суть обращения"), validators=[DataRequired(), Length(max=20_000)])
    received_by = StringField(_l("Принял(а)"), validators=[Optional(), Length(max=200)])

    def validate_posted_at(self, field: DateTimeLocalField) -> None:
        if field.data and field.data > datetime.now() + timedelta(days=1):
            raise ValidationError(_("Дата в будущем."))


def _raw_message(form: IntakeForm) -> RawMessage:
    tz = ZoneInfo(current_app.config["WEBMAP_TIMEZONE"])
    assert form.posted_at.data is not None  # DataRequired
    posted = form.posted_at.data.replace(tzinfo=tz).astimezone(UTC)
    fields = {name: getattr(form, name).data for name in ("author", "phone", "address", "text", "received_by")}
    fields.update(channel=form.channel.data, posted_at=posted.isoformat(), entered_by=current_user.username)
    return RawMessage(
        channel=form.channel.data,
        external_id=f"form-{uuid.uuid4()}",
        text=(form.text.data or "").strip(),  # DataRequired: never None here
        posted_at=posted,
        raw=fields,
        author=form.author.data or None,
        phone=form.phone.data or None,
        address=form.address.data or None,
        received_by=form.received_by.data or None,
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(*OPERATORS)
def intake() -> ResponseReturnValue:
    from webmap.services.triage import triage_message

    form = IntakeForm()
    if not form.is_submitted():
        form.posted_at.data = datetime.now(ZoneInfo(current_app.config["WEBMAP_TIMEZONE"])).replace(
            tzinfo=None, second=0, microsecond=0
        )
        form.received_by.data = current_user.full_name or current_user.username
    if not form.validate_on_submit():
        return render_template("operator/intake.html", form=form), 400 if form.is_submitted() else 200
    message = _raw_message(form)
    address = form.address.data.strip() if form.address.data else ""
    report = Importer(lambda text, channel: triage_message(f"{address}. {text}" if address else text, channel)).run(
        [message]
    )
    appeal_id = db.session.scalar(
        select(SourceMessage.appeal_id).where(
            SourceMessage.channel == message.channel, SourceMessage.external_id == message.external_id
        )
    )
    flash(
        _("Обращение зарегистрировано.") if report.new else _("Сообщение добавлено к открытому обращению."), "success"
    )
    return redirect(url_for("operator.case_page", appeal_id=appeal_id))
