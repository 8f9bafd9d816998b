"""The Redis connection and the queue, and enqueueing a task function with its policy."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry

log = logging.getLogger(__name__)

# After Redis refused a job, this process does not try that Redis again for a moment: requests
# go on at full speed during an outage, and the sweep enqueues what was skipped. (Only an
# optimisation: the database, not this note, says what is left to do.)
REDIS_RETRY_AFTER_SECONDS = 5.0

# Worker processes announce they are alive with a short-lived key (worker.py); a started job whose
# worker's key has expired was abandoned (outbox.py). RQ's own expiry is the job timeout + 60 s.
WORKER_NAME_PREFIX = "tingia."
ALIVE_KEY = "tingia:worker-alive:{}"


def alive_key(process_name: str) -> str:
    """The Redis key a worker process keeps alive while it runs."""
    return ALIVE_KEY.format(process_name)


def process_name_of(worker_name: str) -> str | None:
    """The process a Tingia worker name belongs to (`tingia.host.pid.rand.N` -> without `.N`)."""
    if not worker_name.startswith(WORKER_NAME_PREFIX):
        return None  # a worker we did not start (an `rq worker`, a test's worker): not judged
    return worker_name.rpartition(".")[0]


def get_redis() -> Redis:
    """The app's Redis connection (one pool per process and URL)."""
    cache = current_app.extensions.setdefault("tingia_redis", {})
    url = current_app.config["REDIS_URL"]
    if url not in cache:
        cache[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return cache[url]


def get_queue() -> Queue:
    """The queue every task runs on (config RQ_QUEUE)."""
    return Queue(current_app.config["RQ_QUEUE"], connection=get_redis())


def retry_policy() -> Retry | None:
    """Retries with back-off (JOB_RETRIES, JOB_RETRY_INTERVALS); None when retries are off."""
    config = current_app.config
    if not config["JOB_RETRIES"]:
        return None
    return Retry(max=config["JOB_RETRIES"], interval=config["JOB_RETRY_INTERVALS"])


def enqueue(
    task: Callable[..., Any],
    *args: Any,
    job_id: str,
    timeout: int,
    retry: Retry | None = None,
    delay: timedelta | None = None,
) -> bool:
    """Queue `task(*args)` under a fixed job id; False (and logged) if Redis is unreachable.

    A job id that failed before starts afresh: the database, not Redis, says what is left to do.
    """
    down_until = current_app.extensions.setdefault("tingia_redis_down_until", {})
    url = current_app.config["REDIS_URL"]
    if time.monotonic() < down_until.get(url, 0.0):
        return False
    try:
        queue = get_queue()
        options: dict[str, Any] = {
            "job_id": job_id,
            "job_timeout": timeout,
            "retry": retry,
            "result_ttl": 3600,
            "failure_ttl": 7 * 24 * 3600,
        }
        # One transaction, one round trip (RQ starts it: the job first, then the registry).
        with queue.connection.pipeline() as pipeline:
            if delay is None:
                queue.enqueue(task, *args, pipeline=pipeline, **options)
            else:
                queue.enqueue_in(delay, task, *args, pipeline=pipeline, **options)
            queue.failed_job_registry.remove(job_id, pipeline=pipeline)
            pipeline.execute()
    except RedisError as error:
        down_until[url] = time.monotonic() + REDIS_RETRY_AFTER_SECONDS
        log.warning("job %s not enqueued (%s); the sweep will retry", job_id, error)
        return False
    return True
