"""The data model; importing this package registers every table."""

from webmap.models.answers import Answer, AnswerTemplate
from webmap.models.api_keys import ApiKey
from webmap.models.cases import Appeal, Category, SourceMessage
from webmap.models.gazetteer import Address, District, Landmark, Street
from webmap.models.sources import HookEvent, MessageRevision, Source
from webmap.models.training import CategoryExample
from webmap.models.users import StatusChange, User, UserChange
from webmap.models.works import Work, WorkPhoto, WorkType, work_appeals

__all__ = [
    "Address",
    "Answer",
    "AnswerTemplate",
    "ApiKey",
    "Appeal",
    "Category",
    "CategoryExample",
    "District",
    "HookEvent",
    "Landmark",
    "MessageRevision",
    "Source",
    "SourceMessage",
    "StatusChange",
    "Street",
    "User",
    "UserChange",
    "Work",
    "WorkPhoto",
    "WorkType",
    "work_appeals",
]
