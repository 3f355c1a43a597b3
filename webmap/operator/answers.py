"""Answering a case from its page: the answer form (started from a template) and retries."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from webmap.auth.roles import role_required
from webmap.errors import N_, NotFound
from webmap.extensions import db
from webmap.models import Answer, Appeal
from webmap.models.vocab import ANSWER_STATE
from webmap.operator import bp
from webmap.operator.forms import AnswerForm, RetryForm
from webmap.services.answers import POSTED, answer_case, answers_of, draft, retry, target

OPERATORS = ("operator",)

# what the operator is told after each outcome
OUTCOME = {
    "sent": N_("Ответ опубликован."),
    "to_send": N_("Ответ сохранён «к отправке»: скопируйте его и опубликуйте под сообщением жителя."),
    "failed": N_("Ответ не отправлен: %(error)s"),
    "official": N_("Ответ сохранён для официального ответа."),
}


def answer_context(appeal: Appeal) -> dict[str, Any]:
    """What the case page needs to show its answers and the form of a new one."""
    tz = str(current_app.config.get("WEBMAP_TIMEZONE") or "Asia/Yekaterinburg")
    form = AnswerForm()
    if not form.is_submitted():
        form.text.data = draft(appeal, tz)
    channel, message = target(appeal)
    posts = channel in POSTED and bool(
        current_app.config.get("WEBMAP_VK_TOKEN" if channel == "vk" else "WEBMAP_TELEGRAM_TOKEN")
    )
    return {
        "answers": answers_of(appeal.id),
        "answer_form": form,
        "retry_form": RetryForm(),
        "answer_channel": channel,
        "answer_message": message,
        "answer_posts": posts,
        "answer_state_label": ANSWER_STATE.label,
    }


def _case(appeal_id: int) -> Appeal:
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None:
        abort(404)
    return appeal


def _told(answer: Answer) -> None:
    kind = "error" if answer.state == "failed" else "success"
    flash(_(OUTCOME[answer.state], error=answer.error or ""), kind)


@bp.post("/cases/<int:appeal_id>/answers")
@role_required(*OPERATORS)
def answer(appeal_id: int) -> ResponseReturnValue:
    from webmap.operator.views import _invalid, current_staff

    appeal = _case(appeal_id)
    form = AnswerForm()
    if not form.validate():
        return _invalid(appeal, form)
    made = answer_case(appeal, form.text.data or "", current_staff(), current_app.config)
    db.session.commit()
    _told(made)
    return redirect(url_for("operator.case_page", appeal_id=appeal.id, _anchor="answers"))


@bp.post("/cases/<int:appeal_id>/answers/<int:answer_id>/retry")
@role_required(*OPERATORS)
def answer_retry(appeal_id: int, answer_id: int) -> ResponseReturnValue:
    appeal = _case(appeal_id)
    found = db.session.get(Answer, answer_id)
    if found is None or found.appeal_id != appeal.id:
        raise NotFound("no_answer")
    if not RetryForm().validate():
        abort(400)
    retry(found, current_app.config)
    db.session.commit()
    _told(found)
    return redirect(url_for("operator.case_page", appeal_id=appeal.id, _anchor="answers"))
