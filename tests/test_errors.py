"""The typed errors: each kind has its status, each reason a Russian message and an English one."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import refresh

from webmap.errors import MESSAGES, AppError, BadInput, Conflict, InvalidTransition, NotFound

VALUES = {
    "id": 7,
    "old": "new",
    "to": "done",
    "ids": "8, 9",
    "address": "Мира 5",
    "mb": 10,
    "version": 3,
    "name": "olga",
    "limit": 4000,
}


@pytest.mark.parametrize("reason", sorted(MESSAGES))
def test_every_reason_reads_in_russian_and_in_english(app: Flask, reason: str) -> None:
    with app.test_request_context("/"):
        refresh()
        russian = BadInput(reason, **VALUES).message()
    with app.test_request_context("/?lang=en"):
        refresh()
        english = BadInput(reason, **VALUES).message()
    assert "%(" not in russian and "%(" not in english
    assert any("а" <= ch <= "я" for ch in russian.lower())
    assert english != russian and not any("а" <= ch <= "я" for ch in english.lower().replace("мира", ""))


def test_kinds_and_statuses() -> None:
    assert (BadInput.status, InvalidTransition.status, NotFound.status, Conflict.status) == (400, 400, 404, 409)
    assert (Conflict.code, InvalidTransition.code, NotFound.code) == ("conflict", "invalid_transition", "not_found")
    assert issubclass(InvalidTransition, BadInput) and issubclass(Conflict, AppError)


def test_an_unknown_reason_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        BadInput("Нельзя так делать")  # prose is not a reason
