"""Labels for the codes stored in the database, in the reader's language."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from tingia.models import (
    CaseAction,
    CaseStatus,
    Category,
    CategoryHint,
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
    TakedownChannel,
    TakedownStatus,
)

PLATFORM_LABELS = {
    Platform.FACEBOOK: "Facebook",
    Platform.TIKTOK: "TikTok",
    Platform.YOUTUBE: "YouTube",
    Platform.ZALO: "Zalo",
    Platform.WEBSITE: _l("Website"),
    Platform.SMS: _l("SMS"),
    Platform.PHONE: _l("Phone call"),
    Platform.OTHER: _l("Other"),
}
CATEGORY_HINT_LABELS = {
    CategoryHint.FAKE_NEWS: _l("Fake or false news"),
    CategoryHint.HARMFUL: _l("Harmful or malicious content"),
    CategoryHint.FRAUD: _l("Online financial fraud"),
    CategoryHint.UNSURE: _l("Not sure"),
}
CATEGORY_LABELS = {
    Category.VERIFIABLE: _l("Verifiable claim"),
    Category.HARMFUL: _l("Harmful content"),
    Category.OUT_OF_SCOPE: _l("Wrong report / outside competence"),
    Category.FRAUD: _l("Online financial fraud"),
}
REPORT_STATUS_LABELS = {
    ReportStatus.RECEIVED: _l("Received, waiting to be processed"),
    ReportStatus.PROCESSED: _l("Processed, waiting for a verifier"),
    ReportStatus.TRIAGED: _l("Being handled by a verifier"),
    ReportStatus.PUBLISHED: _l("Answered: a verdict has been published"),
    ReportStatus.CLOSED: _l("Closed"),
}
CASE_STATUS_LABELS = {
    CaseStatus.OPEN: _l("Open"),
    CaseStatus.TRIAGED: _l("Triaged"),
    CaseStatus.PUBLISHED: _l("Published"),
    CaseStatus.CLOSED: _l("Closed"),
}
RATING_LABELS = {
    Rating.FAKE: _l("Fake news"),
    Rating.UNTRUE: _l("Untrue"),
    Rating.MISLEADING: _l("Misleading"),
    Rating.AUTHENTIC: _l("Authentic"),
    Rating.INCONCLUSIVE: _l("Inconclusive"),
}
# One line each, for whoever chooses the rating of a verdict.
RATING_DESCRIPTIONS = {
    Rating.FAKE: _l(
        "Made up: the event or statement never happened, or the content was fabricated to deceive."
    ),
    Rating.UNTRUE: _l(
        "Wrong on the facts: it contradicts what the authorities or reliable sources establish."
    ),
    Rating.MISLEADING: _l(
        "Partly true, but out of context, exaggerated or presented so that it misleads."
    ),
    Rating.AUTHENTIC: _l("True: confirmed by the competent authority or by reliable sources."),
    Rating.INCONCLUSIVE: _l("Not enough evidence yet to say whether it is true or false."),
}

PUBLICATION_STATUS_LABELS = {
    PublicationStatus.DRAFT: _l("Draft"),
    PublicationStatus.PUBLISHED: _l("Published"),
    PublicationStatus.WITHDRAWN: _l("Withdrawn"),
}
ROLE_LABELS = {
    Role.VERIFIER: _l("Verifier"),
    Role.LEAD: _l("Lead"),
    Role.ADMIN: _l("Administrator"),
}
# The history of a case (CaseEvent.action).
EVENT_LABELS = {
    CaseAction.CASE_OPENED: _l("Case opened"),
    CaseAction.REPORT_ADDED: _l("Report added"),
    CaseAction.REPORT_MOVED_IN: _l("Report moved in"),
    CaseAction.REPORT_MOVED_OUT: _l("Report moved out"),
    CaseAction.CASE_MERGED_IN: _l("Another case merged in"),
    CaseAction.CASE_MERGED_AWAY: _l("Merged into another case"),
    CaseAction.CASE_EMPTIED: _l("Case emptied and closed"),
    CaseAction.SUGGESTION_CONFIRMED: _l("Suggestion confirmed"),
    CaseAction.SUGGESTION_REJECTED: _l("Suggestion rejected"),
    CaseAction.ASSIGNED: _l("Assigned"),
    CaseAction.TRIAGED: _l("Triaged"),
    CaseAction.CLOSED: _l("Closed"),
    CaseAction.REOPENED: _l("Reopened"),
    CaseAction.ESCALATED: _l("Escalated to the national centre"),
    CaseAction.CENTRE_CHANGED: _l("Moved to another centre"),
    CaseAction.CASE_LINKED: _l("Linked to another centre's case"),
    CaseAction.NOTE: _l("Note"),
    CaseAction.IMAGE_MADE_PUBLIC: _l("Image made publishable"),
    CaseAction.IMAGE_MADE_PRIVATE: _l("Image made private"),
    CaseAction.VERDICT_DRAFTED: _l("Verdict drafted"),
    CaseAction.VERDICT_EDITED: _l("Verdict edited"),
    CaseAction.PUBLISHED: _l("Published"),
    CaseAction.UNPUBLISHED: _l("Unpublished"),
    CaseAction.TAKEDOWN_REQUESTED: _l("Removal requested from the platform"),
    CaseAction.TAKEDOWN_UPDATED: _l("Removal request updated"),
}
# The centre's own names of its categories, in Vietnamese whatever the page's language (letters
# to platforms, the quarterly report's headings).
CATEGORY_NAMES_VI = {
    Category.VERIFIABLE: "Tin có thể kiểm chứng",
    Category.HARMFUL: "Tin xấu độc",
    Category.OUT_OF_SCOPE: "Tin báo sai / không đúng thẩm quyền",
    Category.FRAUD: "Lừa đảo tài chính qua mạng",
}
REPORT_SOURCE_LABELS = {
    ReportSource.WEB: _l("Web form"),
    ReportSource.API: _l("API"),
    ReportSource.DEMO: _l("Demo"),
    ReportSource.PHONE: _l("Phone call"),
    ReportSource.EMAIL: _l("Email"),
    ReportSource.HOTLINE: _l("Hotline 1800 8108"),
}
TAKEDOWN_STATUS_LABELS = {
    TakedownStatus.REQUESTED: _l("Requested"),
    TakedownStatus.REMOVED: _l("Removed"),
    TakedownStatus.REFUSED: _l("Refused"),
    TakedownStatus.NO_RESPONSE: _l("No response"),
    TakedownStatus.RESTORED: _l("Restored (came back)"),
}
TAKEDOWN_CHANNEL_LABELS = {
    TakedownChannel.EMAIL: _l("Email"),
    TakedownChannel.PHONE: _l("Phone"),
    TakedownChannel.PORTAL: _l("Platform portal"),
    TakedownChannel.LETTER: _l("Letter"),
}
SOURCE_PLATFORM_LABELS = {
    SourcePlatform.FACEBOOK: "Facebook",
    SourcePlatform.TIKTOK: "TikTok",
    SourcePlatform.YOUTUBE: "YouTube",
    SourcePlatform.ZALO: "Zalo",
    SourcePlatform.WEBSITE: _l("Website"),
}
SOURCE_KIND_LABELS = {
    SourceKind.PAGE: _l("Page or profile"),
    SourceKind.PROFILE: _l("Profile"),
    SourceKind.GROUP: _l("Group"),
    SourceKind.ACCOUNT: _l("Account"),
    SourceKind.CHANNEL: _l("Channel"),
    SourceKind.DOMAIN: _l("Website domain"),
}
SOURCE_LIST_LABELS = {
    SourceList.WHITE: _l("Whitelist: licensed press or official page"),
    SourceList.BLACK: _l("Blacklist: violating source"),
}
PROPOSAL_STATUS_LABELS = {
    ProposalStatus.PENDING: _l("Waiting for the national centre"),
    ProposalStatus.ACCEPTED: _l("Accepted"),
    ProposalStatus.REJECTED: _l("Rejected"),
}


def template_helpers() -> dict[str, Any]:
    """Names every template can use."""
    return {
        "current_locale": str(get_locale() or "vi"),
        "url_endpoints": current_app.view_functions,
        "platform_labels": PLATFORM_LABELS,
        "category_hint_labels": CATEGORY_HINT_LABELS,
        "category_labels": CATEGORY_LABELS,
        "report_status_labels": REPORT_STATUS_LABELS,
        "case_status_labels": CASE_STATUS_LABELS,
        "rating_labels": RATING_LABELS,
        "rating_descriptions": RATING_DESCRIPTIONS,
        "publication_status_labels": PUBLICATION_STATUS_LABELS,
        "role_labels": ROLE_LABELS,
        "event_labels": EVENT_LABELS,
        "report_source_labels": REPORT_SOURCE_LABELS,
        "takedown_status_labels": TAKEDOWN_STATUS_LABELS,
        "takedown_channel_labels": TAKEDOWN_CHANNEL_LABELS,
        "source_platform_labels": SOURCE_PLATFORM_LABELS,
        "source_kind_labels": SOURCE_KIND_LABELS,
        "source_list_labels": SOURCE_LIST_LABELS,
        "proposal_status_labels": PROPOSAL_STATUS_LABELS,
        # The domain's values, so templates compare with members, not string literals.
        "CaseStatus": CaseStatus,
        "Category": Category,
        "PublicationKind": PublicationKind,
        "PublicationStatus": PublicationStatus,
        "Rating": Rating,
        "Role": Role,
        "ProposalStatus": ProposalStatus,
        "SourceList": SourceList,
        "TakedownStatus": TakedownStatus,
    }
