"""The verifier queue: which cases to work on next, and the 24-hour handling clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from tingia.cases.filters import CaseFilter, apply_case_filter
from tingia.cases.links import linked_case_ids
from tingia.cases.rules import WORKABLE
from tingia.centres.scoping import scoped_cases
from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import Attachment, Case, CaseStatus, Report, User


class BulkAction(StrEnum):
    """What the queue's bulk form does with the ticked cases."""

    TRIAGE = "triage"
    ASSIGN = "assign"


# What each status filter shows; "active" (the default) is the work still to do.
STATUS_FILTERS = {
    "active": WORKABLE,
    **{status.value: (status,) for status in CaseStatus},
    "all": tuple(CaseStatus),
}


@dataclass(frozen=True)
class Clock:
    """A case's age against the handling deadline (CASE_CLOCK_HOURS from the first report)."""

    age: timedelta
    remaining: timedelta
    running: bool  # False once the case is published or closed
    stopped_as: CaseStatus | None = None  # published or closed, once the clock has stopped

    @property
    def overdue(self) -> bool:
        """True while the case is still being handled past its deadline."""
        return self.running and self.remaining < timedelta(0)

    @property
    def overdue_by(self) -> timedelta:
        """How far past the deadline (zero when not overdue)."""
        return max(-self.remaining, timedelta(0))


@dataclass(frozen=True)
class QueueRow:
    """A case as the queue shows it."""

    case: Case
    representative: Report | None
    thumbnail: Attachment | None
    platforms: list[str]
    clock: Clock


def case_clock(case: Case, now: datetime | None = None) -> Clock:
    """How long the case has been waiting and how long is left on the clock."""
    now = now or utcnow()
    deadline = case.first_seen + timedelta(hours=current_app.config["CASE_CLOCK_HOURS"])
    return Clock(
        age=now - case.first_seen,
        remaining=deadline - now,
        running=case.status in WORKABLE,
        stopped_as=None if case.status in WORKABLE else case.status,
    )


def whole_hours_and_minutes(delta: timedelta) -> tuple[int, int]:
    """A duration as whole hours and the minutes left over, rounded down (negative: zero)."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    hours, rest = divmod(minutes, 60)
    return hours, rest


def queue_query(user: User, wanted: CaseFilter) -> Select[tuple[Case]]:
    """The user's cases under the filter: most reported first, then the oldest."""
    query = apply_case_filter(scoped_cases(user), user, wanted)
    return query.options(selectinload(Case.assignee), selectinload(Case.centre)).order_by(
        Case.report_count.desc(), Case.first_seen.asc(), Case.id.asc()
    )


def linked_stories_query() -> Select[tuple[Case]]:
    """Open cases linked to another centre's case, most reported first (national staff)."""
    return (
        select(Case)
        .where(Case.status.in_(WORKABLE), Case.id.in_(linked_case_ids()))
        .options(selectinload(Case.assignee), selectinload(Case.centre))
        .order_by(Case.report_count.desc(), Case.first_seen.asc(), Case.id.asc())
    )


def queue_rows(cases: list[Case]) -> list[QueueRow]:
    """Decorate a page of cases with their first report, a thumbnail, platforms and clock."""
    ids = [case.id for case in cases]
    if not ids:
        return []
    first_ids = select(func.min(Report.id)).where(Report.case_id.in_(ids)).group_by(Report.case_id)
    representatives = {
        report.case_id: report
        for report in db.session.scalars(
            select(Report).where(Report.id.in_(first_ids)).options(selectinload(Report.attachments))
        )
    }
    platforms: dict[int, list[str]] = {}
    for case_id, platform in db.session.execute(
        select(Report.case_id, Report.platform)
        .where(Report.case_id.in_(ids))
        .distinct()
        .order_by(Report.case_id, Report.platform)
    ):
        platforms.setdefault(case_id, []).append(platform)
    now = utcnow()
    rows = []
    for case in cases:
        report = representatives.get(case.id)
        rows.append(
            QueueRow(
                case=case,
                representative=report,
                thumbnail=report.attachments[0] if report and report.attachments else None,
                platforms=platforms.get(case.id, []),
                clock=case_clock(case, now),
            )
        )
    return rows
