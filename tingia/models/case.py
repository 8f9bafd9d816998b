"""Cases: groups of reports about the same content, handled by one centre."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tingia.database import utcnow
from tingia.extensions import db
from tingia.models.enums import CaseStatus, Category, SuggestionStatus, enum_type
from tingia.models.province import Centre
from tingia.models.user import User

if TYPE_CHECKING:
    from tingia.models.report import Report
    from tingia.models.verdict import Verdict


class Case(db.Model):
    """A story reported one or more times; the unit verifiers triage and verdicts answer."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(
        enum_type(CaseStatus, "case_status"), default=CaseStatus.OPEN
    )
    category: Mapped[Category | None] = mapped_column(
        enum_type(Category, "case_category"), default=None
    )
    category_reason: Mapped[str | None] = mapped_column(Text, default=None)
    action_taken: Mapped[str | None] = mapped_column(Text, default=None)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    report_count: Mapped[int] = mapped_column(default=0)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set when this case was merged into another one (it is then closed and empty).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    centre: Mapped[Centre] = relationship()
    assignee: Mapped[User | None] = relationship()
    reports: Mapped[list[Report]] = relationship(back_populates="case", order_by="Report.id")
    suggestions: Mapped[list[CaseSuggestion]] = relationship(
        back_populates="case", order_by="CaseSuggestion.score.desc()"
    )
    verdict: Mapped[Verdict | None] = relationship(back_populates="case", uselist=False)

    # The queue's orders (tingia/triage/queue.py), for all centres and for one: a page is read
    # straight off an index instead of sorting every open case.
    __table_args__ = (
        Index("ix_cases_queue", "centre_id", "status", "report_count"),
        Index("ix_cases_demand", report_count.desc(), first_seen, id),
        Index("ix_cases_centre_demand", centre_id, report_count.desc(), first_seen, id),
        Index("ix_cases_age", first_seen, id),
        Index("ix_cases_centre_age", centre_id, first_seen, id),
        Index("ix_cases_recent", last_seen, id),
        Index("ix_cases_centre_recent", centre_id, last_seen, id),
        # Counting the queue's cases ("overdue", "mine", "unassigned") from the index alone.
        Index("ix_cases_centre_status_first_seen", centre_id, status, first_seen),
        Index("ix_cases_assignee_status", assignee_id, status),
    )

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.status} n={self.report_count}>"


class CaseSuggestion(db.Model):
    """A report that may belong to a case: scored between the suggest and auto thresholds."""

    __tablename__ = "case_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    score: Mapped[float]
    basis: Mapped[str] = mapped_column(String(20))
    status: Mapped[SuggestionStatus] = mapped_column(
        enum_type(SuggestionStatus, "suggestion_status"), default=SuggestionStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)

    case: Mapped[Case] = relationship(back_populates="suggestions")
    report: Mapped[Report] = relationship()
    decided_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("case_id", "report_id"),)


class CaseLink(db.Model):
    """Two cases of different centres about the same story, found by the matcher.

    Reports never move across centres on their own: each centre keeps its case, both see that the
    story is handled elsewhere too, and national staff may take such stories over. One row per
    pair, the lower case id first.
    """

    __tablename__ = "case_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    other_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    score: Mapped[float]
    basis: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(foreign_keys=[case_id])
    other_case: Mapped[Case] = relationship(foreign_keys=[other_case_id])

    __table_args__ = (
        UniqueConstraint("case_id", "other_case_id"),
        CheckConstraint("case_id < other_case_id", name="ordered_pair"),
    )
