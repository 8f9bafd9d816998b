"""The public statistics' summary: counts per month, centre and kind, rebuilt from the database
(tingia/statistics/summary.py), so /statistics reads a few hundred rows instead of every report
of the last 12 months."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tingia.database import utcnow
from tingia.extensions import db
from tingia.models.enums import (
    Category,
    PublicationKind,
    Rating,
    StatisticsMeasure,
    TakedownStatus,
    enum_type,
)


class StatisticsSnapshot(db.Model):
    """The counts as they were at `computed_at`, for the 12 months ending then."""

    __tablename__ = "statistics_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    counts: Mapped[list[StatisticsCount]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan", passive_deletes=True
    )


class StatisticsCount(db.Model):
    """How many of `measure` in one local month ("2026-12") for one centre and one breakdown
    (the report's province; a case's category; a publication's kind and rating; a removal
    request's status and whether it was removed within its deadline)."""

    __tablename__ = "statistics_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("statistics_snapshots.id", ondelete="CASCADE")
    )
    measure: Mapped[StatisticsMeasure] = mapped_column(
        enum_type(StatisticsMeasure, "statistics_measure")
    )
    month: Mapped[str] = mapped_column(String(7))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    # The report's province (reports); the centre's province otherwise (None: national centre).
    province_code: Mapped[str | None] = mapped_column(String(2), default=None)
    category: Mapped[Category | None] = mapped_column(
        enum_type(Category, "statistics_category"), default=None
    )
    kind: Mapped[PublicationKind | None] = mapped_column(
        enum_type(PublicationKind, "statistics_kind", length=10), default=None
    )
    rating: Mapped[Rating | None] = mapped_column(
        enum_type(Rating, "statistics_rating"), default=None
    )
    takedown_status: Mapped[TakedownStatus | None] = mapped_column(
        enum_type(TakedownStatus, "statistics_takedown_status"), default=None
    )
    removed_on_time: Mapped[bool | None] = mapped_column(default=None)
    count: Mapped[int]

    snapshot: Mapped[StatisticsSnapshot] = relationship(back_populates="counts")

    __table_args__ = (Index("ix_statistics_counts_snapshot", "snapshot_id", "measure", "month"),)
