"""The verifier queue: which cases to work on next, and the 24-hour handling clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from tingia.centres.scoping import scoped_cases
from tingia.database import utcnow
from tingia.extensions import db
from tingia.intake.service import normalise_tracking_code
from tingia.matching.normalise import normalise_text
from tingia.models import Attachment, Case, Centre, Report, User

# What each status filter shows; "active" (the default) is the work still to do.
STATUS_FILTERS = {
    "active": ("open", "triaged"),
    "open": ("open",),
    "triaged": ("triaged",),
    "published": ("published",),
    "closed": ("closed",),
    "all": ("open", "triaged", "published", "closed"),
}
CLOCKED_STATUSES = ("open", "triaged")


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters as given in the query string (already checked by the form)."""

    status: str = "active"
    category: str = ""  # a category, "none" (not triaged) or "" (any)
    platform: str = ""
    assignee: str = ""  # "me", "nobody" or "" (anyone)
    province: str = ""  # national staff: a province code, "national" or ""
    q: str = ""


@dataclass(frozen=True)
class Clock:
    """A case's age against the handling deadline (CASE_CLOCK_HOURS from the first report)."""

    age: timedelta
    remaining: timedelta
    running: bool  # False once the case is published or closed

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
        running=case.status in CLOCKED_STATUSES,
    )


def _search(q: str):
    """Cases with a report matching the text (accents optional), link or tracking code."""
    conditions = [Report.content.icontains(q, autoescape=True)]
    conditions.append(Report.url.icontains(q, autoescape=True))
    folded = normalise_text(q)
    if folded:
        conditions.append(Report.normalised_text.contains(folded, autoescape=True))
    code = normalise_tracking_code(q)
    if code:
        conditions.append(Report.tracking_code == code)
    matching_cases = select(Report.case_id).where(Report.case_id.is_not(None), or_(*conditions))
    by_report = Case.id.in_(matching_cases)
    digits = q.lstrip("#")
    return or_(by_report, Case.id == int(digits)) if digits.isdigit() else by_report


def queue_query(user: User, filters: QueueFilters) -> Select[tuple[Case]]:
    """The user's cases under the filters: most reported first, then the oldest."""
    query = scoped_cases(user).where(Case.status.in_(STATUS_FILTERS[filters.status]))
    if filters.category == "none":
        query = query.where(Case.category.is_(None))
    elif filters.category:
        query = query.where(Case.category == filters.category)
    if filters.platform:
        on_platform = select(Report.case_id).where(Report.platform == filters.platform)
        query = query.where(Case.id.in_(on_platform))
    if filters.assignee == "me":
        query = query.where(Case.assignee_id == user.id)
    elif filters.assignee == "nobody":
        query = query.where(Case.assignee_id.is_(None))
    if filters.province == "national":
        query = query.where(Case.centre.has(Centre.province_code.is_(None)))
    elif filters.province:
        query = query.where(Case.centre.has(Centre.province_code == filters.province))
    if filters.q:
        query = query.where(_search(filters.q))
    return query.options(selectinload(Case.assignee), selectinload(Case.centre)).order_by(
        Case.report_count.desc(), Case.first_seen.asc(), Case.id.asc()
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
