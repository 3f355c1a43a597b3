"""Typed errors of the services, translated into a status and a message only at the edge.

A service raises ``Conflict("case_changed", id=7)``: a class that says what kind of refusal it
is (and so its HTTP status), a ``reason`` code, and the values the message needs. It never
words the message itself: the handlers (:func:`register`, and the API's JSON one) turn the
reason into the page's language with gettext. A view never decides a status by reading a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from flask import Flask, flash, get_flashed_messages, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy.orm.exc import StaleDataError

from webmap.extensions import db


def N_(msgid: str) -> str:
    """Mark a msgid for pybabel; it is translated where it is shown."""
    return msgid


# reason code -> msgid; the params of the error fill the %(name)s placeholders.
MESSAGES: dict[str, str] = {
    "case_changed": N_("Обращение №%(id)s уже изменено другим пользователем; обновите страницу."),
    "work_changed": N_("Работа №%(id)s уже изменена другим пользователем; обновите страницу."),
    "changed": N_("Запись уже изменена другим пользователем; обновите страницу."),
    "status_unchanged": N_("Статус не изменился."),
    "case_transition": N_("Нельзя перевести обращение из «%(old)s» в «%(to)s»."),
    "work_transition": N_("Нельзя перевести работу из «%(old)s» в «%(to)s»."),
    "duplicate_needs_original": N_("Укажите другое обращение, дубликатом которого является это."),
    "work_geometry": N_("Работа отмечается точкой или линией."),
    "coordinates_out_of_range": N_("Координаты вне допустимого диапазона."),
    "outside_town": N_("Точка вне территории города: поставьте обращение на карте города."),
    "unknown_category": N_("Неизвестная категория."),
    "split_selection": N_("Выберите часть сообщений обращения, а не все и не ни одного."),
    "no_case": N_("Нет такого обращения."),
    "duplicate_not_found": N_("Нет обращения с таким номером."),
    "no_cases": N_("Нет обращений с номерами: %(ids)s."),
    "no_work": N_("Нет такой работы."),
    "no_crew": N_("Нет такой бригады."),
    "case_numbers": N_("Номера обращений — это числа через запятую."),
    "other_cases_needed": N_("Укажите другие обращения."),
    "address_not_found": N_("Адрес «%(address)s» не найден в справочнике."),
    "place_needed": N_("Щёлкните по карте или введите адрес."),
    "place_first": N_("Сначала укажите место обращения."),
    "bad_request": N_("Запрос не удалось прочитать."),
    "photo_too_large": N_("Фотография больше %(mb)s МБ."),
    "photo_missing": N_("Приложите фотографию выполненной работы."),
    "photo_format": N_("Фотография должна быть в формате JPEG, PNG или WebP."),
    "photo_pixels": N_("Фотография слишком большая по числу пикселей."),
    "photo_broken": N_("Не удалось прочитать фотографию: файл повреждён или это не изображение."),
    "no_user": N_("Нет такого пользователя."),
    "username_invalid": N_("Имя пользователя: от 2 до 100 символов, буквы, цифры и . _ @ -"),
    "username_taken": N_("Пользователь %(name)s уже есть."),
    "unknown_role": N_("Нет такой роли."),
    "password_invalid": N_("Пароль: не короче 10 символов и не совпадает с именем пользователя."),
    "answer_empty": N_("Напишите текст ответа."),
    "answer_too_long": N_("Ответ длиннее %(limit)s символов."),
    "answer_not_retried": N_("Этот ответ уже отправлен или сохранён для официального ответа."),
    "no_answer": N_("Нет такого ответа."),
    "last_admin": N_("%(name)s — последний действующий администратор: сначала назначьте другого."),
}


class AppError(Exception):
    """A refusal a user can act on; subclasses fix the kind (and so the HTTP status)."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_input"

    def __init__(self, reason: str, **params: Any) -> None:
        if reason not in MESSAGES:
            raise ValueError(f"unknown error reason {reason!r}")
        super().__init__(reason)
        self.reason = reason
        self.params = params

    def message(self) -> str:
        """The message in the current request's language."""
        return gettext(MESSAGES[self.reason], **self.params)

    def __str__(self) -> str:
        return MESSAGES[self.reason] % self.params if self.params else MESSAGES[self.reason]


class BadInput(AppError):
    """The request cannot be done as asked (400)."""


class InvalidTransition(BadInput):
    """The workflow does not allow this change of status (400)."""

    code = "invalid_transition"


class NotFound(AppError):
    """What the request names does not exist (404)."""

    status = 404
    code = "not_found"


class Conflict(AppError):
    """Someone else changed the record since it was loaded (409)."""

    status = 409
    code = "conflict"


# --- the HTML edge --------------------------------------------------------------------------

Page = Callable[[], str | None]
_pages: dict[str, Page] = {}


def page_on_error(blueprint: str) -> Callable[[Page], Page]:
    """Register how ``blueprint`` shows its page again after a refusal (the message is flashed);
    the function may return None for requests it has no page for."""

    def decorator(page: Page) -> Page:
        _pages[blueprint] = page
        return page

    return decorator


def html_refusal(exc: AppError) -> ResponseReturnValue:
    """An AppError raised by an HTML view: nothing it wrote is kept; the page again, or an error page."""
    db.session.rollback()
    message = exc.message()
    page = _pages.get(request.blueprint or "")
    if page is not None:
        flash(message, "error")  # before rendering: the page shows its flashed messages
        body = page()
        if body is not None:
            return body, exc.status
        get_flashed_messages()  # no page for this request: the error page says it instead
    return render_template("auth/error.html", title=gettext("Запрос отклонён"), message=message), exc.status


def stale(exc: StaleDataError) -> Conflict:
    """A concurrent save caught by a version column at flush or commit."""
    return Conflict("changed")


def register(app: Flask) -> None:
    """The HTML handler; the API blueprint has its JSON one (webmap.api.errors)."""
    app.register_error_handler(AppError, html_refusal)
    app.register_error_handler(StaleDataError, lambda exc: html_refusal(stale(exc)))
