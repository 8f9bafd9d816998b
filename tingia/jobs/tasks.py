"""Task functions run by the worker, and the helpers that enqueue them.

Tasks take ids, never objects, and are idempotent: running one twice changes nothing the first
run did not. They run inside the app context the worker pushed at start, and each commits (or
rolls back) its own transaction. They are enqueued as function objects under fixed job ids.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from rq import get_current_job

from tingia.database import utcnow
from tingia.extensions import db
from tingia.intake import service as intake
from tingia.jobs.outbox import (
    begin_attempt,
    pending_job_ids,
    process_job_id,
    record_failure,
    release_abandoned_jobs,
    unprocessed_report_ids,
)
from tingia.jobs.queue import enqueue, retry_policy
from tingia.matching import service as matching
from tingia.models import Notification, Report
from tingia.notifications import service as notifications
from tingia.privacy import service as privacy
from tingia.statistics import summary as statistics_summary

log = logging.getLogger(__name__)
PURGE_BATCH = 500


def _last_try() -> bool:
    """True unless the running RQ job will be retried after a failure."""
    job = get_current_job()
    return job is None or not job.retries_left


def process_report(report_id: int, retried_later: bool = False) -> dict[str, Any]:
    """Fingerprint a report and group it into a case (each attempt is counted first).

    `retried_later`: a failure is not this job's last try (a worker's batch requeues it).
    """
    try:
        if not begin_attempt(report_id):
            return {"report_id": report_id, "outcome": "skipped"}
        outcome = matching.process_report(report_id)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        record_failure(report_id, error, last_try=not retried_later and _last_try())
        raise
    log.info("report %s: %s", report_id, outcome)
    return outcome


def enqueue_report(report_id: int) -> bool:
    """Queue processing of a committed report; False (and logged) if Redis is unreachable."""
    return enqueue(
        process_report,
        report_id,
        job_id=process_job_id(report_id),
        timeout=current_app.config["JOB_TIMEOUT"],
        retry=retry_policy(),
    )


def sweep_unprocessed(older_than_seconds: int | None = None) -> int:
    """Re-enqueue reports accepted but still unprocessed after a while; returns how many."""
    if older_than_seconds is None:
        older_than_seconds = current_app.config["SWEEP_AFTER_SECONDS"]
    release_abandoned_jobs()
    enqueued = 0
    report_ids = unprocessed_report_ids(older_than_seconds)
    db.session.rollback()  # end the read transaction: enqueueing can take a while
    try:
        pending = pending_job_ids([process_job_id(report_id) for report_id in report_ids])
    except RedisError as error:
        log.warning("sweep: Redis unreachable (%s)", error)
        return 0
    for report_id in report_ids:
        if process_job_id(report_id) not in pending and enqueue_report(report_id):
            enqueued += 1
    if enqueued:
        log.info("sweep re-enqueued %d unprocessed reports", enqueued)
    return enqueued


def sweep() -> int:
    """The periodic sweep: re-enqueue reports that were never processed."""
    try:
        return sweep_unprocessed()
    finally:
        db.session.remove()


def purge_contacts() -> int:
    """Erase the contact details past their retention period (CONTACT_RETENTION_DAYS), in
    batches of one transaction each; returns how many reports were purged."""
    total = 0
    try:
        while True:
            purged = privacy.purge_expired_contacts(batch=PURGE_BATCH)
            db.session.commit()
            total += purged
            if purged < PURGE_BATCH:
                break
    except Exception:
        db.session.rollback()
        raise
    if total:
        log.info("purged the contact details of %d reports", total)  # a count, nothing personal
    return total


def purge_contacts_job() -> int:
    """The periodic purge (the worker's session is left clean)."""
    try:
        return purge_contacts()
    finally:
        db.session.remove()


def notification_job_id(notification_id: int) -> str:
    """A stable job id per notification (the sweep tells queued from lost ones by it)."""
    return f"send_notification-{notification_id}"


def send_notification(notification_id: int) -> str:
    """Email a reporter about the answer to their report; a sent notification is not sent
    again. The attempt is committed before sending, so failures are counted (and bounded)."""
    try:
        notification = notifications.start_attempt(notification_id)
        db.session.commit()
        if notification is None:
            outcome = "nothing to send"
        else:
            notifications.send(notification)
            db.session.commit()
            outcome = "sent"
    except Exception:
        db.session.rollback()
        raise
    log.info("notification %s: %s", notification_id, outcome)
    return outcome


def enqueue_notification(notification_id: int) -> bool:
    """Queue sending a committed notification; False (and logged) if Redis is unreachable."""
    return enqueue(
        send_notification,
        notification_id,
        job_id=notification_job_id(notification_id),
        timeout=current_app.config["MAIL_JOB_TIMEOUT"],
        retry=retry_policy(),
    )


def sweep_unsent_notifications(older_than_seconds: int | None = None) -> int:
    """Re-enqueue pending notifications whose job was lost or gave up; returns how many."""
    if older_than_seconds is None:
        older_than_seconds = current_app.config["SWEEP_AFTER_SECONDS"]
    notification_ids = notifications.unsent_ids(older_than_seconds)
    db.session.rollback()  # end the read transaction: enqueueing can take a while
    try:
        pending = pending_job_ids([notification_job_id(n) for n in notification_ids])
    except RedisError as error:
        log.warning("notification sweep: Redis unreachable (%s)", error)
        return 0
    enqueued = 0
    for notification_id in notification_ids:
        job_id = notification_job_id(notification_id)
        if job_id not in pending and enqueue_notification(notification_id):
            enqueued += 1
    if enqueued:
        log.info("sweep re-enqueued %d unsent notifications", enqueued)
    return enqueued


def sweep_notifications() -> int:
    """The periodic sweep of the mail outbox."""
    try:
        return sweep_unsent_notifications()
    finally:
        db.session.remove()


def purge_pending_uploads() -> int:
    """The periodic purge of images kept with report forms that were never sent again."""
    try:
        purged = intake.purge_pending_uploads()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        db.session.remove()
    if purged:
        log.info("purged %d pending uploads", purged)
    return purged


def refresh_statistics() -> int:
    """The periodic rebuild of the public statistics' summary; returns the snapshot's id."""
    try:
        snapshot = statistics_summary.rebuild_summary(utcnow())
        db.session.commit()
        return snapshot.id
    except Exception:
        db.session.rollback()
        raise
    finally:
        db.session.remove()


# A new row of these models is work to do: committing it enqueues its job (dispatch.py).
ENQUEUE_ON_INSERT = {Report: enqueue_report, Notification: enqueue_notification}
