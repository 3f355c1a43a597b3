"""Names kept in two languages (categories, work types): the page's language chooses one, here only.

Tables with ``name_ru`` and ``name_en`` mix in :class:`LocalizedName`, whose ``name`` is the name
in the current language on an object and the matching column in a query (ordering, selecting).
Rows of raw SQL use :func:`localized_name` and :func:`name_column`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask import has_request_context
from flask_babel import get_locale
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped

if TYPE_CHECKING:
    from sqlalchemy.sql.elements import ColumnElement


def english(locale: str | None = None) -> bool:
    """Whether names are shown in English: ``locale`` if given, else the page's (Russian outside a request)."""
    if locale is None:
        locale = str(get_locale() or "") if has_request_context() else ""
    return locale == "en"


def name_column(alias: str | None = None, locale: str | None = None) -> str:
    """The name column of the language for raw SQL: ``name_en`` or ``name_ru`` (``alias.`` prefixed)."""
    column = "name_en" if english(locale) else "name_ru"
    return f"{alias}.{column}" if alias else column


def localized_name(item: Any, locale: str | None = None) -> str:
    """The name of a category or work type (object or row with ``name_ru``/``name_en``) in the page's
    language; the Russian name when there is no English one, the code when there is no name."""
    get = item.get if isinstance(item, Mapping) else lambda key: getattr(item, key, None)
    if english(locale) and get("name_en"):
        return str(get("name_en"))
    return str(get("name_ru") or get("code") or "—")


class LocalizedName:
    """Mixin of a model with ``name_ru`` and ``name_en`` columns."""

    if TYPE_CHECKING:
        name_ru: Mapped[str]
        name_en: Mapped[str]

    @hybrid_property
    def name(self) -> str:
        return localized_name(self)

    @name.inplace.expression
    @classmethod
    def _name_expression(cls) -> ColumnElement[str]:
        return cls.name_en if english() else cls.name_ru  # type: ignore[return-value]
