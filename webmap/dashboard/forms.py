"""The admin's population form: one optional whole number per district."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _  # lazy: pybabel finds _(), shown translated
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from webmap.models import District

MAX_POPULATION = 10_000_000


def population_form(districts: Iterable[District]) -> FlaskForm:
    """A form with a field ``pop_<id>`` per district, filled with the stored values (CSRF included)."""

    class PopulationForm(FlaskForm):
        pass

    items = list(districts)
    for d in items:
        setattr(
            PopulationForm,
            f"pop_{d.id}",
            IntegerField(
                d.name,
                validators=[
                    Optional(),
                    NumberRange(min=0, max=MAX_POPULATION, message=_("Население: целое число от 0 до 10 000 000.")),
                ],
                default=d.population,
            ),
        )
    return PopulationForm()
