"""Writing the audit log, and keeping it (and the case history) append-only.

Entries are added to the session like any change and committed with it: an action that is
rolled back leaves no entry, an action that is committed always has one.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import event, insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, ORMExecuteState, Session

from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import AuditAction, AuditEntry, CaseEvent, Report, User

APPEND_ONLY = (AuditEntry, CaseEvent)


class AppendOnlyError(RuntimeError):
    """The audit log and the case history are never changed or deleted through the app."""


def request_address() -> str | None:
    """The address the current request came from (None outside a request)."""
    return request.remote_addr if has_request_context() else None


_FROM_REQUEST: Any = object()


def record(
    action: AuditAction,
    actor: User | None = None,
    *,
    case_id: int | None = None,
    report_id: int | None = None,
    subject_user: User | None = None,
    ip: str | None = _FROM_REQUEST,
    **detail: Any,
) -> AuditEntry:
    """Add an entry to the audit log (flushed with the caller's changes, committed with them).

    `actor` None means the system (a job, a command) or a citizen; `ip` defaults to the current
    request's address. `detail` must hold no personal data of reporters (ids, codes, counts).
    """
    entry = AuditEntry(
        action=action,
        actor_id=actor.id if actor is not None else None,
        ip_address=request_address() if ip is _FROM_REQUEST else ip,
        case_id=case_id,
        report_id=report_id,
        subject_user_id=subject_user.id if subject_user is not None else None,
        detail=detail,
    )
    db.session.add(entry)
    return entry


def record_contact_view(user: User, report: Report, ip: str | None) -> AuditEntry:
    """Record that `user` was shown the contact details of `report`'s reporter, from `ip`."""
    return record(
        AuditAction.CONTACT_VIEWED,
        user,
        case_id=report.case_id,
        report_id=report.id,
        ip=ip,
        tracking_code=report.tracking_code,
    )


def _reference_case_event(mapper: Mapper, connection: Connection, target: CaseEvent) -> None:
    """Every case history entry gets its audit log entry, in the same transaction."""
    connection.execute(
        insert(AuditEntry).values(
            created_at=target.created_at or utcnow(),
            actor_id=target.actor_id,
            action=AuditAction.CASE_EVENT,
            ip_address=request_address(),
            case_id=target.case_id,
            case_event_id=target.id,
            detail={"case_action": target.action},
        )
    )


def _refuse_change(mapper: Mapper, connection: Connection, target: Any) -> None:
    raise AppendOnlyError(f"{mapper.class_.__name__} rows are never changed or deleted")


def _refuse_bulk_change(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
        mapper.class_ in APPEND_ONLY for mapper in state.all_mappers
    ):
        raise AppendOnlyError("the audit log and the case history are append-only")


def init_app(app: Flask) -> None:
    """Reference case history entries from the log; refuse ORM updates and deletes of both.

    On PostgreSQL a trigger refuses UPDATE and DELETE as well (migration c8d2e4f6a1b3).
    """
    if event.contains(CaseEvent, "after_insert", _reference_case_event):
        return
    event.listen(CaseEvent, "after_insert", _reference_case_event)
    for model in APPEND_ONLY:
        event.listen(model, "before_update", _refuse_change)
        event.listen(model, "before_delete", _refuse_change)
    event.listen(Session, "do_orm_execute", _refuse_bulk_change)
