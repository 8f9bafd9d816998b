"""Job functions. They take ids, never objects, and are idempotent: running one twice changes
nothing the first run did not. They run inside the app context the worker pushed at start."""

from __future__ import annotations

import logging
from typing import Any

from tingia.extensions import db
from tingia.jobs import schedule_sweeper, sweep_unprocessed
from tingia.matching import service as matching

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


def sweep() -> int:
    """Re-enqueue reports that were never processed, then schedule the next sweep."""
    try:
        count = sweep_unprocessed()
    finally:
        db.session.remove()
    schedule_sweeper()
    return count
