"""The database is the outbox: a report is committed before it is enqueued, so if Redis is down
at that moment, or a worker dies mid-job, the report stays unprocessed in the database and the
sweep finds it and enqueues it again. Jobs are idempotent, so a report enqueued twice is
processed once.

Each attempt is counted when a worker starts it; failures are noted in `report_jobs`. A report that
failed for good (its retries spent on an error that is not an outage) or was started too many
times is given up on: the sweep skips it and admins see it, and can requeue it.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from rq.job import Job, JobStatus
from sqlalchemy import Select, exists, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

from tingia.database import utcnow
from tingia.extensions import db
from tingia.jobs.queue import alive_key, get_queue, get_redis, process_name_of
from tingia.models import Report, ReportJob

log = logging.getLogger(__name__)

PENDING_STATUSES = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
SWEEP_BATCH = 10_000
# Errors of the infrastructure, not of the report: retried by the sweep, never a reason to give up.
OUTAGES = (OperationalError, InterfaceError, DisconnectionError, RedisError)


def process_job_id(report_id: int) -> str:
    """A stable job id per report, so the sweep can tell a queued report from a lost one."""
    return f"process_report-{report_id}"


def pending_job_ids(job_ids: list[str]) -> set[str]:
    """The ids among these of jobs queued, running or scheduled in Redis (two round trips).

    A job marked started by a Tingia worker process whose alive key has expired is not pending:
    that worker was killed (a job it had taken in a batch is in no RQ registry).
    """
    redis = get_redis()
    with redis.pipeline(transaction=False) as pipeline:
        for job_id in job_ids:
            pipeline.hmget(Job.key_for(job_id), "status", "worker_name")
        rows = pipeline.execute()
    pending_statuses = {str(status.value) for status in PENDING_STATUSES}
    pending, started_by = set(), {}
    for job_id, (status, worker_name) in zip(job_ids, rows, strict=True):
        if status is None or status.decode() not in pending_statuses:
            continue
        process = process_name_of(worker_name.decode()) if worker_name else None
        if status.decode() == JobStatus.STARTED and process is not None:
            started_by[job_id] = process
        else:
            pending.add(job_id)
    processes = sorted(set(started_by.values()))
    if processes:
        with redis.pipeline(transaction=False) as pipeline:
            for process in processes:
                pipeline.exists(alive_key(process))
            alive = {p for p, up in zip(processes, pipeline.execute(), strict=True) if up}
        pending.update(job_id for job_id, process in started_by.items() if process in alive)
    return pending


def is_pending(job_id: str) -> bool:
    """True while the job is queued, running or scheduled in Redis."""
    try:
        return bool(pending_job_ids([job_id]))
    except RedisError:
        return False


def release_abandoned_jobs() -> None:
    """Mark as failed the started jobs whose worker is gone, so they are redone.

    A Tingia worker process keeps a key alive every few seconds; a job it started whose key has
    expired is abandoned (the worker was killed). RQ's own cleanup then handles it as it does jobs
    whose registry entry expired: failed, or retried if it has retries left.
    """
    try:
        registry = get_queue().started_job_registry
        redis = get_redis()
        for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
            worker_name = redis.hget(Job.key_for(job_id), "worker_name")
            process = process_name_of(worker_name.decode()) if worker_name else None
            if process is not None and not redis.exists(alive_key(process)):
                # Expire its entry now instead of after the job's timeout.
                redis.zadd(registry.key, {f"{job_id}:{execution_id}": 1}, xx=True)
                log.warning("job %s was abandoned by worker %s", job_id, worker_name.decode())
        registry.cleanup()
        release_stranded_dequeues()
    except RedisError as error:
        log.warning("could not clean up abandoned jobs: %s", error)


def release_stranded_dequeues() -> None:
    """Requeue jobs a worker took from the queue but never started (killed in between).

    RQ moves a job to an intermediate list as it dequeues it, still `queued`, then marks it
    started; a worker killed in between leaves it there, where RQ looks only every ten minutes.
    One seen there for longer than a worker's alive key lasts goes back to the queue.
    """
    queue = get_queue()
    intermediate = queue.intermediate_queue
    started = set(queue.started_job_registry.get_job_ids(cleanup=False))
    patience = int(current_app.config["WORKER_ALIVE_SECONDS"])
    for job_id in intermediate.get_job_ids():
        if job_id in started:
            continue
        intermediate.set_first_seen(job_id)
        first_seen = intermediate.get_first_seen(job_id)
        if first_seen is None or (utcnow() - first_seen).total_seconds() < patience:
            continue
        intermediate.remove(job_id)
        job = queue.fetch_job(job_id)
        if job is not None:
            queue.enqueue_job(job)
            log.warning("job %s was taken by a worker that died before starting it", job_id)


def given_up() -> exists:
    """`EXISTS` clause: the report was given up on."""
    return (
        select(ReportJob.report_id)
        .where(ReportJob.report_id == Report.id, ReportJob.gave_up_at.is_not(None))
        .exists()
    )


def unprocessed_report_ids(older_than_seconds: int) -> list[int]:
    """Reports accepted at least this long ago, still not grouped and not given up, oldest first."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return list(
        db.session.scalars(
            select(Report.id)
            .where(Report.processed_at.is_(None), Report.created_at <= cutoff, ~given_up())
            .order_by(Report.id)
            .limit(SWEEP_BATCH)
        )
    )


ATTEMPTS_KEY = "tingia:attempts:{}"
ATTEMPTS_TTL_SECONDS = 7 * 24 * 3600


def attempts_of(report_id: int) -> int:
    """How many times a worker started processing this report (since Redis last started)."""
    return int(get_redis().get(ATTEMPTS_KEY.format(report_id)) or 0)


def _upsert_job(report_id: int, values: dict) -> None:
    """Insert or update the report's `report_jobs` row (SQLite and PostgreSQL)."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(ReportJob).values(report_id=report_id, **values)
    db.session.execute(
        statement.on_conflict_do_update(index_elements=[ReportJob.report_id], set_=values)
    )


def begin_attempt(report_id: int) -> bool:
    """Count an attempt at processing the report; False past JOB_MAX_ATTEMPTS, when the report
    is given up on instead (committed).

    The count is a Redis counter, bumped before the work starts, so an attempt whose worker was
    killed counts too: a report that crashes its worker every time stops. (It costs one Redis
    round trip per job instead of a database transaction; a Redis restart resets the counts.)
    """
    key = ATTEMPTS_KEY.format(report_id)
    try:
        with get_redis().pipeline() as pipeline:
            pipeline.incr(key)
            pipeline.expire(key, ATTEMPTS_TTL_SECONDS)
            attempts, _ = pipeline.execute()
    except RedisError as error:
        log.warning("report %s: attempt not counted (%s)", report_id, error)
        return True
    if attempts <= current_app.config["JOB_MAX_ATTEMPTS"]:
        return True
    now = utcnow()
    _upsert_job(report_id, {"attempts": attempts - 1, "gave_up_at": now, "failed_at": now})
    db.session.commit()
    log.error("report %s: given up after %d attempts", report_id, attempts - 1)
    return False


def describe_error(error: BaseException) -> str:
    """The exception's type and the first line of its message (SQL parameters never included)."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        error = error.orig
    first_line = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {first_line}"[:300]


def record_failure(report_id: int, error: BaseException, last_try: bool) -> None:
    """Note a failed attempt (committed); on the last try of an error that is not an outage, give
    up. A database that cannot be written is logged: the sweep tries again later."""
    now = utcnow()
    values: dict = {"last_error": describe_error(error), "failed_at": now}
    if last_try and not isinstance(error, OUTAGES):
        values["gave_up_at"] = now
    with contextlib.suppress(RedisError):
        values["attempts"] = attempts_of(report_id)
    try:
        _upsert_job(report_id, values)
        db.session.commit()
    except DBAPIError as db_error:
        db.session.rollback()
        log.warning("report %s: failure not recorded (%s)", report_id, describe_error(db_error))
        return
    if "gave_up_at" in values:
        log.error("report %s: given up (%s)", report_id, values["last_error"])


def given_up_query() -> Select:
    """Reports given up on and still unprocessed (their job rows), most recent first."""
    return (
        select(ReportJob)
        .join(Report, Report.id == ReportJob.report_id)
        .where(ReportJob.gave_up_at.is_not(None), Report.processed_at.is_(None))
        .order_by(ReportJob.gave_up_at.desc(), ReportJob.report_id.desc())
    )


def count_given_up() -> int:
    """How many unprocessed reports were given up on."""
    return db.session.scalar(
        select(func.count())
        .select_from(ReportJob)
        .join(Report, Report.id == ReportJob.report_id)
        .where(ReportJob.gave_up_at.is_not(None), Report.processed_at.is_(None))
    )


def reset_attempts(report_id: int) -> bool:
    """Clear a given-up report's attempts so it can be enqueued again; False if it was not given
    up on (or is processed). Flushes; the caller commits, then enqueues."""
    job = db.session.get(ReportJob, report_id)
    report = db.session.get(Report, report_id)
    if job is None or job.gave_up_at is None or report is None or report.processed_at is not None:
        return False
    job.attempts = 0
    job.gave_up_at = None
    db.session.flush()
    try:
        get_redis().delete(ATTEMPTS_KEY.format(report_id))
    except RedisError as error:
        log.warning("report %s: attempt count not reset (%s)", report_id, error)
    return True
