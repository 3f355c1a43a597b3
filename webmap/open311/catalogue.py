"""The services webmap offers through Open311: one per case category, with their attributes.

A service's code is the category's code. Every service asks the same optional attributes
(a landmark, and for roads which part of it); their answers join the text triage reads.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from webmap.extensions import db
from webmap.models import Category

# service group and search keywords per category; a category not named here is in "other"
GROUPS = {
    "speed_bump": "roads",
    "road": "roads",
    "manhole": "roads",
    "snow": "roads",
    "fence": "yards",
    "yard": "yards",
    "garbage": "sanitation",
    "streetlight": "utilities",
    "water": "utilities",
    "heating": "utilities",
    "transport": "transport",
}
KEYWORDS = {
    "speed_bump": "лежачий полицейский, искусственная неровность, скорость",
    "road": "яма, асфальт, тротуар, дорога",
    "manhole": "люк, колодец, крышка",
    "snow": "снег, наледь, сосульки, уборка",
    "fence": "забор, ограждение",
    "yard": "двор, детская площадка, скамейка",
    "garbage": "мусор, контейнер, свалка",
    "streetlight": "фонарь, освещение, свет",
    "water": "вода, канализация, протечка",
    "heating": "отопление, теплотрасса, батареи",
    "transport": "автобус, остановка, маршрут",
}
ROAD_PARTS = (("carriageway", "Проезжая часть"), ("sidewalk", "Тротуар"), ("yard_drive", "Дворовый проезд"))


def service_type() -> str:
    """realtime (the answer to a POST names the request) or batch (a token, see tokens/<token>)."""
    return "batch" if current_app.config.get("WEBMAP_OPEN311_TYPE") == "batch" else "realtime"


def categories() -> list[tuple[str, str]]:
    """(code, name in the asked language) of every category."""
    name = Category.name_en if str(get_locale()) == "en" else Category.name_ru
    return [(code, title) for code, title in db.session.execute(select(Category.code, name).order_by(Category.code))]


def category_name(code: str) -> str | None:
    return dict(categories()).get(code)


def service(code: str, name: str) -> dict[str, Any]:
    return {
        "service_code": code,
        "service_name": name,
        "description": _("Сообщить о проблеме: %(name)s.", name=name),
        "metadata": True,
        "type": service_type(),
        "keywords": KEYWORDS.get(code, name.lower()),
        "group": GROUPS.get(code, "other"),
    }


def attributes(code: str) -> list[dict[str, Any]]:
    """The service definition's attributes (the same optional ones for every service; roads ask one more)."""
    out: list[dict[str, Any]] = [
        {
            "variable": True,
            "code": "landmark",
            "datatype": "string",
            "required": False,
            "datatype_description": _("до 200 символов"),
            "order": 1,
            "description": _("Ориентир рядом с местом: подъезд, магазин, остановка."),
            "values": [],
        }
    ]
    if GROUPS.get(code) == "roads":
        out.append(
            {
                "variable": True,
                "code": "road_part",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": None,
                "order": 2,
                "description": _("Где именно на дороге?"),
                "values": [{"key": key, "name": name} for key, name in ROAD_PARTS],
            }
        )
    return out
