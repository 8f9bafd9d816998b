"""The verifier queue: which cases to work on next, and the 24-hour handling clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from tingia.cases.filters import ASSIGNED_TO_ME, UNASSIGNED, CaseFilter, apply_case_filter
from tingia.cases.links import linked_case_ids
from tingia.cases.rules import WORKABLE
from tingia.centres.scoping import scoped_cases
from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import LEAD_ROLES, Attachment, Case, CaseStatus, Centre, Report, User


class BulkAction(StrEnum):
    """What the queue's bulk form does with the ticked cases."""

    TRIAGE = "triage"
    ASSIGN = "assign"


class QueueOrder(StrEnum):
    """How the queue is sorted."""

    DEMAND = "demand"  # most reported first, then the oldest
    AGE = "age"  # the oldest first (the clock)
    RECENT = "recent"  # the latest report first


QUEUE_ORDERS = {
    QueueOrder.DEMAND: (Case.report_count.desc(), Case.first_seen.asc(), Case.id.asc()),
    QueueOrder.AGE: (Case.first_seen.asc(), Case.id.asc()),
    QueueOrder.RECENT: (Case.last_seen.desc(), Case.id.desc()),
}
PAGE_SIZES = (25, 50, 100)


@dataclass(frozen=True)
class SavedView:
    """A named set of queue filters, one click away."""

    key: str
    label: str
    args: dict[str, str]
    leads_only: bool = False


SAVED_VIEWS = (
    SavedView("todo", _l("All to do"), {}),
    SavedView("mine", _l("Mine"), {"assignee": ASSIGNED_TO_ME}),
    SavedView("unassigned", _l("Unassigned"), {"assignee": UNASSIGNED}),
    SavedView("overdue", _l("Overdue"), {"overdue": "y"}),
    SavedView(
        "review", _l("Drafts awaiting my review"), {"status": "all", "review": "y"}, leads_only=True
    ),
)
# The query-string arguments that choose which cases (not how they are shown).
FILTER_ARGS = ("status", "category", "platform", "assignee", "province", "q", "overdue", "review")


def saved_views(user: User) -> list[SavedView]:
    """The saved views this user has (drafts to review: leads and admins)."""
    return [view for view in SAVED_VIEWS if not view.leads_only or user.role in LEAD_ROLES]


def _given_filters(args: Mapping[str, str]) -> dict[str, str]:
    given = {name: args[name] for name in FILTER_ARGS if args.get(name)}
    if given.get("status") == "active":  # the default
        del given["status"]
    return given


def active_filter_count(args: Mapping[str, str]) -> int:
    """How many filters besides the search the query string sets."""
    return len(set(_given_filters(args)) - {"q"})


def current_view(args: Mapping[str, str]) -> str | None:
    """The key of the saved view the query string is exactly, if any."""
    given = _given_filters(args)
    return next((view.key for view in SAVED_VIEWS if view.args == given), None)


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


def queue_query(
    user: User, wanted: CaseFilter, order: QueueOrder = QueueOrder.DEMAND
) -> Select[tuple[Case]]:
    """The user's cases under the filter, in the order asked for (most reported first)."""
    query = apply_case_filter(scoped_cases(user), user, wanted)
    return query.options(
        selectinload(Case.assignee), selectinload(Case.centre).selectinload(Centre.province)
    ).order_by(*QUEUE_ORDERS[order])


def linked_stories_query() -> Select[tuple[Case]]:
    """Open cases linked to another centre's case, most reported first (national staff)."""
    return (
        select(Case)
        .where(Case.status.in_(WORKABLE), Case.id.in_(linked_case_ids()))
        .options(
            selectinload(Case.assignee), selectinload(Case.centre).selectinload(Centre.province)
        )
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
