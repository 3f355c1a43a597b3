"""The base of every form: text arrives without NUL characters (PostgreSQL refuses them)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import StringField


def strip_nul(value: Any) -> Any:
    return value.replace("\x00", "") if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            if issubclass(unbound_field.field_class, StringField):  # TextAreaField, HiddenField too
                options["filters"] = (*options.get("filters", ()), strip_nul)
            return unbound_field.bind(form=form, **options)
