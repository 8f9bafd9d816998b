"""The database is the outbox: a report is committed before it is enqueued, so if Redis is down
at that moment, or a worker dies mid-job, the report stays unprocessed in the database and the
sweep finds it and enqueues it again. Jobs are idempotent, so a report enqueued twice is
processed once."""

from __future__ import annotations

import logging
from datetime import timedelta

from redis.exceptions import RedisError
from rq.job import Job, JobStatus
from sqlalchemy import select

from tingia.database import utcnow
from tingia.extensions import db
from tingia.jobs.queue import get_queue, get_redis
from tingia.models import Report

log = logging.getLogger(__name__)

PENDING_STATUSES = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
SWEEP_BATCH = 10_000


def process_job_id(report_id: int) -> str:
    """A stable job id per report, so the sweep can tell a queued report from a lost one."""
    return f"process_report-{report_id}"


def is_pending(job_id: str) -> bool:
    """True while the job is queued, running or scheduled in Redis."""
    try:
        status = Job.fetch(job_id, connection=get_redis()).get_status(refresh=False)
    except Exception:  # noqa: BLE001  (no such job, or unreadable: treat as lost)
        return False
    return status in PENDING_STATUSES


def release_abandoned_jobs() -> None:
    """Mark as failed the jobs whose worker died (their heartbeat expired), so they are redone."""
    try:
        get_queue().started_job_registry.cleanup()
    except RedisError as error:
        log.warning("could not clean up abandoned jobs: %s", error)


def unprocessed_report_ids(older_than_seconds: int) -> list[int]:
    """Reports accepted at least this long ago and still not grouped, oldest first."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return list(
        db.session.scalars(
            select(Report.id)
            .where(Report.processed_at.is_(None), Report.created_at <= cutoff)
            .order_by(Report.id)
            .limit(SWEEP_BATCH)
        )
    )
