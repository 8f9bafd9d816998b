"""Labels for the codes stored in the database, in the reader's language."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

PLATFORM_LABELS = {
    "facebook": "Facebook",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "zalo": "Zalo",
    "website": _l("Website"),
    "sms": _l("SMS"),
    "phone": _l("Phone call"),
    "other": _l("Other"),
}
CATEGORY_HINT_LABELS = {
    "fake_news": _l("Fake or false news"),
    "harmful": _l("Harmful or malicious content"),
    "fraud": _l("Online financial fraud"),
    "unsure": _l("Not sure"),
}
CATEGORY_LABELS = {
    "verifiable": _l("Verifiable claim"),
    "harmful": _l("Harmful content"),
    "out_of_scope": _l("Wrong report / outside competence"),
    "fraud": _l("Online financial fraud"),
}
REPORT_STATUS_LABELS = {
    "received": _l("Received, waiting to be processed"),
    "processed": _l("Processed, waiting for a verifier"),
    "triaged": _l("Being handled by a verifier"),
    "published": _l("Answered: a verdict has been published"),
    "closed": _l("Closed"),
}
CASE_STATUS_LABELS = {
    "open": _l("Open"),
    "triaged": _l("Triaged"),
    "published": _l("Published"),
    "closed": _l("Closed"),
}
RATING_LABELS = {
    "fake": _l("Fake news"),
    "untrue": _l("Untrue"),
    "misleading": _l("Misleading"),
    "authentic": _l("Authentic"),
    "inconclusive": _l("Inconclusive"),
}

PUBLICATION_STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "withdrawn": _l("Withdrawn"),
}
ROLE_LABELS = {"verifier": _l("Verifier"), "lead": _l("Lead"), "admin": _l("Administrator")}
# The history of a case (CaseEvent.action).
EVENT_LABELS = {
    "case_opened": _l("Case opened"),
    "report_added": _l("Report added"),
    "report_moved_in": _l("Report moved in"),
    "report_moved_out": _l("Report moved out"),
    "case_merged_in": _l("Another case merged in"),
    "case_merged_away": _l("Merged into another case"),
    "case_emptied": _l("Case emptied and closed"),
    "suggestion_confirmed": _l("Suggestion confirmed"),
    "suggestion_rejected": _l("Suggestion rejected"),
    "assigned": _l("Assigned"),
    "triaged": _l("Triaged"),
    "closed": _l("Closed"),
    "reopened": _l("Reopened"),
    "escalated": _l("Escalated to the national centre"),
    "centre_changed": _l("Moved to another centre"),
    "note": _l("Note"),
    "image_made_public": _l("Image made publishable"),
    "image_made_private": _l("Image made private"),
    "verdict_drafted": _l("Verdict drafted"),
    "verdict_edited": _l("Verdict edited"),
    "published": _l("Published"),
    "unpublished": _l("Unpublished"),
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
        "publication_status_labels": PUBLICATION_STATUS_LABELS,
        "role_labels": ROLE_LABELS,
        "event_labels": EVENT_LABELS,
    }
