"""Sending a notification: once, to its reporter only, while it is still true.

The worker's job (tingia/jobs/tasks.py) calls `start_attempt` and commits (so attempts are
counted even if sending then fails), then `send` and commits again. Functions flush, never
commit.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_mail import Message
from sqlalchemy import select

from tingia.database import utcnow
from tingia.extensions import db, mail
from tingia.models import Notification, NotificationKind, NotificationStatus
from tingia.notifications.messages import build_mail


class MailNotSent(RuntimeError):
    """Sending failed; the message names the notification and the error's type, never the
    address (SMTP errors quote it), so the job's log and retries stay free of personal data."""


def _last_sent_kind(notification: Notification) -> NotificationKind | None:
    """What the reporter was last told about this publication, before this notification."""
    return db.session.scalar(
        select(Notification.kind)
        .where(
            Notification.report_id == notification.report_id,
            Notification.verdict_id == notification.verdict_id,
            Notification.status == NotificationStatus.SENT,
            Notification.id < notification.id,
        )
        .order_by(Notification.id.desc())
        .limit(1)
    )


def _still_true(notification: Notification) -> bool:
    """Whether the message still says something true and new: a publication notice while
    published and the report still in its case; a withdrawal while still withdrawn, to a
    reporter whose last message said it was published."""
    verdict, report = notification.verdict, notification.report
    if notification.kind == NotificationKind.WITHDRAWN:
        told = _last_sent_kind(notification)
        return not verdict.is_published and told in (
            NotificationKind.PUBLISHED,
            NotificationKind.CORRECTED,
        )
    return verdict.is_published and report.case_id == verdict.case_id


def start_attempt(notification_id: int) -> Notification | None:
    """The notification to send now, its attempt counted; None when there is nothing to send
    (already sent, skipped or failed; no address any more; no longer true; out of attempts)."""
    notification = db.session.scalar(
        select(Notification).where(Notification.id == notification_id).with_for_update()
    )
    if notification is None or notification.status != NotificationStatus.PENDING:
        return None
    report = notification.report
    if not (report.contact_email and report.contact_consent) or not _still_true(notification):
        notification.status = NotificationStatus.SKIPPED
        db.session.flush()
        return None
    if notification.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        notification.status = NotificationStatus.FAILED
        db.session.flush()
        return None
    notification.attempts += 1
    db.session.flush()
    return notification


def send(notification: Notification) -> None:
    """Send the email to the notification's reporter and mark it sent."""
    built = build_mail(notification)
    message = Message(subject=built.subject, recipients=[built.recipient], body=built.body)
    try:
        mail.send(message)
    except Exception as error:  # noqa: BLE001  (smtplib and socket errors alike)
        raise MailNotSent(
            f"notification {notification.id}: {type(error).__name__}; will be retried"
        ) from None
    notification.status = NotificationStatus.SENT
    notification.sent_at = utcnow()
    db.session.flush()


def unsent_ids(created_before_seconds: int, limit: int = 10_000) -> list[int]:
    """Pending notifications at least this old, oldest first (for the sweep)."""
    cutoff = utcnow() - timedelta(seconds=created_before_seconds)
    return list(
        db.session.scalars(
            select(Notification.id)
            .where(
                Notification.status == NotificationStatus.PENDING,
                Notification.created_at <= cutoff,
            )
            .order_by(Notification.id)
            .limit(limit)
        )
    )
