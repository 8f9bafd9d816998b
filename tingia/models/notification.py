"""The mail outbox: one row per message a reporter is owed about the answer to their report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tingia.database import utcnow
from tingia.extensions import db
from tingia.models.enums import NotificationKind, NotificationStatus, enum_type
from tingia.models.report import Report
from tingia.models.verdict import Verdict


class Notification(db.Model):
    """An email owed to the reporter of `report` about `verdict` (published, corrected,
    withdrawn). Added in the publication's transaction; committing it enqueues its sending
    (tingia/jobs/dispatch.py), and the sweep re-enqueues it until it is sent. The address is
    read from the report when sending, never copied here."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    verdict_id: Mapped[int] = mapped_column(ForeignKey("verdicts.id"), index=True)
    kind: Mapped[NotificationKind] = mapped_column(
        enum_type(NotificationKind, "notification_kind", length=10)
    )
    status: Mapped[NotificationStatus] = mapped_column(
        enum_type(NotificationStatus, "notification_status", length=10),
        default=NotificationStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)

    report: Mapped[Report] = relationship()
    verdict: Mapped[Verdict] = relationship()

    __table_args__ = (Index("ix_notifications_unsent", "status", "created_at"),)

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} {self.status}>"
