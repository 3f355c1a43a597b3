"""The data model; importing this package registers every table."""

from webmap.models.api_keys import ApiKey
from webmap.models.cases import Appeal, Category, SourceMessage
from webmap.models.gazetteer import Address, District, Landmark, Street
from webmap.models.users import StatusChange, User
from webmap.models.works import Work, WorkPhoto, WorkType, work_appeals

__all__ = [
    "Address",
    "ApiKey",
    "Appeal",
    "Category",
    "District",
    "Landmark",
    "SourceMessage",
    "StatusChange",
    "Street",
    "User",
    "Work",
    "WorkPhoto",
    "WorkType",
    "work_appeals",
]
