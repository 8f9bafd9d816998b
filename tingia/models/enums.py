"""The domain's values: stored as their string values, with a CHECK constraint in the schema.

They are `StrEnum`s, so a member equals its value (`CaseStatus.OPEN == "open"`), JSON serialises
it as the string and templates print the value; code names the member, never the bare string.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Enum

E = TypeVar("E", bound=StrEnum)


class CaseStatus(StrEnum):
    """Where a case is in the workflow (tingia/triage/service.py draws the state machine)."""

    OPEN = "open"
    TRIAGED = "triaged"
    PUBLISHED = "published"
    CLOSED = "closed"


class Category(StrEnum):
    """The centre's four triage categories."""

    VERIFIABLE = "verifiable"
    HARMFUL = "harmful"
    OUT_OF_SCOPE = "out_of_scope"
    FRAUD = "fraud"


class Rating(StrEnum):
    """A verdict's rating of a verifiable claim."""

    FAKE = "fake"
    UNTRUE = "untrue"
    MISLEADING = "misleading"
    AUTHENTIC = "authentic"
    INCONCLUSIVE = "inconclusive"


class ReportStatus(StrEnum):
    """What a reporter sees: `received` until grouped, then the state of the report's case."""

    RECEIVED = "received"
    PROCESSED = "processed"
    TRIAGED = "triaged"
    PUBLISHED = "published"
    CLOSED = "closed"


class Role(StrEnum):
    """A staff member's role: verifiers work cases, leads also publish, admins manage accounts."""

    VERIFIER = "verifier"
    LEAD = "lead"
    ADMIN = "admin"


class Platform(StrEnum):
    """Where the reported content was seen."""

    FACEBOOK = "facebook"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    ZALO = "zalo"
    WEBSITE = "website"
    SMS = "sms"
    PHONE = "phone"
    OTHER = "other"


class CategoryHint(StrEnum):
    """What the reporter thinks the content is."""

    FAKE_NEWS = "fake_news"
    HARMFUL = "harmful"
    FRAUD = "fraud"
    UNSURE = "unsure"


class ReportSource(StrEnum):
    """How a report reached the centre."""

    WEB = "web"
    API = "api"
    DEMO = "demo"  # `flask seed --demo`
    # Entered by staff on a caller's behalf (Report.entered_by records who).
    PHONE = "phone"
    EMAIL = "email"
    HOTLINE = "hotline"


# The channels through which staff take a report for someone (the centre's hotline and email).
STAFF_INTAKE_CHANNELS = (ReportSource.HOTLINE, ReportSource.PHONE, ReportSource.EMAIL)


class SubjectArea(StrEnum):
    """What a verdict or warning is about, in the centre's own areas (search and statistics)."""

    POLICY_LAW = "policy_law"
    ECONOMY_FINANCE = "economy_finance"
    HEALTH = "health"
    DISASTERS_EPIDEMICS = "disasters_epidemics"
    SECURITY_ORDER = "security_order"
    FAKE_ACCOUNTS = "fake_accounts"
    PHISHING_LINKS = "phishing_links"
    OTHER = "other"


class PublicationKind(StrEnum):
    """A verdict answers a verifiable case; a warning explains an online fraud."""

    VERDICT = "verdict"
    WARNING = "warning"


class PublicationStatus(StrEnum):
    """draft -> published -> withdrawn (unpublished, editable) -> published ..."""

    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class NotificationKind(StrEnum):
    """What a reporter is told by email about the answer to their report."""

    PUBLISHED = "published"  # the verdict or warning is out
    CORRECTED = "corrected"  # it was edited and published again
    WITHDRAWN = "withdrawn"  # it was taken down


class NotificationStatus(StrEnum):
    """pending -> sent; skipped when no longer true or no address; failed after every attempt."""

    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"


class SuggestionStatus(StrEnum):
    """A matcher's suggestion, until a verifier decides on it."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class CaseAction(StrEnum):
    """What an entry of a case's history records."""

    CASE_OPENED = "case_opened"
    REPORT_ADDED = "report_added"
    REPORT_MOVED_IN = "report_moved_in"
    REPORT_MOVED_OUT = "report_moved_out"
    CASE_MERGED_IN = "case_merged_in"
    CASE_MERGED_AWAY = "case_merged_away"
    CASE_EMPTIED = "case_emptied"
    SUGGESTION_CONFIRMED = "suggestion_confirmed"
    SUGGESTION_REJECTED = "suggestion_rejected"
    ASSIGNED = "assigned"
    TRIAGED = "triaged"
    CLOSED = "closed"
    REOPENED = "reopened"
    ESCALATED = "escalated"
    CENTRE_CHANGED = "centre_changed"
    CASE_LINKED = "case_linked"
    NOTE = "note"
    IMAGE_MADE_PUBLIC = "image_made_public"
    IMAGE_MADE_PRIVATE = "image_made_private"
    VERDICT_DRAFTED = "verdict_drafted"
    VERDICT_EDITED = "verdict_edited"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    TAKEDOWN_REQUESTED = "takedown_requested"
    TAKEDOWN_UPDATED = "takedown_updated"


class TakedownStatus(StrEnum):
    """Where a removal request to a platform stands (tingia/takedowns/service.py: the rules)."""

    REQUESTED = "requested"
    REMOVED = "removed"
    REFUSED = "refused"
    NO_RESPONSE = "no_response"
    RESTORED = "restored"  # removed, then it came back


class TakedownChannel(StrEnum):
    """How a removal request was sent to the platform."""

    EMAIL = "email"
    PHONE = "phone"
    PORTAL = "portal"  # the platform's own reporting portal for authorities
    LETTER = "letter"


class SourcePlatform(StrEnum):
    """Where an offending source lives: a social platform, or a website (by its domain)."""

    FACEBOOK = "facebook"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    ZALO = "zalo"
    WEBSITE = "website"


class SourceKind(StrEnum):
    """What kind of account or site a source is."""

    PAGE = "page"  # a Facebook page or profile under its name
    PROFILE = "profile"  # a Facebook profile by number (profile.php?id=)
    GROUP = "group"  # a Facebook or Zalo group
    ACCOUNT = "account"  # a TikTok or Zalo account
    CHANNEL = "channel"  # a YouTube channel or handle
    DOMAIN = "domain"  # a website, by its registered domain


class SourceList(StrEnum):
    """The national lists: licensed press and official pages, and violating sources."""

    WHITE = "white"
    BLACK = "black"


class ProposalStatus(StrEnum):
    """A province's proposal to put a source on a national list, until national staff decide."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class AuthAction(StrEnum):
    """What an entry of the sign-in audit records (tingia/auth/events.py)."""

    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"
    LOGIN_THROTTLED = "login_throttled"
    SECOND_FACTOR_FAILED = "second_factor_failed"
    RECOVERY_CODE_USED = "recovery_code_used"
    LOGOUT = "logout"
    SESSION_REVOKED = "session_revoked"
    SESSIONS_REVOKED = "sessions_revoked"
    # bandit B105 accepted: the name of an audit action, not a password.
    PASSWORD_CHANGED = "password_changed"  # nosec B105
    TWO_FACTOR_ENROLLED = "two_factor_enrolled"
    TWO_FACTOR_DISABLED = "two_factor_disabled"
    TWO_FACTOR_RESET = "two_factor_reset"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed"


class AuditAction(StrEnum):
    """What an entry of the audit log records (tingia/audit).

    A case's history entries (case_events) and the sign-in audit's entries (auth_events) are in
    the audit log as CASE_EVENT and AUTH_EVENT entries that point to them.
    """

    CASE_EVENT = "case_event"
    AUTH_EVENT = "auth_event"
    CONTACT_VIEWED = "contact_viewed"
    CONTACT_PURGED = "contact_purged"  # retention period over (flask privacy purge)
    CONTACT_ERASED = "contact_erased"  # at the reporter's request
    ACCOUNT_CREATED = "account_created"
    ACCOUNT_CHANGED = "account_changed"
    # bandit B105 reads these two names of actions as tokens; they are not.
    TOKEN_CREATED = "token_created"  # nosec B105
    TOKEN_REVOKED = "token_revoked"  # nosec B105


LEAD_ROLES = frozenset({Role.LEAD, Role.ADMIN})


def enum_type(enum: type[StrEnum], name: str, length: int = 20) -> Enum:
    """A VARCHAR column type holding the enum's values, checked by a named CHECK constraint."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=_values,
        validate_strings=True,
    )


def _values(enum: Any) -> list[str]:
    return [member.value for member in enum]


def member_or_none(enum: type[E], value: object) -> E | None:
    """The enum member whose value this is, or None (for any other value, of any type)."""
    if not isinstance(value, str):
        return None
    try:
        return enum(value)
    except ValueError:
        return None


class StatisticsMeasure(StrEnum):
    """What a row of the public statistics' summary counts (tingia/statistics/summary.py)."""

    REPORTS = "reports"  # reports received, by the report's province
    CASES = "cases"  # cases first reported (live ones), by category
    PUBLICATIONS = "publications"  # verdicts and warnings published (and still published)
    TAKEDOWNS = "takedowns"  # removal requests sent, by status and whether removed on time
