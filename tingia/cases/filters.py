"""The one case filter: what the staff queue and `GET /api/v1/cases` narrow cases down by.

Values arrive already checked (the queue's form, the API's schema) as a `CaseFilter`; this
module turns them into SQL over the user's scoped cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, or_, select

from tingia.database import parse_id
from tingia.models import Case, CaseStatus, Category, Centre, Platform, Report, User
from tingia.text import fold_words
from tingia.tracking_codes import normalise_tracking_code

# "Not triaged yet", as a category filter value.
UNCATEGORISED = "none"
ASSIGNED_TO_ME = "me"
UNASSIGNED = "nobody"
NATIONAL = "national"


@dataclass(frozen=True)
class CaseFilter:
    """Checked filter values; None (or empty) means "any"."""

    statuses: tuple[CaseStatus, ...] = ()
    category: Category | str | None = None  # a Category, or UNCATEGORISED
    platform: Platform | None = None
    assignee: str | None = None  # ASSIGNED_TO_ME or UNASSIGNED
    province: str | None = None  # a province code, or NATIONAL
    q: str = ""


def search_condition(q: str) -> ColumnElement[bool]:
    """Cases with a report matching the text (accents optional), link or tracking code, or the
    case number itself ("#12" or "12")."""
    conditions = [Report.content.icontains(q, autoescape=True)]
    conditions.append(Report.url.icontains(q, autoescape=True))
    folded = fold_words(q)
    if folded:
        conditions.append(Report.normalised_text.contains(folded, autoescape=True))
    code = normalise_tracking_code(q)
    if code:
        conditions.append(Report.tracking_code == code)
    matching_cases = select(Report.case_id).where(Report.case_id.is_not(None), or_(*conditions))
    by_report = Case.id.in_(matching_cases)
    case_id = parse_id(q.lstrip("#"))
    if case_id is not None:
        return or_(by_report, Case.id == case_id)
    return by_report


def apply_case_filter(query: Select[tuple[Case]], user: User, wanted: CaseFilter) -> Select:
    """Narrow a query of cases (already scoped to the user's centre) by the filter."""
    if wanted.statuses:
        query = query.where(Case.status.in_(wanted.statuses))
    if wanted.category == UNCATEGORISED:
        query = query.where(Case.category.is_(None))
    elif wanted.category:
        query = query.where(Case.category == wanted.category)
    if wanted.platform:
        on_platform = select(Report.case_id).where(Report.platform == wanted.platform)
        query = query.where(Case.id.in_(on_platform))
    if wanted.assignee == ASSIGNED_TO_ME:
        query = query.where(Case.assignee_id == user.id)
    elif wanted.assignee == UNASSIGNED:
        query = query.where(Case.assignee_id.is_(None))
    if wanted.province == NATIONAL:
        query = query.where(Case.centre.has(Centre.is_national))
    elif wanted.province:
        query = query.where(Case.centre.has(Centre.province_code == wanted.province))
    if wanted.q:
        query = query.where(search_condition(wanted.q))
    return query
