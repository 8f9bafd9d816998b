"""Labels for the codes stored in the database, in the reader's language."""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

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
    SubjectArea,
    TakedownChannel,
    TakedownStatus,
)
from tingia.text import fold_diacritics

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
# The centre's subject areas, as it names them.
SUBJECT_AREA_LABELS = {
    SubjectArea.POLICY_LAW: _l("Policy and law"),
    SubjectArea.ECONOMY_FINANCE: _l("Economy and finance"),
    SubjectArea.HEALTH: _l("Health"),
    SubjectArea.DISASTERS_EPIDEMICS: _l("Disasters and epidemics"),
    SubjectArea.SECURITY_ORDER: _l("Security and order"),
    SubjectArea.FAKE_ACCOUNTS: _l("Fake accounts"),
    SubjectArea.PHISHING_LINKS: _l("Phishing links"),
    SubjectArea.OTHER: _l("Other"),
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
        "subject_area_labels": SUBJECT_AREA_LABELS,
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
        "ReportStatus": ReportStatus,
        "Role": Role,
        "ProposalStatus": ProposalStatus,
        "SourceList": SourceList,
        "TakedownStatus": TakedownStatus,
        "SubjectArea": SubjectArea,
    }


def compile_catalogues(translations_dir: Path) -> list[Path]:
    """Compile each messages.po whose messages.mo is missing or older; returns what it wrote.

    The build (scripts/bootstrap.sh) compiles them; this covers an install that skipped it. The
    file is written under a temporary name and renamed, so processes starting at once never read
    half a catalogue.
    """
    written = []
    for po_path in sorted(translations_dir.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file, locale=po_path.parts[-3])
        handle, temporary = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as mo_file:
            write_mo(mo_file, catalogue)
        os.replace(temporary, mo_path)
        written.append(mo_path)
    return written


# Explicit patterns per language and length: CLDR's short formats ("12/2/26, 3:12 AM") are not
# what people here write. Vietnam uses the 24-hour clock and day/month/year.
DATE_PATTERNS = {
    "vi": {"short": "dd/MM/yyyy", "medium": "dd/MM/yyyy", "long": "d 'tháng' M 'năm' yyyy"},
    "en": {"short": "dd/MM/yyyy", "medium": "d MMM yyyy", "long": "d MMMM yyyy"},
}
DATETIME_PATTERNS = {
    "vi": {
        "short": "HH:mm dd/MM/yyyy",
        "medium": "HH:mm, dd/MM/yyyy",
        "long": "HH:mm, d 'tháng' M 'năm' yyyy",
    },
    "en": {
        "short": "dd/MM/yyyy HH:mm",
        "medium": "d MMM yyyy, HH:mm",
        "long": "d MMMM yyyy, HH:mm",
    },
}


def _language() -> str:
    locale = get_locale()
    language = locale.language if locale is not None else "vi"
    return language if language in DATE_PATTERNS else "vi"


def local_date(value: datetime | date | None, length: str = "medium") -> str:
    """A date in the reader's language, in the centre's time zone ('' for None)."""
    if value is None:
        return ""
    return format_date(value, DATE_PATTERNS[_language()].get(length, length))


def local_datetime(value: datetime | None, length: str = "medium") -> str:
    """A moment in the reader's language and the centre's time zone ('' for None)."""
    if value is None:
        return ""
    return format_datetime(value, DATETIME_PATTERNS[_language()].get(length, length))


def local_number(value: int | float) -> str:
    """A number with the reader's grouping and decimal signs (1.234 in Vietnamese)."""
    return format_decimal(value)


def local_file_size(size_bytes: int) -> str:
    """A file size in MB with one decimal, in the reader's number format ("1,5 MB")."""
    megabytes = max(size_bytes / (1024 * 1024), 0.1)
    return f"{format_decimal(megabytes, format='#,##0.0')} MB"


def register_filters(app: Flask) -> None:
    """Date and number filters for templates. They replace Flask-Babel's `dateformat` and
    `datetimeformat`, whose CLDR patterns are not the ones the centre uses."""
    app.jinja_env.filters.update(
        dateformat=local_date,
        datetimeformat=local_datetime,
        numberformat=local_number,
        filesize=local_file_size,
    )
    app.jinja_env.tests["vietnamese"] = looks_vietnamese


def looks_vietnamese(text: object) -> bool:
    """True when the text has Vietnamese letters (diacritics, đ): it then gets lang="vi" on
    pages in another language, so screen readers pronounce it right."""
    return isinstance(text, str) and fold_diacritics(text) != text


@lru_cache(maxsize=16)
def _wtforms_catalogue(locale: str) -> support.NullTranslations:
    """WTForms' own messages for a language, read from its package once per process."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _FormMessages:
    """WTForms' built-in messages (a field is required, too long...) in the request's language.

    Flask-WTF finds, reads and parses WTForms' catalogue again for every request that builds a
    form (0.5 ms, 7 % of the CPU time of accepting a report through the API); the files do
    not change while the app runs.
    """

    def gettext(self, string: str) -> str:
        """The message in the request's language."""
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural message for n, in the request's language."""
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


FORM_MESSAGES = _FormMessages()


class AppForm(FlaskForm):
    """The app's forms: Flask-WTF's, with WTForms' messages from a catalogue read once."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            """WTForms' messages for this form: the cached catalogue (or none, as configured)."""
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return FORM_MESSAGES
