"""The history of every case (who did what, when) and the audit log (every change and every
view of a reporter's contact details, with the address it came from; append-only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tingia.database import utcnow
from tingia.extensions import db
from tingia.models.enums import AuditAction, enum_type
from tingia.models.signin import AuthEvent
from tingia.models.user import User


class CaseEvent(db.Model):
    """One recorded action on a case; `actor` is None for the system (the worker)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()


class AuditEntry(db.Model):
    """One entry of the audit log: who (None: the system, or a citizen), what, when, from where.

    Never holds a reporter's contact details, only which report's were concerned. A case's
    history entry and a sign-in audit entry are referenced (`case_event_id`, `auth_event_id`):
    who, what and when are copied, the details stay in case_events and auth_events.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    action: Mapped[AuditAction] = mapped_column(enum_type(AuditAction, "audit_action"))
    ip_address: Mapped[str | None] = mapped_column(String(45), default=None)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True, default=None)
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id"), index=True, default=None
    )
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    case_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_events.id"), unique=True, default=None
    )
    auth_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("auth_events.id"), unique=True, default=None
    )
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject_user: Mapped[User | None] = relationship(foreign_keys=[subject_user_id])
    case_event: Mapped[CaseEvent | None] = relationship()
    auth_event: Mapped[AuthEvent | None] = relationship()

    __table_args__ = (
        Index("ix_audit_log_actor", "actor_id", "created_at"),
        Index("ix_audit_log_action", "action", "created_at"),
    )
