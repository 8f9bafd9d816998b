"""All models, imported here so Alembic and `db.create_all()` see every table."""

from tingia.models.audit import CaseEvent
from tingia.models.case import CASE_STATUSES, CATEGORIES, Case, CaseSuggestion
from tingia.models.matching import GroupingLock, MatchKey, PhotoHash
from tingia.models.province import Centre, Province
from tingia.models.report import (
    CATEGORY_HINTS,
    PLATFORMS,
    REPORT_STATUSES,
    Attachment,
    Report,
)
from tingia.models.user import ROLES, ApiToken, User
from tingia.models.verdict import PUBLICATION_KINDS, PUBLICATION_STATUSES, RATINGS, Verdict

__all__ = [
    "CASE_STATUSES",
    "CATEGORIES",
    "CATEGORY_HINTS",
    "PLATFORMS",
    "PUBLICATION_KINDS",
    "PUBLICATION_STATUSES",
    "RATINGS",
    "REPORT_STATUSES",
    "ROLES",
    "ApiToken",
    "Attachment",
    "Case",
    "CaseEvent",
    "CaseSuggestion",
    "Centre",
    "GroupingLock",
    "MatchKey",
    "PhotoHash",
    "Province",
    "Report",
    "User",
    "Verdict",
]
