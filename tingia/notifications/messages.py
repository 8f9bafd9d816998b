"""The email a reporter gets, in the language they reported in."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from tingia.i18n import RATING_LABELS
from tingia.models import Notification, NotificationKind, PublicationKind
from tingia.publishing.public import external_url, public_url


@dataclass(frozen=True)
class ReporterMail:
    """What is sent: one recipient, a subject and a plain-text body."""

    recipient: str
    subject: str
    body: str


def _subject(notification: Notification, code: str) -> str:
    warning = notification.verdict.kind == PublicationKind.WARNING
    if notification.kind == NotificationKind.WITHDRAWN:
        if warning:
            return _("Your report %(code)s: the fraud warning was withdrawn", code=code)
        return _("Your report %(code)s: the verdict was withdrawn", code=code)
    if notification.kind == NotificationKind.CORRECTED:
        if warning:
            return _("Your report %(code)s: the fraud warning was corrected", code=code)
        return _("Your report %(code)s: the verdict was corrected", code=code)
    if warning:
        return _("Your report %(code)s: the centre published a fraud warning", code=code)
    return _("Your report %(code)s: the centre published its verdict", code=code)


def build_mail(notification: Notification) -> ReporterMail:
    """The message for this notification, in the report's language (Vietnamese by default)."""
    report, verdict = notification.report, notification.verdict
    with force_locale(report.locale or "vi"):
        body = render_template(
            "mail/notification.txt",
            notification=notification,
            report=report,
            verdict=verdict,
            rating_label=RATING_LABELS[verdict.rating] if verdict.rating else None,
            verdict_url=public_url(verdict),
            track_url=external_url("intake.track", code=report.tracking_code),
            privacy_url=external_url("publishing.privacy"),
            NotificationKind=NotificationKind,
        )
        return ReporterMail(
            recipient=report.contact_email or "",
            subject=_subject(notification, report.tracking_code),
            body=body,
        )
