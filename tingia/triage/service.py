"""The case workflow: triage, assignment, closing, escalation and grouping by hand.

    open ──triage──> triaged ──publish──> published ──unpublish──> triaged
                        └──close (harmful, fraud, out_of_scope)──> closed ──reopen──> triaged

Out-of-scope cases close as they are triaged (the reason is the action taken). Publication
(verdicts, warnings, publish and unpublish) is the publishing package's. HTML views and the API
call these functions, so a rule lives here once. Callers fetch every object through
centres.scoping (what a user may see); these functions decide what the user may do, record the
history, and flush, never commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from tingia.cases import links, membership
from tingia.cases.history import record
from tingia.cases.rules import (
    MAX_NOTE,
    WORKABLE,
    WorkflowError,
    invalid,
    require_status,
    required_text,
)
from tingia.centres.scoping import national_centre, scoped_reports
from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import (
    Case,
    CaseAction,
    CaseStatus,
    CaseSuggestion,
    Category,
    Centre,
    Report,
    User,
    Verdict,
)
from tingia.models.enums import member_or_none

CLOSABLE_CATEGORIES = (Category.HARMFUL, Category.FRAUD, Category.OUT_OF_SCOPE)


# --- who may do what --------------------------------------------------------------------------


def eligible_assignees(case: Case) -> Select[tuple[User]]:
    """Who can take a case: the active staff of the centre that handles it (national staff work
    a provincial case by moving it to the national centre first)."""
    return staff_of_centres([case.centre_id])


def staff_of_centres(centre_ids: Iterable[int]) -> Select[tuple[User]]:
    """The active staff of these centres, by centre then name."""
    return (
        select(User)
        .where(User.active.is_(True), User.centre_id.in_(list(centre_ids)))
        .order_by(User.centre_id, User.name, User.email)
    )


# --- case actions -----------------------------------------------------------------------------


def _find_assignee(among: Select[tuple[User]], assignee: int | str) -> User | None:
    """The user of that id or email among these staff, or None."""
    if isinstance(assignee, int) and not isinstance(assignee, bool):
        return db.session.scalar(among.where(User.id == assignee))
    return db.session.scalar(among.where(func.lower(User.email) == str(assignee).strip().lower()))


def _not_eligible() -> WorkflowError:
    return invalid("assignee", _l("Choose an active member of the staff of the case's centre."))


def assign(case: Case, assignee: int | str | None, actor: User) -> User | None:
    """Give the case to a colleague, by user id or email (None: to nobody); returns them."""
    require_status(case, WORKABLE, _l("Only open or triaged cases can be assigned."))
    user = None
    if assignee is not None:
        user = _find_assignee(eligible_assignees(case), assignee)
        if user is None:
            raise _not_eligible()
    if case.assignee_id != (user.id if user else None):
        case.assignee = user
        record(
            case,
            CaseAction.ASSIGNED,
            actor,
            assignee_id=user.id if user else None,
            assignee=user.display_name if user else None,
        )
    return user


def triage(case: Case, category: str | None, actor: User, reason: str | None = None) -> None:
    """Put the case into one of the centre's four categories; out-of-scope closes it."""
    chosen = member_or_none(Category, category)
    if chosen is None:
        raise invalid("category", _l("Choose one of the four categories."))
    reason = (reason or "").strip()
    if chosen == Category.OUT_OF_SCOPE and not reason:
        raise invalid("reason", _l("Say why the report is out of scope."))
    if len(reason) > MAX_NOTE:
        raise invalid("reason", _l("The reason is too long: at most %(n)d characters.", n=MAX_NOTE))
    require_status(
        case, WORKABLE, _l("Only open or triaged cases can be triaged (reopen or unpublish first).")
    )
    case.category = chosen
    case.category_reason, case.status = reason or None, CaseStatus.TRIAGED
    record(case, CaseAction.TRIAGED, actor, category=case.category, reason=reason)
    if chosen == Category.OUT_OF_SCOPE:
        close(case, reason, actor)


def _checked_close(case: Case, action_taken: str | None) -> str:
    """The action taken, once the case may be closed with it (WorkflowError otherwise)."""
    action = required_text(action_taken, "action_taken", _l("Say what action was taken."))
    require_status(case, (CaseStatus.TRIAGED,), _l("Only triaged cases can be closed."))
    if case.category not in CLOSABLE_CATEGORIES:
        raise WorkflowError(_l("A verifiable case is answered with a verdict, not closed."), 409)
    return action


@dataclass(frozen=True)
class ClosePreview:
    """What closing a case would change."""

    case: Case
    action_taken: str
    reporters: int  # reports whose tracking page will say the case is closed


def close_preview(case: Case, action_taken: str | None) -> ClosePreview:
    """What `close` would do, changing nothing (WorkflowError if it would refuse)."""
    return ClosePreview(case, _checked_close(case, action_taken), case.report_count)


def close(case: Case, action_taken: str | None, actor: User) -> None:
    """Close a harmful, fraud or out-of-scope case, saying what was done about it."""
    action = _checked_close(case, action_taken)
    case.status, case.action_taken = CaseStatus.CLOSED, action
    record(case, CaseAction.CLOSED, actor, action_taken=action)


def reopen(case: Case, actor: User) -> None:
    """Take a closed case up again."""
    require_status(case, (CaseStatus.CLOSED,), _l("Only closed cases can be reopened."))
    if case.merged_into_id is not None or case.report_count == 0:
        raise WorkflowError(_l("This case was merged into another one; work on that one."), 409)
    case.status = CaseStatus.TRIAGED if case.category else CaseStatus.OPEN
    record(case, CaseAction.REOPENED, actor)


def escalate(case: Case, actor: User, reason: str | None = None) -> None:
    """Hand a provincial case to the national centre."""
    require_status(case, WORKABLE, _l("Only open or triaged cases can be escalated."))
    if case.centre.is_national:
        raise WorkflowError(_l("The case is already at the national centre."), 409)
    from_centre = case.centre.name
    case.centre = national_centre()
    case.escalated_at = utcnow()
    if case.assignee is not None and not case.assignee.is_national:
        case.assignee = None  # the provincial assignee no longer sees the case
    record(
        case, CaseAction.ESCALATED, actor, from_centre=from_centre, reason=(reason or "").strip()
    )


def move_to_centre(case: Case, centre: Centre, actor: User) -> None:
    """National staff give a case to another centre (a province's, or back to national)."""
    if not actor.is_national:
        raise WorkflowError(_l("Only national staff can move a case to another centre."), 403)
    require_status(case, WORKABLE, _l("Only open or triaged cases can be moved."))
    if centre.id == case.centre_id:
        raise WorkflowError(_l("The case is already at this centre."), 409)
    from_centre = case.centre.name
    case.centre = centre
    if case.assignee is not None and case.assignee.centre_id != centre.id:
        case.assignee = None  # only the new centre's staff can take it
    record(case, CaseAction.CENTRE_CHANGED, actor, from_centre=from_centre, to_centre=centre.name)


def take_over(case: Case, actor: User) -> Case:
    """National staff bring a story handled by several centres into one national case."""
    return links.take_over(case, actor, national_centre())


def add_note(case: Case, text: str | None, actor: User) -> None:
    """An internal note in the case's history."""
    record(
        case, CaseAction.NOTE, actor, text=required_text(text, "text", _l("Write the note first."))
    )


def _check_merge(target: Case, source: Case) -> None:
    if source.id == target.id:
        raise WorkflowError(_l("A case cannot be merged into itself."), 409)
    if target.status == CaseStatus.CLOSED:
        raise WorkflowError(_l("Cases cannot be merged into a closed case."), 409)
    require_status(source, WORKABLE, _l("Only open or triaged cases can be merged away."))


@dataclass(frozen=True)
class MergePreview:
    """What merging `source` into `target` would change."""

    target: Case
    source: Case
    moving: list[Report]
    reports_after: int
    source_draft: Verdict | None  # stays with the closed source case
    dropped_suggestions: int  # the source's pending suggestions, rejected with it


def merge_preview(target: Case, source: Case) -> MergePreview:
    """What `merge` would do, changing nothing (WorkflowError if it would refuse)."""
    _check_merge(target, source)
    moving = list(source.reports)
    return MergePreview(
        target=target,
        source=source,
        moving=moving,
        reports_after=target.report_count + len(moving),
        source_draft=source.verdict,
        dropped_suggestions=len(membership.pending_suggestions(source)),
    )


def merge(target: Case, source: Case, actor: User) -> int:
    """Merge `source` into `target` (both in the actor's scope); returns how many reports moved."""
    _check_merge(target, source)
    return membership.merge_cases(source, target, actor)


def _check_split(report: Report) -> Case:
    case = report.case
    if case is None or case.report_count <= 1:
        raise WorkflowError(_l("This is the case's only report: there is nothing to split off."))
    return case


@dataclass(frozen=True)
class SplitPreview:
    """What splitting a report out of its case would change."""

    report: Report
    case: Case
    reports_left: int
    new_centre: Centre  # where the new case opens: the centre the report was routed to


def split_preview(report: Report) -> SplitPreview:
    """What `split` would do, changing nothing (WorkflowError if it would refuse)."""
    case = _check_split(report)
    return SplitPreview(report, case, case.report_count - 1, report.centre)


def split(report: Report, actor: User) -> Case:
    """Move a report out of its case into a new case of its own."""
    _check_split(report)
    return membership.split_report(report, actor)


def decide_suggestion(suggestion: CaseSuggestion, accept: bool, actor: User) -> None:
    """Confirm (the report joins the case) or reject the matcher's suggestion."""
    if accept and suggestion.case.status == CaseStatus.CLOSED:
        raise WorkflowError(_l("A report cannot join a closed case."), 409)
    membership.decide_suggestion(suggestion, accept, actor)


def visible_suggestions(user: User, case: Case) -> list[CaseSuggestion]:
    """The case's pending suggestions whose report the user may see, best first."""
    pending = membership.pending_suggestions(case)
    if not pending:
        return []
    visible = set(
        db.session.scalars(
            scoped_reports(user)
            .with_only_columns(Report.id)
            .where(Report.id.in_([item.report_id for item in pending]))
        )
    )
    return [item for item in pending if item.report_id in visible]


# --- bulk actions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did: the cases it changed and the ones it left alone, and why."""

    done: list[Case]
    wrong_state: list[int]  # not in a state that allows the action
    other_centre: list[int] = field(default_factory=list)  # the assignee is not of its centre


def _each(cases: Iterable[Case], action: Callable[[Case], None]) -> BulkResult:
    done: list[Case] = []
    wrong_state: list[int] = []
    other_centre: list[int] = []
    for case in cases:
        try:
            action(case)
        except WorkflowError as error:
            if error.status == 422 and "assignee" in error.fields:
                other_centre.append(case.id)
            elif error.status == 422:  # the input is wrong for every case: stop
                raise
            else:
                wrong_state.append(case.id)
        else:
            done.append(case)
    return BulkResult(done, wrong_state, other_centre)


def bulk_triage(
    cases: Iterable[Case], category: str | None, actor: User, reason: str | None = None
) -> BulkResult:
    """Triage several cases; cases in a state that does not allow it are left alone."""
    return _each(cases, lambda case: triage(case, category, actor, reason))


def bulk_assign(cases: Iterable[Case], assignee: int | str | None, actor: User) -> BulkResult:
    """Assign several cases to one person (None: nobody); cases of other centres than the
    assignee's, or in a state that does not allow it, are left alone."""
    cases = list(cases)
    if assignee is not None:
        staff = staff_of_centres({case.centre_id for case in cases})
        if _find_assignee(staff, assignee) is None:
            raise _not_eligible()
    return _each(cases, lambda case: assign(case, assignee, actor))
