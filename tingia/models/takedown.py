"""Removal requests sent to platforms, on the 24-hour clock of Decree 147/2024."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tingia.database import utcnow
from tingia.extensions import db
from tingia.models.case import Case
from tingia.models.enums import SourcePlatform, TakedownChannel, TakedownStatus, enum_type
from tingia.models.province import Centre
from tingia.models.source import Source
from tingia.models.user import User


class TakedownRequest(db.Model):
    """A request to a platform to remove one URL of a case; due 24 hours after it was sent.

    `resolved_at` is when the platform's first answer was recorded (removed, refused or none by
    the deadline), `removed_at` when the content was gone, `restored_at` when it came back.
    `centre_id` is the centre that sent the request (its quarterly report counts it).
    """

    __tablename__ = "takedown_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    platform: Mapped[SourcePlatform] = mapped_column(enum_type(SourcePlatform, "takedown_platform"))
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id"), index=True, default=None
    )
    channel: Mapped[TakedownChannel] = mapped_column(
        enum_type(TakedownChannel, "takedown_channel", length=10)
    )
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[TakedownStatus] = mapped_column(
        enum_type(TakedownStatus, "takedown_status"), default=TakedownStatus.REQUESTED
    )
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    removed_at: Mapped[datetime | None] = mapped_column(default=None)
    restored_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    outcome_note: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship()
    centre: Mapped[Centre] = relationship()
    source: Mapped[Source | None] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    __table_args__ = (Index("ix_takedown_requests_open", "status", "due_at"),)

    @property
    def on_time(self) -> bool | None:
        """Removed by the deadline: True or False once answered, None while waiting."""
        if self.removed_at is not None:
            return self.removed_at <= self.due_at
        if self.status == TakedownStatus.REQUESTED:
            return None
        return False

    def is_overdue(self, now: datetime | None = None) -> bool:
        """Still waiting for the platform past the 24 hours."""
        return self.status == TakedownStatus.REQUESTED and (now or utcnow()) > self.due_at

    def __repr__(self) -> str:
        return f"<TakedownRequest {self.id} {self.status}>"
