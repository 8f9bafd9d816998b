"""All models, imported here so Alembic and `db.create_all()` see every table."""

from tingia.models.audit import CaseEvent
from tingia.models.case import Case, CaseLink, CaseSuggestion
from tingia.models.enums import (
    LEAD_ROLES,
    AuthAction,
    CaseAction,
    CaseStatus,
    Category,
    CategoryHint,
    Platform,
    PublicationKind,
    PublicationStatus,
    Rating,
    ReportSource,
    ReportStatus,
    Role,
    SuggestionStatus,
)
from tingia.models.matching import GroupingLock, MatchKey, PhotoHash
from tingia.models.province import Centre, Province
from tingia.models.report import Attachment, Report
from tingia.models.signin import AuthEvent, LoginThrottle, RecoveryCode, StaffSession
from tingia.models.user import ApiToken, User
from tingia.models.verdict import Verdict

__all__ = [
    "LEAD_ROLES",
    "ApiToken",
    "Attachment",
    "AuthAction",
    "AuthEvent",
    "Case",
    "CaseAction",
    "CaseEvent",
    "CaseLink",
    "CaseStatus",
    "CaseSuggestion",
    "Category",
    "CategoryHint",
    "Centre",
    "GroupingLock",
    "LoginThrottle",
    "MatchKey",
    "PhotoHash",
    "Platform",
    "Province",
    "PublicationKind",
    "PublicationStatus",
    "Rating",
    "RecoveryCode",
    "Report",
    "ReportSource",
    "ReportStatus",
    "Role",
    "StaffSession",
    "SuggestionStatus",
    "User",
    "Verdict",
]
