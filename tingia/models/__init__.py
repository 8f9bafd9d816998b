"""All models, imported here so Alembic and `db.create_all()` see every table."""

from tingia.models.audit import AuditEntry, CaseEvent
from tingia.models.case import Case, CaseLink, CaseSuggestion
from tingia.models.enums import (
    LEAD_ROLES,
    STAFF_INTAKE_CHANNELS,
    AuditAction,
    AuthAction,
    CaseAction,
    CaseStatus,
    Category,
    CategoryHint,
    NotificationKind,
    NotificationStatus,
    Platform,
    ProposalStatus,
    PublicationKind,
    PublicationStatus,
    Rating,
    ReportSource,
    ReportStatus,
    Role,
    SourceKind,
    SourceList,
    SourcePlatform,
    StatisticsMeasure,
    SubjectArea,
    SuggestionStatus,
    TakedownChannel,
    TakedownStatus,
)
from tingia.models.jobs import ReportJob
from tingia.models.matching import GroupingLock, MatchKey, PhotoHash
from tingia.models.notification import Notification
from tingia.models.pending_upload import PendingUpload
from tingia.models.province import Centre, Province
from tingia.models.report import Attachment, Report
from tingia.models.signin import AuthEvent, LoginThrottle, RecoveryCode, StaffSession
from tingia.models.source import Source, SourceListProposal, SourceUrl
from tingia.models.statistics import StatisticsCount, StatisticsSnapshot
from tingia.models.takedown import TakedownRequest
from tingia.models.user import ApiToken, User
from tingia.models.verdict import Verdict

__all__ = [
    "LEAD_ROLES",
    "STAFF_INTAKE_CHANNELS",
    "ApiToken",
    "Attachment",
    "AuditAction",
    "AuditEntry",
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
    "Notification",
    "NotificationKind",
    "NotificationStatus",
    "PendingUpload",
    "PhotoHash",
    "Platform",
    "ProposalStatus",
    "Province",
    "PublicationKind",
    "PublicationStatus",
    "Rating",
    "RecoveryCode",
    "Report",
    "ReportJob",
    "ReportSource",
    "ReportStatus",
    "Role",
    "Source",
    "SourceKind",
    "SourceList",
    "SourceListProposal",
    "SourcePlatform",
    "SourceUrl",
    "StatisticsCount",
    "StatisticsMeasure",
    "StatisticsSnapshot",
    "StaffSession",
    "SubjectArea",
    "SuggestionStatus",
    "TakedownChannel",
    "TakedownRequest",
    "TakedownStatus",
    "User",
    "Verdict",
]
