"""Images a citizen chose on a report form that came back with errors, kept until they send it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from tingia.database import utcnow
from tingia.extensions import db


class PendingUpload(db.Model):
    """An image that passed the checks on a form that did not (a missing field, say): the form
    carries its token, so the citizen does not choose it again. Used once by the report it is
    sent with, or purged after PENDING_UPLOAD_HOURS. Not a report yet: no staff ever sees it."""

    __tablename__ = "pending_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int]
    height: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_pending_uploads_created_at", "created_at"),)

    @property
    def size_bytes(self) -> int:
        """The image's size."""
        return len(self.data)
