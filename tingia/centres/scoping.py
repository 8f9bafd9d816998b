"""The one place that decides what a member of staff may see.

A provincial user sees only its own centre's cases, their reports and images; national users see
everything. Every staff route and API endpoint fetches objects through these helpers, so an object
of another centre answers 404 exactly as a missing one does (its existence is not revealed).
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import Select, or_, select

from tingia.database import MAX_ID
from tingia.extensions import db
from tingia.models import (
    Attachment,
    Case,
    CaseSuggestion,
    Centre,
    Report,
    Role,
    Source,
    SourceListProposal,
    SourceUrl,
    TakedownRequest,
    User,
)


def scoped_cases(user: User) -> Select[tuple[Case]]:
    """A query of the cases the user may see."""
    query = select(Case)
    if not user.is_national:
        query = query.where(Case.centre_id == user.centre_id)
    return query


def scoped_reports(user: User) -> Select[tuple[Report]]:
    """A query of the reports the user may see: by their case's centre, or, before grouping,
    by the centre of the reporter's province."""
    query = select(Report)
    if user.is_national:
        return query
    own_province = user.centre.province_code
    return query.outerjoin(Case, Report.case_id == Case.id).where(
        or_(
            Case.centre_id == user.centre_id,
            (Report.case_id.is_(None)) & (Report.province_code == own_province),
        )
    )


def _require_row_id(row_id: int) -> None:
    """404 for a number no row can have (a value beyond the column would be a database error)."""
    if not 0 < row_id <= MAX_ID:
        abort(404)


def get_case_or_404(user: User, case_id: int) -> Case:
    """The case if the user may see it; 404 otherwise."""
    _require_row_id(case_id)
    case = db.session.scalar(scoped_cases(user).where(Case.id == case_id))
    if case is None:
        abort(404)
    return case


def get_report_or_404(user: User, report_id: int) -> Report:
    """The report if the user may see it; 404 otherwise."""
    _require_row_id(report_id)
    report = db.session.scalar(scoped_reports(user).where(Report.id == report_id))
    if report is None:
        abort(404)
    return report


def get_attachment_or_404(user: User, attachment_id: int) -> Attachment:
    """The attachment if the user may see its report; 404 otherwise."""
    _require_row_id(attachment_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        abort(404)
    get_report_or_404(user, attachment.report_id)
    return attachment


def may_see_contact(user: User, report: Report) -> bool:
    """Contact details: only staff of the centre the report was routed to, and national staff
    once the national centre owns the report's case (data minimisation: not national staff
    looking at a provincial case, not another province the case was merged or moved into)."""
    if user.centre_id == report.centre_id:
        return True
    return user.is_national and report.case is not None and report.case.centre.is_national


def centre_for_province(province_code: str | None) -> Centre:
    """The centre that handles reports from a province (the national one when none)."""
    centre = db.session.scalar(select(Centre).where(Centre.province_code == province_code))
    if centre is None:
        centre = national_centre()
    return centre


def national_centre() -> Centre:
    """The national centre (created by `flask seed`)."""
    centre = db.session.scalar(select(Centre).where(Centre.is_national))
    if centre is None:
        raise RuntimeError("no national centre: run `flask seed` first")
    return centre


def scoped_users(user: User) -> Select[tuple[User]]:
    """A query of the staff accounts the user may see: their centre's, or all for admins."""
    query = select(User)
    if user.role != Role.ADMIN:
        query = query.where(User.centre_id == user.centre_id)
    return query


def get_user_or_404(user: User, user_id: int) -> User:
    """A staff account the user may see; 404 otherwise."""
    _require_row_id(user_id)
    found = db.session.scalar(scoped_users(user).where(User.id == user_id))
    if found is None:
        abort(404)
    return found


def get_suggestion_or_404(user: User, case: Case, suggestion_id: int) -> CaseSuggestion:
    """A suggestion for this case whose report the user may see; 404 otherwise."""
    _require_row_id(suggestion_id)
    suggestion = db.session.get(CaseSuggestion, suggestion_id)
    if suggestion is None or suggestion.case_id != case.id:
        abort(404)
    get_report_or_404(user, suggestion.report_id)
    return suggestion


def scoped_takedowns(user: User) -> Select[tuple[TakedownRequest]]:
    """A query of the removal requests the user may see: those of the cases they may see."""
    query = select(TakedownRequest)
    if not user.is_national:
        query = query.join(Case, TakedownRequest.case_id == Case.id).where(
            Case.centre_id == user.centre_id
        )
    return query


def get_takedown_or_404(user: User, takedown_id: int) -> TakedownRequest:
    """The removal request if the user may see its case; 404 otherwise."""
    found = db.session.scalar(scoped_takedowns(user).where(TakedownRequest.id == takedown_id))
    if found is None:
        abort(404)
    return found


def scoped_sources(user: User) -> Select[tuple[Source]]:
    """A query of the sources the user may see: national staff all; provincial staff those of
    their centre's cases and removal requests, and those on a national list."""
    query = select(Source)
    if user.is_national:
        return query
    in_reports = (
        select(SourceUrl.source_id)
        .join(Report, Report.canonical_url == SourceUrl.url)
        .join(Case, Report.case_id == Case.id)
        .where(Case.centre_id == user.centre_id)
    )
    in_takedowns = (
        select(TakedownRequest.source_id)
        .join(Case, TakedownRequest.case_id == Case.id)
        .where(Case.centre_id == user.centre_id, TakedownRequest.source_id.is_not(None))
    )
    return query.where(
        or_(Source.id.in_(in_reports), Source.id.in_(in_takedowns), Source.list_kind.is_not(None))
    )


def get_source_or_404(user: User, source_id: int) -> Source:
    """The source if the user may see it; 404 otherwise."""
    found = db.session.scalar(scoped_sources(user).where(Source.id == source_id))
    if found is None:
        abort(404)
    return found


def get_proposal_or_404(user: User, proposal_id: int) -> SourceListProposal:
    """A list proposal about a source the user may see, made by their centre (national staff:
    any); 404 otherwise."""
    proposal = db.session.get(SourceListProposal, proposal_id)
    if proposal is None or not (user.is_national or proposal.centre_id == user.centre_id):
        abort(404)
    get_source_or_404(user, proposal.source_id)
    return proposal
