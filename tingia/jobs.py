"""The RQ queue: enqueueing report processing, and the sweeper that makes enqueueing reliable.

A report is committed before it is enqueued, so the database row itself is the outbox: if Redis
is down at that moment, or a worker dies mid-job, the report stays unprocessed and the sweeper
enqueues it again. Jobs are idempotent, so a report enqueued twice is processed once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.job import Job, JobStatus
from sqlalchemy import select

from tingia.database import utcnow
from tingia.extensions import db

log = logging.getLogger(__name__)

PROCESS_REPORT = "workers.tasks.process_report"
SWEEP = "workers.tasks.sweep"


def get_redis() -> Redis:
    """The app's Redis connection (one pool per process and URL)."""
    cache = current_app.extensions.setdefault("tingia_redis", {})
    url = current_app.config["REDIS_URL"]
    if url not in cache:
        cache[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return cache[url]


def get_queue() -> Queue:
    """The queue report processing runs on."""
    return Queue(current_app.config["RQ_QUEUE"], connection=get_redis())


def process_job_id(report_id: int) -> str:
    """A stable job id per report, so the sweeper can tell a queued report from a lost one."""
    return f"process_report-{report_id}"


def enqueue_report(report_id: int) -> bool:
    """Queue processing of a committed report; False (and logged) if Redis is unreachable."""
    config = current_app.config
    job_id = process_job_id(report_id)
    try:
        queue = get_queue()
        queue.failed_job_registry.remove(job_id)  # a report enqueued again starts afresh
        queue.enqueue(
            PROCESS_REPORT,
            report_id,
            job_id=job_id,
            job_timeout=config["JOB_TIMEOUT"],
            retry=Retry(max=config["JOB_RETRIES"], interval=config["JOB_RETRY_INTERVALS"])
            if config["JOB_RETRIES"]
            else None,
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
        )
    except RedisError as error:
        log.warning("report %s not enqueued (%s); the sweeper will retry", report_id, error)
        return False
    return True


def _is_pending(job_id: str) -> bool:
    try:
        status = Job.fetch(job_id, connection=get_redis()).get_status(refresh=False)
    except Exception:  # noqa: BLE001  (no such job, or unreadable: treat as lost)
        return False
    return status in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)


def sweep_unprocessed(older_than_seconds: int | None = None) -> int:
    """Re-enqueue reports accepted but still unprocessed after a while; returns how many."""
    from tingia.models import Report

    if older_than_seconds is None:
        older_than_seconds = current_app.config["SWEEP_AFTER_SECONDS"]
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    try:
        # A job whose worker died (killed, machine lost) stays "started" until its heartbeat
        # expires; RQ's cleanup then marks it failed, so it is re-enqueued below.
        get_queue().started_job_registry.cleanup()
    except RedisError as error:
        log.warning("could not clean up abandoned jobs: %s", error)
    report_ids = db.session.scalars(
        select(Report.id)
        .where(Report.processed_at.is_(None), Report.created_at <= cutoff)
        .order_by(Report.id)
        .limit(10_000)
    ).all()
    enqueued = 0
    for report_id in report_ids:
        if not _is_pending(process_job_id(report_id)) and enqueue_report(report_id):
            enqueued += 1
    if enqueued:
        log.info("sweeper re-enqueued %d unprocessed reports", enqueued)
    return enqueued


def schedule_sweeper() -> None:
    """Keep one periodic sweep job scheduled (a fixed id, so many workers schedule it once)."""
    queue = get_queue()
    interval = current_app.config["SWEEP_INTERVAL_SECONDS"]
    queue.enqueue_in(
        timedelta(seconds=interval),
        SWEEP,
        job_id="sweep-unprocessed",
        job_timeout=300,
        result_ttl=0,
    )
