"""Searching the audit log: by user, case, action and date, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from tingia.extensions import db
from tingia.models import (
    AuditAction,
    AuditEntry,
    AuthAction,
    AuthEvent,
    CaseAction,
    CaseEvent,
    User,
)

# An action filter is an AuditAction, a case history action as "case_event:<action>" or a
# sign-in audit action as "auth_event:<action>".
CASE_EVENT_PREFIX = f"{AuditAction.CASE_EVENT}:"
AUTH_EVENT_PREFIX = f"{AuditAction.AUTH_EVENT}:"


@dataclass(frozen=True)
class AuditFilter:
    """What an admin looks for; None means any."""

    user_id: int | None = None
    case_id: int | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive


def user_id_for_email(email: str) -> int | None:
    """The id of the staff account with this email (any case), or None."""
    return db.session.scalar(select(User.id).where(func.lower(User.email) == email.lower()))


def action_filters() -> list[str]:
    """Every value the action filter accepts: audit actions, case history actions, sign-in
    audit actions."""
    return (
        [str(action) for action in AuditAction]
        + [f"{CASE_EVENT_PREFIX}{action}" for action in CaseAction]
        + [f"{AUTH_EVENT_PREFIX}{action}" for action in AuthAction]
    )


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def audit_query(wanted: AuditFilter, zone: ZoneInfo) -> Select[tuple[AuditEntry]]:
    """The entries matching the filter, newest first (days are read in the `zone` given)."""
    query = select(AuditEntry).options(
        selectinload(AuditEntry.actor),
        selectinload(AuditEntry.subject_user),
        selectinload(AuditEntry.case_event),
        selectinload(AuditEntry.auth_event),
    )
    if wanted.user_id is not None:
        query = query.where(AuditEntry.actor_id == wanted.user_id)
    if wanted.case_id is not None:
        query = query.where(AuditEntry.case_id == wanted.case_id)
    if wanted.action:
        if wanted.action.startswith(CASE_EVENT_PREFIX):
            case_action = wanted.action.removeprefix(CASE_EVENT_PREFIX)
            query = query.join(CaseEvent, AuditEntry.case_event_id == CaseEvent.id).where(
                CaseEvent.action == case_action
            )
        elif wanted.action.startswith(AUTH_EVENT_PREFIX):
            auth_action = AuthAction(wanted.action.removeprefix(AUTH_EVENT_PREFIX))
            query = query.join(AuthEvent, AuditEntry.auth_event_id == AuthEvent.id).where(
                AuthEvent.action == auth_action
            )
        else:
            query = query.where(AuditEntry.action == AuditAction(wanted.action))
    if wanted.since is not None:
        query = query.where(AuditEntry.created_at >= _day_start(wanted.since, zone))
    if wanted.until is not None:
        query = query.where(AuditEntry.created_at < _day_start(wanted.until + timedelta(1), zone))
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
