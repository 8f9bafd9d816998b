"""Task functions run by the worker, and the helpers that enqueue them.

Tasks take ids, never objects, and are idempotent: running one twice changes nothing the first
run did not. They run inside the app context the worker pushed at start, and each commits (or
rolls back) its own transaction. They are enqueued as function objects under fixed job ids.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app

from tingia.extensions import db
from tingia.jobs.outbox import (
    is_pending,
    process_job_id,
    release_abandoned_jobs,
    unprocessed_report_ids,
)
from tingia.jobs.queue import enqueue, retry_policy
from tingia.matching import service as matching
from tingia.models import Report

log = logging.getLogger(__name__)


def process_report(report_id: int) -> dict[str, Any]:
    """Fingerprint a report and group it into a case."""
    try:
        outcome = matching.process_report(report_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
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
    for report_id in unprocessed_report_ids(older_than_seconds):
        if not is_pending(process_job_id(report_id)) and enqueue_report(report_id):
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


# A new row of these models is work to do: committing it enqueues its job (dispatch.py).
ENQUEUE_ON_INSERT = {Report: enqueue_report}
