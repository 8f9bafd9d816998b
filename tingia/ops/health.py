"""`GET /health`: database and Redis state, queue depth, the age of the oldest unprocessed report.

`ok` (200) when both answer; `degraded` (200) when only Redis is out (reports are still accepted:
the database is the outbox); `down` (503) when the database is out. Only counts and ages: never a
report's content or a reporter's details. Cheap: a handful of indexed queries and Redis commands,
each with a short timeout.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from tingia.database import utcnow
from tingia.extensions import db, limiter
from tingia.jobs.outbox import count_given_up
from tingia.jobs.queue import get_queue
from tingia.models import Report

bp = Blueprint("health", __name__)

# Counting a huge backlog row by row would make the check expensive: past this, "at least".
COUNT_CAP = 100_000
REDIS_TIMEOUT_SECONDS = 1.0


def _health_redis() -> Redis:
    """A Redis client with short timeouts, so a hung Redis cannot hang the check."""
    cache = current_app.extensions.setdefault("tingia_health_redis", {})
    url = current_app.config["REDIS_URL"]
    if url not in cache:
        cache[url] = Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
        )
    return cache[url]


def database_state() -> dict[str, Any]:
    """Whether the database answers; unprocessed reports, the oldest one's age, given-up ones."""
    try:
        unprocessed = db.session.scalar(
            select(func.count()).select_from(
                select(Report.id).where(Report.processed_at.is_(None)).limit(COUNT_CAP).subquery()
            )
        )
        oldest = db.session.scalar(
            select(func.min(Report.created_at)).where(Report.processed_at.is_(None))
        )
        given_up = count_given_up()
    except SQLAlchemyError as error:
        db.session.rollback()
        return {"ok": False, "error": type(error).__name__}
    finally:
        db.session.rollback()  # nothing is written; end the read transaction
    age = round((utcnow() - oldest).total_seconds(), 1) if oldest is not None else None
    return {
        "ok": True,
        "unprocessed_reports": unprocessed,
        "unprocessed_reports_capped": unprocessed >= COUNT_CAP,
        "oldest_unprocessed_age_seconds": age,
        "given_up_reports": given_up,
    }


def redis_state() -> dict[str, Any]:
    """Whether Redis answers, and the queue's depth: queued, running and scheduled (retry) jobs."""
    redis = _health_redis()
    queue = get_queue()
    try:
        with redis.pipeline(transaction=False) as pipeline:
            pipeline.ping()
            pipeline.llen(queue.key)
            pipeline.zcard(queue.started_job_registry.key)
            pipeline.zcard(queue.scheduled_job_registry.key)
            _, queued, running, scheduled = pipeline.execute()
    except RedisError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "queued_jobs": queued, "running_jobs": running, "scheduled_jobs": scheduled}


def health_report() -> tuple[dict[str, Any], int]:
    """The health document and its HTTP status."""
    database, redis = database_state(), redis_state()
    if not database["ok"]:
        status, code = "down", 503
    elif not redis["ok"]:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return {"status": status, "database": database, "redis": redis}, code


@bp.get("/health")
@limiter.exempt
def health():
    """Service health for monitors and load balancers (JSON; 503 when the database is down)."""
    document, code = health_report()
    response = jsonify(document)
    response.headers["Cache-Control"] = "no-store"
    return response, code
