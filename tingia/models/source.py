"""Offending sources: the pages, accounts, channels and websites behind content URLs, and the
national white and black lists."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tingia.database import utcnow
from tingia.extensions import db
from tingia.models.enums import ProposalStatus, SourceKind, SourceList, SourcePlatform, enum_type
from tingia.models.province import Centre
from tingia.models.user import User


class Source(db.Model):
    """A Facebook page, profile or group, a TikTok account, a YouTube channel, a Zalo account or
    a website's registered domain; `handle` identifies it on its platform."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[SourcePlatform] = mapped_column(enum_type(SourcePlatform, "source_platform"))
    kind: Mapped[SourceKind] = mapped_column(enum_type(SourceKind, "source_kind"))
    handle: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(2048))
    # On a national list (set by national leads), with who put it there, when and why.
    list_kind: Mapped[SourceList | None] = mapped_column(
        enum_type(SourceList, "source_list", length=10), default=None
    )
    listed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    listed_at: Mapped[datetime | None] = mapped_column(default=None)
    list_reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    listed_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("platform", "handle"),)

    def __repr__(self) -> str:
        return f"<Source {self.id} {self.platform} {self.handle}>"


class SourceUrl(db.Model):
    """A canonical content URL and the source it belongs to (reports and takedowns join on it)."""

    __tablename__ = "source_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    source: Mapped[Source] = relationship()


class SourceListProposal(db.Model):
    """Provincial staff propose a source for a national list; national leads decide."""

    __tablename__ = "source_list_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    list_kind: Mapped[SourceList] = mapped_column(enum_type(SourceList, "proposal_list", length=10))
    reason: Mapped[str] = mapped_column(Text)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[ProposalStatus] = mapped_column(
        enum_type(ProposalStatus, "proposal_status", length=10), default=ProposalStatus.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    source: Mapped[Source] = relationship()
    centre: Mapped[Centre] = relationship()
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
