"""What the worker knows about processing each report: attempts, the last error, giving up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tingia.extensions import db
from tingia.models.report import Report


class ReportJob(db.Model):
    """A report whose processing failed: attempts so far (counted in Redis when a worker starts
    one, jobs/outbox.py), the last error, and whether it was given up on. A report given up on is
    left alone by the sweep and listed for admins, who can requeue it.

    `last_error` holds the exception's type and first line only: never its arguments, which can
    carry a reporter's data.
    """

    __tablename__ = "report_jobs"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(300), default=None)
    failed_at: Mapped[datetime | None] = mapped_column(default=None)
    gave_up_at: Mapped[datetime | None] = mapped_column(default=None, index=True)

    report: Mapped[Report] = relationship(lazy="joined")
