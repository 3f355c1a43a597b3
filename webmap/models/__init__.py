"""The data model; importing this package registers every table."""

from webmap.models.cases import Appeal, Category, SourceMessage
from webmap.models.gazetteer import Address, District, Landmark, Street
from webmap.models.training import CategoryExample
from webmap.models.users import StatusChange, User
from webmap.models.works import Work, WorkPhoto, WorkType, work_appeals

__all__ = [
    "Address",
    "Appeal",
    "Category",
    "CategoryExample",
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
