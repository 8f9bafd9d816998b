"""The shared candidate index and the lock that serialises grouping decisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from tingia.database import utcnow
from tingia.extensions import db


class MatchKey(db.Model):
    """One index key of a report (text band key, URL key, image digest), looked up by equality.

    The primary key (key, report_id) is the lookup index; on SQLite the table is WITHOUT ROWID,
    so the rows are that index and nothing is stored twice.
    """

    __tablename__ = "match_keys"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True)

    __table_args__ = (
        Index("ix_match_keys_report_id", "report_id"),
        {"sqlite_with_rowid": False},
    )


class PhotoHash(db.Model):
    """The pHash of a grouped report's photo (screenshots excluded), searched by Hamming distance.

    Rows are added while the grouping lock is held, so ids grow in commit order: a worker's
    in-memory copy (index.py) catches up by reading the rows above the last id it has seen.
    """

    __tablename__ = "photo_hashes"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    phash: Mapped[int] = mapped_column(BigInteger)


class GroupingLock(db.Model):
    """A single row that every worker updates before deciding where a report belongs.

    Updating it takes a row lock on PostgreSQL and the write lock on SQLite, held until commit,
    so two workers seeing near-duplicates at the same moment decide one after the other and the
    second sees the case the first opened.
    """

    __tablename__ = "grouping_lock"

    id: Mapped[int] = mapped_column(primary_key=True)
    touched_at: Mapped[datetime] = mapped_column(default=utcnow)
