"""The worker process: one app context for its whole life, an RQ worker that outlives Redis
outages, and a thread that schedules the periodic jobs and says the process is alive.

Periodic jobs are not stored in Redis ahead of time (a Redis restart without persistence would
lose them): every worker runs a small loop that, each tick, claims each due job with a Redis key
that expires after the job's interval (SET NX EX) and enqueues it. Whichever worker claims it
enqueues it; if Redis restarts, the keys are gone and the jobs run again at once. The same loop
refreshes the process's alive key, so a job whose worker was killed is redone within seconds
(outbox.release_abandoned_jobs), not after the job's timeout.

Jobs run in the worker process itself (RQ's SimpleWorker): forking a work horse per job cost
more than grouping a text report. Job timeouts are still enforced (SIGALRM in this process).
`WORKER_FORK = True` forks a work horse per job instead.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import SimpleWorker, Worker
from rq.exceptions import StopRequested
from rq.job import Job
from rq.scheduler import RQScheduler
from rq.timeouts import JobTimeoutException
from rq.utils import now, utcformat
from rq.worker import WorkerStatus
from sqlalchemy import text
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from tingia.extensions import db
from tingia.jobs import tasks
from tingia.jobs.outbox import process_job_id
from tingia.jobs.queue import WORKER_NAME_PREFIX, alive_key, enqueue, get_queue, get_redis
from tingia.matching.service import warm_up_photo_matching

log = logging.getLogger(__name__)

SCHEDULER_TICK_SECONDS = 5
MAX_REDIS_WAIT_SECONDS = 10
MAX_DATABASE_WAIT_SECONDS = 5
DATABASE_OUTAGES = (OperationalError, InterfaceError, DisconnectionError)
# This process's name; RQ worker objects are named after it plus a generation (a new RQ worker
# is built after each Redis outage, and RQ refuses to reuse a name whose record may survive).
PROCESS_NAME = f"{WORKER_NAME_PREFIX}{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class PeriodicJob:
    """A task enqueued every `interval_key` seconds (a config key) by whichever worker is first."""

    name: str
    task: Callable[[], Any]
    interval_key: str
    timeout: int = 300


PERIODIC_JOBS = (
    PeriodicJob("sweep", tasks.sweep, "SWEEP_INTERVAL_SECONDS"),
    PeriodicJob("privacy_purge", tasks.purge_contacts_job, "PRIVACY_PURGE_INTERVAL_SECONDS"),
    PeriodicJob("notifications", tasks.sweep_notifications, "SWEEP_INTERVAL_SECONDS"),
    PeriodicJob(
        "pending-uploads", tasks.purge_pending_uploads, "PENDING_UPLOAD_PURGE_INTERVAL_SECONDS"
    ),
    PeriodicJob("statistics", tasks.refresh_statistics, "STATISTICS_REFRESH_SECONDS"),
)


class FewerRoundTrips:
    """RQ refreshes the worker's Redis record several times per job (a heartbeat after every
    dequeue and job, each two commands, and an `idle` state write): 16 Redis round trips per job,
    measured, which on a busy machine cost more than grouping a text report. The heartbeat lasts
    minutes (`worker_ttl`), so it is sent at most every HEARTBEAT_EVERY_SECONDS (those RQ sends
    in a pipeline, extending it for a job's timeout, are kept), and the `idle` state is written
    with the next heartbeat: `rq info` may show a worker busy for a few seconds after its job."""

    HEARTBEAT_EVERY_SECONDS = 10

    def heartbeat(self, timeout=None, pipeline=None):
        recent = self.last_heartbeat is not None and (
            (now() - self.last_heartbeat).total_seconds() < self.HEARTBEAT_EVERY_SECONDS
        )
        if recent and timeout is None and pipeline is None:
            return
        if pipeline is None and self._state == WorkerStatus.IDLE:
            with self.connection.pipeline() as batch:
                super().heartbeat(timeout, pipeline=batch)
                batch.hset(self.key, "state", self._state)
                batch.execute()
            return
        super().heartbeat(timeout, pipeline)

    def set_state(self, state, pipeline=None):
        if state == WorkerStatus.IDLE and pipeline is None:
            self._state = state  # written with the next heartbeat
            return
        super().set_state(state, pipeline)


class TingiaWorker(FewerRoundTrips, SimpleWorker):
    """Runs each job in this process, with a fresh database session per job. After a job failed
    because the database was unreachable, it waits for the database before the next job instead
    of failing every queued job in turn."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.database_suspect = False
        self.push_exc_handler(self._note_outage)

    def _note_outage(self, job, exc_type, exc_value, traceback) -> bool:
        if isinstance(exc_value, DATABASE_OUTAGES):
            self.database_suspect = True
        return True  # go on with RQ's own handling (failure, retry)

    def execute_job(self, job, queue):
        if self.database_suspect:
            wait_for_database()
            self.database_suspect = False
        super().execute_job(job, queue)
        if job.func_name == PROCESS_REPORT and not self._stop_requested:
            self.work_batch(queue)

    def work_batch(self, queue) -> None:
        """Process, right after a report's job, up to JOB_BATCH_SIZE more queued report jobs at
        once, without RQ's bookkeeping per job (about 45 Redis commands each, measured).

        The jobs are claimed atomically (popped from the queue and marked started by this
        worker); each report is still processed in its own transaction, with the job timeout
        enforced; each job is then marked finished. A job that fails goes back to the queue as
        an ordinary job, with its retries. If this process dies, its alive key expires and the
        sweep enqueues the claimed jobs again (outbox.pending_job_ids).
        """
        size = int(current_app.config["JOB_BATCH_SIZE"])
        if size <= 1:
            return
        claimed = claim_report_jobs(queue, self.name, size)
        if not claimed:
            return
        self.set_state(WorkerStatus.BUSY)  # a SIGTERM now waits for the current report
        timeout = int(current_app.config["JOB_TIMEOUT"])
        done: list[str] = []
        try:
            while claimed and not self._stop_requested and not self.database_suspect:
                job_id = claimed.pop(0)
                if self._run_batched(job_id, timeout, queue):
                    done.append(job_id)
        finally:
            finish_jobs(done)
            requeue_jobs(queue, claimed)  # stopped or the database went away: not ours anymore
            self.set_state(WorkerStatus.IDLE)

    def _run_batched(self, job_id: str, timeout: int, queue) -> bool:
        """Process one claimed report job; False (and the job requeued) if it failed."""
        report_id = int(job_id.rpartition("-")[2])
        try:
            with self.death_penalty_class(timeout, JobTimeoutException, job_id=job_id):
                tasks.process_report(report_id, retried_later=True)
        except Exception as error:  # noqa: BLE001  (a failed report must not stop the batch)
            log.warning("batched job %s failed (%s); requeued", job_id, type(error).__name__)
            if isinstance(error, DATABASE_OUTAGES):
                self.database_suspect = True
            requeue_jobs(queue, [job_id])
            return False
        finally:
            db.session.remove()
        return True

    def perform_job(self, job, queue):
        try:
            return super().perform_job(job, queue)
        finally:
            db.session.remove()


class ForkingTingiaWorker(Worker):
    """A forking worker whose work horses never reuse the parent's database connections."""

    def main_work_horse(self, job, queue):  # runs in the forked child
        # Sockets inherited across fork() must not be shared with the parent; drop them unclosed.
        db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)


PROCESS_REPORT = f"{tasks.process_report.__module__}.{tasks.process_report.__qualname__}"

# Pop up to ARGV[1] ids from the head of the queue while they are report jobs (ARGV[2] prefix),
# marking each started by this worker; stops at the first other job (pushed back, order kept).
CLAIM_SCRIPT = """
local claimed = {}
for i = 1, tonumber(ARGV[1]) do
  local id = redis.call('LPOP', KEYS[1])
  if not id then break end
  if string.sub(id, 1, string.len(ARGV[2])) ~= ARGV[2] then
    redis.call('LPUSH', KEYS[1], id)
    break
  end
  local key = ARGV[5] .. id
  if redis.call('EXISTS', key) == 1 then
    redis.call('HSET', key, 'status', 'started', 'worker_name', ARGV[3], 'started_at', ARGV[4])
    table.insert(claimed, id)
  end
end
return claimed
"""


def claim_report_jobs(queue, worker_name: str, count: int) -> list[str]:
    """Atomically take up to `count` report jobs from the head of the queue for this worker."""
    script = queue.connection.register_script(CLAIM_SCRIPT)
    prefix = process_job_id(0).rpartition("-")[0] + "-"
    claimed = script(
        keys=[queue.key],
        args=[count, prefix, worker_name, utcformat(now()), Job.redis_job_namespace_prefix],
    )
    return [job_id.decode() for job_id in claimed]


def finish_jobs(job_ids: list[str], result_ttl: int = 3600) -> None:
    """Mark batched jobs finished (kept `result_ttl` seconds, like RQ's)."""
    if not job_ids:
        return
    ended = utcformat(now())
    with get_redis().pipeline(transaction=False) as pipeline:
        for job_id in job_ids:
            pipeline.hset(Job.key_for(job_id), mapping={"status": "finished", "ended_at": ended})
            pipeline.expire(Job.key_for(job_id), result_ttl)
        pipeline.execute()


def requeue_jobs(queue, job_ids: list[str]) -> None:
    """Put claimed jobs back in the queue as ordinary jobs (with their retries)."""
    for job in Job.fetch_many(job_ids, connection=queue.connection):
        if job is not None:
            queue.enqueue_job(job)


class RedisOutageFilter(logging.Filter):
    """Drop RQ's own reports of a lost Redis: it logs one per retry (every few seconds of an
    outage), and with a traceback; the worker logs each outage once itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], RedisError):
            return False
        message = str(record.msg)
        return "could not connect to Redis" not in message and "Redis connection timeout" not in (
            message
        )


class RedisOutage:
    """Whether this process currently finds Redis down, shared by its loops so that each outage
    is logged once (and its end once), whichever loop notices first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down = False

    def noticed(self, error: Exception) -> None:
        """Redis failed: log it if it was thought up."""
        with self._lock:
            if not self.down:
                log.warning("Redis unreachable (%s); waiting for it", error)
            self.down = True

    def over(self) -> None:
        """Redis answered: log it if it was thought down."""
        with self._lock:
            if self.down:
                log.info("Redis is reachable again")
            self.down = False


REDIS_OUTAGE = RedisOutage()


def enqueue_due_periodic_jobs(now: float | None = None) -> list[str]:
    """Enqueue each periodic job no worker has claimed in its interval; returns their names."""
    redis = get_redis()
    now = time.time() if now is None else now
    enqueued = []
    for job in PERIODIC_JOBS:
        interval = int(current_app.config[job.interval_key])
        if redis.set(f"tingia:periodic:{job.name}", int(now), nx=True, ex=interval):
            slot = int(now // interval)
            enqueue(job.task, job_id=f"periodic-{job.name}-{slot}", timeout=job.timeout)
            enqueued.append(job.name)
    return enqueued


def enqueue_due_retries(scheduler: RQScheduler) -> None:
    """Move due retries (RQ's scheduled jobs) to the queue, if this process holds RQ's scheduler
    lock (one process does it at a time; the lock lapses a minute after its holder dies).

    RQ's own scheduler is a process of its own that dies with a traceback when Redis goes away;
    done here, it shares this loop's handling of outages.
    """
    if scheduler.acquired_locks:
        scheduler.heartbeat()  # refreshes the lock, or notices it was lost (Redis restarted)
    if not scheduler.acquired_locks:
        scheduler.acquire_locks()
    if scheduler.acquired_locks:
        scheduler.enqueue_scheduled_jobs()


def keep_alive() -> None:
    """Refresh this process's alive key (a started job of a process without one is abandoned)."""
    ttl = int(current_app.config["WORKER_ALIVE_SECONDS"])
    get_redis().set(alive_key(PROCESS_NAME), 1, ex=ttl)


class PeriodicScheduler(threading.Thread):
    """The loop that keeps the process alive in Redis and enqueues periodic jobs, in a daemon
    thread of the worker's main process."""

    def __init__(self, app: Flask, tick: float | None = None, periodic: bool = True) -> None:
        super().__init__(name="tingia-periodic", daemon=True)
        self.app = app
        self.periodic = periodic
        self.tick = tick or min(SCHEDULER_TICK_SECONDS, app.config["WORKER_ALIVE_SECONDS"] / 3)
        self.stopped = threading.Event()

    def run(self) -> None:
        with self.app.app_context():
            retries = RQScheduler(
                [get_queue().name], connection=get_redis(), interval=max(1, int(self.tick))
            )
            while not self.stopped.is_set():
                try:
                    keep_alive()
                    if self.periodic:
                        enqueue_due_periodic_jobs()
                        enqueue_due_retries(retries)
                    REDIS_OUTAGE.over()
                except (RedisConnectionError, RedisTimeoutError) as error:
                    REDIS_OUTAGE.noticed(error)
                except Exception:  # noqa: BLE001  (the loop must outlive any one failure)
                    log.exception("periodic jobs: unexpected error")
                self.stopped.wait(self.tick)


def wait_for_database(max_wait: float = MAX_DATABASE_WAIT_SECONDS) -> None:
    """Block until the database answers on a new connection, with back-off, logging once."""
    delay, logged = 0.25, False
    # After a failure every pooled connection is suspect: one opened before a shutdown can still
    # answer while the server refuses new ones, which would end the wait too early.
    db.session.remove()
    db.engine.dispose()
    while True:
        try:
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
        except DATABASE_OUTAGES as error:
            db.session.rollback()
            if not logged:
                log.warning("database unreachable (%s); waiting for it", type(error).__name__)
                logged = True
            time.sleep(delay)
            delay = min(delay * 2, max_wait)
            continue
        if logged:
            log.info("database is reachable again")
        return


def wait_for_redis(stop: threading.Event, max_wait: float = MAX_REDIS_WAIT_SECONDS) -> bool:
    """Block until Redis answers (True) or a stop is requested (False), with back-off; the
    outage is logged once."""
    delay = 0.5
    while not stop.is_set():
        try:
            get_redis().ping()
        except RedisError as error:
            REDIS_OUTAGE.noticed(error)
            stop.wait(delay)
            delay = min(delay * 2, max_wait)
            continue
        REDIS_OUTAGE.over()
        return True
    return False


def _catch_stop_signals(stop: threading.Event) -> None:
    """Between RQ workers (RQ's handlers need Redis), SIGTERM and SIGINT just set `stop`."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())


def _sweep_at_start() -> None:
    """Enqueue anything accepted while Redis or the workers were down (an outage is logged: the
    periodic sweep catches up)."""
    try:
        tasks.sweep_unprocessed(older_than_seconds=0)
        tasks.sweep_unsent_notifications(older_than_seconds=0)
    except Exception as error:  # noqa: BLE001  (a database outage must not stop the worker)
        log.warning("sweep at start failed (%s); the periodic sweep will retry", error)
    finally:
        db.session.remove()


def freeze_startup_heap() -> None:
    """Keep what the process built at start out of the garbage collector's full passes."""
    # Modules, the app and SQLAlchemy's mappers live as long as the process, yet every full
    # collection walks them: in the matching benchmark's process at 1,000,000 reports (206,416
    # objects) one took 151.5 ms, during one query in 300. Frozen, they are never walked again.
    gc.collect()
    gc.freeze()


def run_worker(app: Flask, burst: bool = False) -> None:
    """Work the queue until stopped (or with `burst` until it is empty), outliving Redis outages."""
    stop = threading.Event()
    _catch_stop_signals(stop)
    outage_filter = RedisOutageFilter()
    for name in ("rq.worker", "rq.queue"):
        logging.getLogger(name).addFilter(outage_filter)
    worker_class = ForkingTingiaWorker if app.config["WORKER_FORK"] else TingiaWorker
    with app.app_context():
        if not wait_for_redis(stop):
            return
        _sweep_at_start()
        # A burst worker keeps itself alive too, but leaves periodic jobs to the others.
        scheduler = PeriodicScheduler(app, periodic=not burst)
        scheduler.start()
        warm_up_photo_matching()  # the first photo would wait seconds for numba to compile
        freeze_startup_heap()
        try:
            for generation in range(1, 1_000_000_000):
                worker = worker_class(
                    [get_queue()], connection=get_redis(), name=f"{PROCESS_NAME}.{generation}"
                )
                worker.max_connection_wait_time = MAX_REDIS_WAIT_SECONDS
                try:
                    worker.work(burst=burst, logging_level="INFO")
                except RedisError as error:
                    REDIS_OUTAGE.noticed(error)
                except StopRequested:
                    return
                _catch_stop_signals(stop)
                if burst or worker._shutdown_requested_date is not None or stop.is_set():
                    return
                if not wait_for_redis(stop):
                    return
        finally:
            scheduler.stopped.set()
