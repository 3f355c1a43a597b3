"""Closed vocabularies of the data model; the database checks them too."""

from __future__ import annotations

CHANNELS = ("vk", "telegram", "ok", "pos", "reception", "phone", "manual", "open311", "csv")
PUBLIC_CHANNELS = ("vk", "telegram", "ok")  # posts a resident may be linked to by URL

APPEAL_STATUSES = ("new", "accepted", "in_work", "done", "rejected", "duplicate")
OPEN_STATUSES = ("new", "accepted", "in_work")
PRECISIONS = ("house", "interpolated_house", "street", "segment", "intersection", "landmark", "district", "none")
LINE_PRECISIONS = ("street", "segment")  # a case placed on a street or a stretch of it also keeps the line
PLACED_BY = ("auto", "operator")

WORK_STATUSES = ("planned", "in_work", "done")
ROLES = ("admin", "operator", "crew", "analyst")

# Seeded into the categories table by the first migration; admins may add more.
CATEGORIES = (
    ("speed_bump", "Искусственные неровности", "Speed bumps"),
    ("fence", "Ограждения, заборы", "Fences"),
    ("streetlight", "Уличное освещение", "Street lighting"),
    ("manhole", "Люки и колодцы", "Manholes"),
    ("road", "Дороги, ямы, тротуары", "Roads and pavements"),
    ("snow", "Снег и наледь", "Snow and ice"),
    ("garbage", "Мусор и контейнерные площадки", "Garbage"),
    ("yard", "Дворы и детские площадки", "Yards and playgrounds"),
    ("water", "Водоснабжение и канализация", "Water and sewerage"),
    ("heating", "Отопление и теплотрассы", "Heating"),
    ("transport", "Общественный транспорт", "Public transport"),
    ("other", "Другое", "Other"),
)

WORK_TYPES = (
    ("speed_bump", "Установлена искусственная неровность", "Speed bump installed", "speed_bump"),
    ("fence", "Установлено ограждение", "Fence built", "fence"),
    ("streetlight", "Отремонтировано или установлено освещение", "Streetlight repaired or installed", "streetlight"),
    ("manhole", "Закрыт или заменён люк", "Manhole closed or replaced", "manhole"),
    ("road", "Отремонтирована дорога", "Road repaired", "road"),
)


def sql_in(column: str, values: tuple[str, ...]) -> str:
    """SQL text of a CHECK constraint that keeps ``column`` inside ``values``."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"
