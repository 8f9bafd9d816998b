"""The outbox's relay: committing a row that asks for work enqueues that work.

Features never import this package: they add rows (a new report...) and their caller commits.
After the commit, each new row of a model in `tasks.ENQUEUE_ON_INSERT` has its job enqueued. If
Redis is down then, nothing is lost: the row is in the database and the periodic sweep enqueues
it later.
"""

from __future__ import annotations

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from tingia.extensions import db
from tingia.jobs.tasks import ENQUEUE_ON_INSERT

_PENDING = "tingia.jobs.pending"


def _collect(session: Session, flush_context: object) -> None:
    """After a flush: note the new rows that ask for a job (their ids are known now)."""
    for instance in session.new:
        enqueue = ENQUEUE_ON_INSERT.get(type(instance))
        if enqueue is not None:
            session.info.setdefault(_PENDING, []).append((enqueue, instance.id))


def _relay(session: Session) -> None:
    """After the commit: enqueue the noted jobs (a failure is logged; the sweep catches up)."""
    pending = session.info.pop(_PENDING, [])
    if not pending or not has_app_context() or not current_app.config["JOBS_ENQUEUE_ON_COMMIT"]:
        return
    for enqueue, row_id in pending:
        enqueue(row_id)


def _forget(session: Session, previous_transaction: object = None) -> None:
    """After a rollback: the rows were never committed, so no job."""
    session.info.pop(_PENDING, None)


def init_app(app: Flask) -> None:
    """Relay the outbox on every commit of the app's sessions (listeners are added once)."""
    if not event.contains(db.session, "after_commit", _relay):
        event.listen(db.session, "after_flush", _collect)
        event.listen(db.session, "after_commit", _relay)
        event.listen(db.session, "after_rollback", _forget)
