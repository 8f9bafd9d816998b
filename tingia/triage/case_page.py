"""What the case page shows: the case's reports, its history, whose contacts the user may see,
the matcher's suggestions, the clock and the publication, gathered in one place for the view."""

from __future__ import annotations

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tingia.cases.links import LinkedCase, linked_cases
from tingia.centres.scoping import may_see_contact
from tingia.extensions import db
from tingia.models import Case, CaseEvent, CaseSuggestion, Report, User, Verdict
from tingia.pagination import paginate_page
from tingia.publishing.public import public_url
from tingia.publishing.service import may_publish
from tingia.triage.queue import Clock, case_clock
from tingia.triage.service import visible_suggestions

REPORTS_PER_PAGE = 50
HISTORY_SHOWN = 100


@dataclass(frozen=True)
class CasePage:
    """Everything the case page needs, read with a few queries."""

    case: Case
    reports: list[Report]  # this page of them (REPORTS_PER_PAGE, oldest first)
    report_page: Pagination
    contacts: set[int]  # ids of the reports whose contact details the user may see
    suggestions: list[CaseSuggestion]
    events: list[CaseEvent]  # the latest HISTORY_SHOWN
    earlier_events: int  # how many older ones are not shown
    clock: Clock
    verdict: Verdict | None
    verdict_url: str | None
    may_publish: bool
    linked: list[LinkedCase]  # other centres' cases about the same story


def case_page(user: User, case: Case) -> CasePage:
    """Read the case page of a case the user may see (fetched through centres.scoping); a story
    reported hundreds of times is shown a page of reports at a time."""
    report_page = paginate_page(
        select(Report)
        .where(Report.case_id == case.id)
        .options(selectinload(Report.attachments), selectinload(Report.province))
        .order_by(Report.created_at, Report.id),
        REPORTS_PER_PAGE,
    )
    reports = list(report_page.items)
    events = list(
        db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id)
            .options(selectinload(CaseEvent.actor))
            .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
            .limit(HISTORY_SHOWN)
        )
    )
    earlier = 0
    if len(events) == HISTORY_SHOWN:
        total = db.session.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)
        )
        earlier = total - HISTORY_SHOWN
    verdict = case.verdict
    return CasePage(
        case=case,
        reports=reports,
        report_page=report_page,
        contacts={r.id for r in reports if r.has_contact and may_see_contact(user, r)},
        suggestions=visible_suggestions(user, case),
        events=events,
        earlier_events=earlier,
        clock=case_clock(case),
        verdict=verdict,
        verdict_url=public_url(verdict) if verdict is not None and verdict.slug else None,
        may_publish=may_publish(user, case),
        linked=linked_cases(case),
    )
