"""The worker process: one app context for its whole life, an RQ worker that outlives Redis
outages, and the periodic jobs, scheduled from the worker process itself.

Periodic jobs are not stored in Redis ahead of time (a Redis restart without persistence would
lose them): every worker runs a small loop that, each tick, claims each due job with a Redis key
that expires after the job's interval (SET NX EX) and enqueues it. Whichever worker claims it
enqueues it; if Redis restarts, the keys are gone and the jobs run again at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Worker

from tingia.extensions import db
from tingia.jobs import tasks
from tingia.jobs.queue import enqueue, get_queue, get_redis

log = logging.getLogger(__name__)

SCHEDULER_TICK_SECONDS = 5
MAX_REDIS_WAIT_SECONDS = 30


@dataclass(frozen=True)
class PeriodicJob:
    """A task enqueued every `interval_key` seconds (a config key) by whichever worker is first."""

    name: str
    task: Callable[[], Any]
    interval_key: str
    timeout: int = 300


PERIODIC_JOBS = (PeriodicJob("sweep", tasks.sweep, "SWEEP_INTERVAL_SECONDS"),)


class TingiaWorker(Worker):
    """A forking worker whose work horses never reuse the parent's database connections."""

    def main_work_horse(self, job, queue):  # runs in the forked child
        # Sockets inherited across fork() must not be shared with the parent; drop them unclosed.
        db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)


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


class PeriodicScheduler(threading.Thread):
    """The loop that enqueues periodic jobs, in a daemon thread of the worker's main process."""

    def __init__(self, app: Flask, tick: float = SCHEDULER_TICK_SECONDS) -> None:
        super().__init__(name="tingia-periodic", daemon=True)
        self.app = app
        self.tick = tick
        self.stopped = threading.Event()

    def run(self) -> None:
        redis_down = False
        with self.app.app_context():
            while not self.stopped.is_set():
                try:
                    enqueue_due_periodic_jobs()
                    if redis_down:
                        log.info("periodic jobs: Redis is back")
                    redis_down = False
                except RedisError as error:
                    if not redis_down:  # log once per outage
                        log.warning("periodic jobs: Redis unreachable (%s); retrying", error)
                    redis_down = True
                except Exception:  # noqa: BLE001  (the loop must outlive any one failure)
                    log.exception("periodic jobs: unexpected error")
                self.stopped.wait(self.tick)


def wait_for_redis(
    should_stop: Callable[[], bool] = lambda: False, max_wait: float = MAX_REDIS_WAIT_SECONDS
) -> bool:
    """Block until Redis answers (True) or a stop is requested (False), with back-off, logging
    once."""
    delay, logged = 0.5, False
    while not should_stop():
        try:
            get_redis().ping()
        except RedisError as error:
            if not logged:
                log.warning("Redis unreachable (%s); waiting for it", error)
                logged = True
            time.sleep(delay)
            delay = min(delay * 2, max_wait)
            continue
        if logged:
            log.info("Redis is reachable again")
        return True
    return False


def run_worker(app: Flask, burst: bool = False) -> None:
    """Work the queue until stopped (or with `burst` until it is empty), outliving Redis outages."""
    with app.app_context():
        wait_for_redis()
        # Anything accepted while Redis or the workers were down is picked up now.
        tasks.sweep_unprocessed(older_than_seconds=0)
        db.session.remove()
        scheduler = None
        if not burst:
            scheduler = PeriodicScheduler(app)
            scheduler.start()
        try:
            while True:
                worker = TingiaWorker([get_queue()], connection=get_redis())
                try:
                    worker.work(burst=burst, with_scheduler=not burst, logging_level="INFO")
                except (RedisConnectionError, RedisTimeoutError) as error:
                    log.warning("worker lost Redis (%s)", error)
                if burst or worker._stop_requested:
                    return
                # A signal while waiting reaches the last worker's handlers: stop then.
                if not wait_for_redis(should_stop=lambda w=worker: w._stop_requested):
                    return
        finally:
            if scheduler is not None:
                scheduler.stopped.set()
