"""Which reports belong to which case: every grouping change goes through these functions, so a
case's report count and first/last-seen dates are always those of the reports it holds.

Callers check the user's right to act on each case (centres.scoping); these functions only keep
the data consistent and record the history. They flush, never commit.
"""

from __future__ import annotations

from sqlalchemy import select

from tingia.cases.history import record
from tingia.cases.rules import MembershipError
from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import (
    Case,
    CaseAction,
    CaseStatus,
    CaseSuggestion,
    Report,
    SuggestionStatus,
    User,
)


def open_case_for(report: Report, actor: User | None = None) -> Case:
    """A new, empty case for this report, at the centre the report was routed to."""
    case = Case(
        centre_id=report.centre_id,
        first_seen=report.created_at,
        last_seen=report.created_at,
        report_count=0,
    )
    db.session.add(case)
    db.session.flush()
    record(case, CaseAction.CASE_OPENED, actor, report_id=report.id)
    return case


def _refresh_counters(case: Case) -> None:
    rows = (
        db.session.execute(select(Report.created_at).where(Report.case_id == case.id))
        .scalars()
        .all()
    )
    case.report_count = len(rows)
    if rows:
        case.first_seen, case.last_seen = min(rows), max(rows)


def add_report(report: Report, case: Case) -> None:
    """Put an ungrouped report into a case."""
    report.case = case
    case.report_count += 1
    case.first_seen = min(case.first_seen, report.created_at)
    case.last_seen = max(case.last_seen, report.created_at)


def _close_if_empty(case: Case, merged_into: Case | None, actor: User | None) -> None:
    if case.report_count == 0:
        case.status = CaseStatus.CLOSED
        case.merged_into_id = merged_into.id if merged_into else None
        case.action_taken = case.action_taken or "emptied"
        record(case, CaseAction.CASE_EMPTIED, actor, merged_into=case.merged_into_id)


def move_report(report: Report, target: Case, actor: User | None, reason: str = "") -> None:
    """Move a report from its case to another; a case left empty is closed."""
    source = report.case
    if source is None:
        raise MembershipError("the report is not in a case yet")
    if source.id == target.id:
        raise MembershipError("the report is already in this case")
    report.case = target
    db.session.flush()
    _refresh_counters(source)
    _refresh_counters(target)
    detail = {"report_id": report.id, "tracking_code": report.tracking_code, "reason": reason}
    record(source, CaseAction.REPORT_MOVED_OUT, actor, to_case=target.id, **detail)
    record(target, CaseAction.REPORT_MOVED_IN, actor, from_case=source.id, **detail)
    _close_if_empty(source, target, actor)


def split_report(report: Report, actor: User | None) -> Case:
    """Move a report out of its case into a new case of its own."""
    if report.case is not None and report.case.report_count <= 1:
        raise MembershipError("the report is the only one in its case")
    new_case = open_case_for(report, actor)
    move_report(report, new_case, actor, reason="split")
    return new_case


def merge_cases(source: Case, target: Case, actor: User | None) -> int:
    """Move every report of `source` into `target`; `source` is closed. Returns how many moved."""
    if source.id == target.id:
        raise MembershipError("a case cannot be merged into itself")
    if source.status == CaseStatus.PUBLISHED:
        raise MembershipError("a case with a published verdict cannot be merged away")
    reports = list(source.reports)
    for report in reports:
        report.case = target
    db.session.flush()
    _refresh_counters(source)
    _refresh_counters(target)
    for suggestion in db.session.scalars(
        select(CaseSuggestion).where(
            CaseSuggestion.case_id == source.id,
            CaseSuggestion.status == SuggestionStatus.PENDING,
        )
    ):
        suggestion.status = (
            SuggestionStatus.REJECTED
        )  # the case it pointed at no longer exists on its own
    record(
        target,
        CaseAction.CASE_MERGED_IN,
        actor,
        from_case=source.id,
        reports=[report.id for report in reports],
    )
    record(source, CaseAction.CASE_MERGED_AWAY, actor, into_case=target.id)
    _close_if_empty(source, target, actor)
    return len(reports)


def pending_suggestions(case: Case) -> list[CaseSuggestion]:
    """Reports the matcher thinks may belong to this case, best first."""
    return list(
        db.session.scalars(
            select(CaseSuggestion)
            .where(
                CaseSuggestion.case_id == case.id,
                CaseSuggestion.status == SuggestionStatus.PENDING,
            )
            .order_by(CaseSuggestion.score.desc(), CaseSuggestion.id)
        )
    )


def decide_suggestion(suggestion: CaseSuggestion, accept: bool, actor: User) -> None:
    """Confirm (the report moves into the suggested case) or reject a suggestion."""
    if suggestion.status != SuggestionStatus.PENDING:
        raise MembershipError(f"the suggestion was already {suggestion.status}")
    suggestion.status = SuggestionStatus.CONFIRMED if accept else SuggestionStatus.REJECTED
    suggestion.decided_by_id = actor.id
    suggestion.decided_at = utcnow()
    if accept and suggestion.report.case_id != suggestion.case_id:
        move_report(suggestion.report, suggestion.case, actor, reason="suggestion confirmed")
    record(
        suggestion.case,
        CaseAction.SUGGESTION_CONFIRMED if accept else CaseAction.SUGGESTION_REJECTED,
        actor,
        report_id=suggestion.report_id,
        score=suggestion.score,
    )
