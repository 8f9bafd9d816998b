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
    }
