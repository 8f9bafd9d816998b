"""What the case page shows: the case's reports, its history, whose contacts the user may see,
the matcher's suggestions, the clock and the publication, gathered in one place for the view."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tingia.cases.links import LinkedCase, linked_cases
from tingia.centres.scoping import may_see_contact
from tingia.extensions import db
from tingia.models import Case, CaseEvent, CaseSuggestion, Report, User, Verdict
from tingia.publishing.public import public_url
from tingia.publishing.service import may_publish
from tingia.triage.queue import Clock, case_clock
from tingia.triage.service import visible_suggestions


@dataclass(frozen=True)
class CasePage:
    """Everything the case page needs, read with a few queries."""

    case: Case
    reports: list[Report]
    contacts: set[int]  # ids of the reports whose contact details the user may see
    suggestions: list[CaseSuggestion]
    events: list[CaseEvent]
    clock: Clock
    verdict: Verdict | None
    verdict_url: str | None
    may_publish: bool
    linked: list[LinkedCase]  # other centres' cases about the same story


def case_page(user: User, case: Case) -> CasePage:
    """Read the case page of a case the user may see (fetched through centres.scoping)."""
    reports = list(
        db.session.scalars(
            select(Report)
            .where(Report.case_id == case.id)
            .options(selectinload(Report.attachments), selectinload(Report.province))
            .order_by(Report.created_at, Report.id)
        )
    )
    events = list(
        db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id)
            .options(selectinload(CaseEvent.actor))
            .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
        )
    )
    verdict = case.verdict
    return CasePage(
        case=case,
        reports=reports,
        contacts={r.id for r in reports if r.has_contact and may_see_contact(user, r)},
        suggestions=visible_suggestions(user, case),
        events=events,
        clock=case_clock(case),
        verdict=verdict,
        verdict_url=public_url(verdict) if verdict is not None and verdict.slug else None,
        may_publish=may_publish(user, case),
        linked=linked_cases(case),
    )
