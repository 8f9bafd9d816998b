"""What a centre publishes about a case: a verdict on a claim, or a fraud warning."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tingia.database import utcnow
from tingia.extensions import db
from tingia.models.case import Case
from tingia.models.enums import (
    PublicationKind,
    PublicationStatus,
    Rating,
    SubjectArea,
    enum_type,
)
from tingia.models.user import User


class Verdict(db.Model):
    """A case's public answer, drafted by staff and published after review (one per case).

    For a fraud warning `explanation` is how the scam works and `advice` how to protect oneself;
    `rating` and `claim` (the claim as it circulated, required) are used by verdicts only.
    """

    __tablename__ = "verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    kind: Mapped[PublicationKind] = mapped_column(
        enum_type(PublicationKind, "verdict_kind", length=10), default=PublicationKind.VERDICT
    )
    status: Mapped[PublicationStatus] = mapped_column(
        enum_type(PublicationStatus, "verdict_status", length=10), default=PublicationStatus.DRAFT
    )
    rating: Mapped[Rating | None] = mapped_column(enum_type(Rating, "verdict_rating"), default=None)
    title: Mapped[str] = mapped_column(String(300))
    claim: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    explanation: Mapped[str] = mapped_column(Text, default="")
    advice: Mapped[str] = mapped_column(Text, default="")
    subject_area: Mapped[SubjectArea] = mapped_column(
        enum_type(SubjectArea, "verdict_subject_area", length=30), default=SubjectArea.OTHER
    )
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A title per source URL, as the verifier gave it ("Title | URL"); pages show the domain
    # of a source without one (titles are never fetched).
    source_titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # Title, claim and texts as tingia.text.fold_words folds them: what public search matches.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Assigned at first publication and kept, so public links stay valid after corrections.
    slug: Mapped[str | None] = mapped_column(String(120), unique=True, default=None)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    unpublished_at: Mapped[datetime | None] = mapped_column(default=None)
    unpublish_reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship(back_populates="verdict")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])

    __table_args__ = (Index("ix_verdicts_public", "kind", "status", "published_at"),)

    @property
    def is_published(self) -> bool:
        """True while the public can read it."""
        return self.status == PublicationStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Verdict {self.id} {self.kind} {self.status}>"
