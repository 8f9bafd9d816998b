"""Writing the audit log, and keeping it append-only.

Case history entries, sign-in audit entries (tingia/auth/events.py), account and API token
changes are logged by mapper events, whoever makes them; contact views and privacy actions by
explicit calls (`record`, `record_contact_view`).

Entries are added to the session like any change and committed with it: an action that is
rolled back leaves no entry, an action that is committed always has one.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_request_context, request
from sqlalchemy import event, insert, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, object_session

from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import ApiToken, AuditAction, AuditEntry, AuthEvent, CaseEvent, Report, User

# The log copies who, what and when of the entries it references, so it stays true even if a
# referenced row is corrected later; only the log itself is append-only.
APPEND_ONLY = (AuditEntry,)
# A change of these is an ACCOUNT_CHANGED entry (the values of email and name are not copied).
ACCOUNT_FIELDS = ("email", "name", "role", "centre_id", "active")


class AppendOnlyError(RuntimeError):
    """The audit log is never changed or deleted through the app."""


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


def _request_actor_id() -> int | None:
    """The signed-in user (session or API token) of the current request, if any.

    Read without loading anything (this runs inside a flush): the user the request already
    loaded, or None.
    """
    if not has_request_context():
        return None
    user = g.get("api_user") or g.get("_login_user")
    return getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None


def _insert(connection: Connection, **values: Any) -> None:
    values.setdefault("created_at", utcnow())
    values.setdefault("ip_address", request_address())
    values.setdefault("detail", {})
    connection.execute(insert(AuditEntry).values(**values))


# Audit entries of the case history entries a flush inserts, written in one statement at the
# end of that flush (grouping a report adds two or three history entries).
_PENDING_CASE_EVENTS = "tingia.audit.case_events"


def _reference_case_event(mapper: Mapper, connection: Connection, target: CaseEvent) -> None:
    """Every case history entry gets its audit log entry, in the same transaction (written by
    `_write_case_event_entries` at the end of the flush)."""
    session = object_session(target)
    entry = {
        "created_at": target.created_at or utcnow(),
        "ip_address": request_address(),
        "actor_id": target.actor_id,
        "action": AuditAction.CASE_EVENT,
        "case_id": target.case_id,
        "case_event_id": target.id,
        "detail": {"case_action": target.action},
    }
    if session is None:  # inserted outside a session's flush: write it now
        connection.execute(insert(AuditEntry), [entry])
        return
    session.info.setdefault(_PENDING_CASE_EVENTS, []).append(entry)


def _forget_case_event_entries(session: Session, *args: Any) -> None:
    """A new flush starts: whatever a failed one left is not to be written."""
    session.info.pop(_PENDING_CASE_EVENTS, None)


def _write_case_event_entries(session: Session, flush_context: Any) -> None:
    """The flush inserted its history entries: write their audit entries (one statement)."""
    entries = session.info.pop(_PENDING_CASE_EVENTS, None)
    if entries:
        session.connection().execute(insert(AuditEntry), entries)


def _reference_auth_event(mapper: Mapper, connection: Connection, target: AuthEvent) -> None:
    """Every sign-in audit entry (tingia/auth/events.py) gets its audit log entry."""
    _insert(
        connection,
        created_at=target.created_at or utcnow(),
        actor_id=target.actor_id or target.user_id,
        action=AuditAction.AUTH_EVENT,
        ip_address=target.ip or None,
        subject_user_id=target.user_id,
        auth_event_id=target.id,
        detail={"auth_action": target.action},
    )


def _account_created(mapper: Mapper, connection: Connection, target: User) -> None:
    _insert(
        connection,
        actor_id=_request_actor_id(),
        action=AuditAction.ACCOUNT_CREATED,
        subject_user_id=target.id,
        detail={"role": target.role, "centre_id": target.centre_id},
    )


def _account_changed(mapper: Mapper, connection: Connection, target: User) -> None:
    """A change of who someone is or may do (sign-in and two-factor state: auth_events)."""
    state = inspect(target)
    changed = [name for name in ACCOUNT_FIELDS if state.attrs[name].history.has_changes()]
    if changed:
        _insert(
            connection,
            actor_id=_request_actor_id(),
            action=AuditAction.ACCOUNT_CHANGED,
            subject_user_id=target.id,
            detail={
                "changed": changed,
                "role": target.role,
                "centre_id": target.centre_id,
                "active": target.active,
            },
        )


def _token_created(mapper: Mapper, connection: Connection, target: ApiToken) -> None:
    _insert(
        connection,
        actor_id=_request_actor_id() or target.user_id,
        action=AuditAction.TOKEN_CREATED,
        subject_user_id=target.user_id,
        detail={"token_id": target.id, "prefix": target.prefix},
    )


def _token_revoked(mapper: Mapper, connection: Connection, target: ApiToken) -> None:
    if inspect(target).attrs.revoked_at.history.has_changes() and target.revoked_at is not None:
        _insert(
            connection,
            actor_id=_request_actor_id(),
            action=AuditAction.TOKEN_REVOKED,
            subject_user_id=target.user_id,
            detail={"token_id": target.id, "prefix": target.prefix},
        )


def _refuse_change(mapper: Mapper, connection: Connection, target: Any) -> None:
    raise AppendOnlyError(f"{mapper.class_.__name__} rows are never changed or deleted")


def _refuse_bulk_change(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
        mapper.class_ in APPEND_ONLY for mapper in state.all_mappers
    ):
        raise AppendOnlyError("the audit log is append-only")


# Mapper events that write the log, by model and event.
LISTENERS = (
    (CaseEvent, "after_insert", _reference_case_event),
    (AuthEvent, "after_insert", _reference_auth_event),
    (User, "after_insert", _account_created),
    (User, "after_update", _account_changed),
    (ApiToken, "after_insert", _token_created),
    (ApiToken, "after_update", _token_revoked),
)


def init_app(app: Flask) -> None:
    """Write the log on every change it covers; refuse ORM updates and deletes of the log.

    On PostgreSQL a trigger refuses UPDATE and DELETE as well (migration c8d2e4f6a1b3).
    """
    if event.contains(CaseEvent, "after_insert", _reference_case_event):
        return
    for model, name, listener in LISTENERS:
        event.listen(model, name, listener)
    for model in APPEND_ONLY:
        event.listen(model, "before_update", _refuse_change)
        event.listen(model, "before_delete", _refuse_change)
    event.listen(Session, "do_orm_execute", _refuse_bulk_change)
    event.listen(Session, "before_flush", _forget_case_event_entries)
    event.listen(Session, "after_flush", _write_case_event_entries)
