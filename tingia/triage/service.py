"""The case state machine: which transitions exist and who may make them.

    open ──triage──> triaged ──publish──> published ──unpublish──> triaged
                        └──close (harmful, fraud, out_of_scope)──> closed ──reopen──> triaged

Out-of-scope cases close as they are triaged (the reason is the action taken); a fraud case may
also be published as a warning, closed or not. HTML views and the API call these functions, so a
rule lives here once. Callers fetch every object through centres.scoping (what a user may see);
these functions decide what the user may do, record the history, and flush, never commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from tingia.auth.decorators import LEAD_ROLES
from tingia.centres.scoping import national_centre, scoped_reports
from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import (
    CATEGORIES,
    Attachment,
    Case,
    CaseSuggestion,
    Centre,
    Report,
    User,
    Verdict,
)
from tingia.publishing.service import assign_slug, clean_publication_input
from tingia.triage import membership
from tingia.triage.membership import MembershipError, record

WORKABLE = ("open", "triaged")
CLOSABLE_CATEGORIES = ("harmful", "fraud", "out_of_scope")
PUBLICATION_KIND = {"verifiable": "verdict", "fraud": "warning"}
MAX_NOTE = 5000


class WorkflowError(Exception):
    """An action the rules refuse. `status`: 403 not allowed for this user, 409 not in this state,
    422 invalid input (`fields` names the fields)."""

    def __init__(self, message: Any, status: int = 409, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.fields = fields or {}

    def __str__(self) -> str:
        return str(self.message)


def _invalid(field: str, message: Any) -> WorkflowError:
    return WorkflowError(_l("Some fields are invalid."), 422, {field: str(message)})


def _require_status(case: Case, allowed: Iterable[str], message: Any) -> None:
    if case.status not in allowed:
        raise WorkflowError(message, 409)


def _required_text(value: str | None, field: str, maximum: int = MAX_NOTE) -> str:
    text = (value or "").strip()
    if not text:
        raise _invalid(field, _l("this field is required"))
    if len(text) > maximum:
        raise _invalid(field, _l("at most %(n)d characters", n=maximum))
    return text


# --- who may do what --------------------------------------------------------------------------


def may_publish(user: User, case: Case) -> bool:
    """Leads and admins of the case's centre, or national ones, publish and unpublish."""
    return user.role in LEAD_ROLES and (user.is_national or user.centre_id == case.centre_id)


def reviewers_of(centre: Centre) -> list[User]:
    """The active leads and admins of a centre: who can review a verdict there."""
    return list(
        db.session.scalars(
            select(User).where(
                User.centre_id == centre.id, User.active.is_(True), User.role.in_(LEAD_ROLES)
            )
        )
    )


def eligible_assignees(case: Case) -> Select[tuple[User]]:
    """Who can take a case: active staff of its centre, or national staff (who see every case)."""
    national = select(Centre.id).where(Centre.province_code.is_(None)).scalar_subquery()
    return (
        select(User)
        .where(
            User.active.is_(True), or_(User.centre_id == case.centre_id, User.centre_id == national)
        )
        .order_by(User.name, User.email)
    )


def colleagues_of(user: User) -> Select[tuple[User]]:
    """The active staff of the user's centre (whom bulk actions can assign to)."""
    return (
        select(User)
        .where(User.centre_id == user.centre_id, User.active.is_(True))
        .order_by(User.name, User.email)
    )


# --- case actions -----------------------------------------------------------------------------


def assign(case: Case, assignee: int | str | None, actor: User) -> User | None:
    """Give the case to a colleague, by user id or email (None: to nobody); returns them."""
    _require_status(case, WORKABLE, _l("Only open or triaged cases can be assigned."))
    user = None
    if assignee is not None:
        query = eligible_assignees(case)
        if isinstance(assignee, int) and not isinstance(assignee, bool):
            query = query.where(User.id == assignee)
        else:
            query = query.where(func.lower(User.email) == str(assignee).strip().lower())
        user = db.session.scalar(query)
        if user is None:
            raise _invalid("assignee", _l("no active colleague who can take this case has it"))
    if case.assignee_id != (user.id if user else None):
        case.assignee = user
        record(
            case,
            "assigned",
            actor,
            assignee_id=user.id if user else None,
            assignee=user.display_name if user else None,
        )
    return user


def triage(case: Case, category: str | None, actor: User, reason: str | None = None) -> None:
    """Put the case into one of the centre's four categories; out-of-scope closes it."""
    if category not in CATEGORIES:
        raise _invalid("category", _l("must be one of %(values)s", values=", ".join(CATEGORIES)))
    reason = (reason or "").strip()
    if category == "out_of_scope" and not reason:
        raise _invalid("reason", _l("say why the report is out of scope"))
    if len(reason) > MAX_NOTE:
        raise _invalid("reason", _l("at most %(n)d characters", n=MAX_NOTE))
    _require_status(
        case, WORKABLE, _l("Only open or triaged cases can be triaged (reopen or unpublish first).")
    )
    case.category, case.category_reason, case.status = category, reason or None, "triaged"
    record(case, "triaged", actor, category=category, reason=reason)
    if category == "out_of_scope":
        close(case, reason, actor)


def close(case: Case, action_taken: str | None, actor: User) -> None:
    """Close a harmful, fraud or out-of-scope case, saying what was done about it."""
    action = _required_text(action_taken, "action_taken")
    _require_status(case, ("triaged",), _l("Only triaged cases can be closed."))
    if case.category not in CLOSABLE_CATEGORIES:
        raise WorkflowError(_l("A verifiable case is answered with a verdict, not closed."), 409)
    case.status, case.action_taken = "closed", action
    record(case, "closed", actor, action_taken=action)


def reopen(case: Case, actor: User) -> None:
    """Take a closed case up again."""
    _require_status(case, ("closed",), _l("Only closed cases can be reopened."))
    if case.merged_into_id is not None or case.report_count == 0:
        raise WorkflowError(_l("This case was merged into another one; work on that one."), 409)
    case.status = "triaged" if case.category else "open"
    record(case, "reopened", actor)


def escalate(case: Case, actor: User, reason: str | None = None) -> None:
    """Hand a provincial case to the national centre."""
    _require_status(case, WORKABLE, _l("Only open or triaged cases can be escalated."))
    if case.centre.is_national:
        raise WorkflowError(_l("The case is already at the national centre."), 409)
    from_centre = case.centre.name
    case.centre = national_centre()
    case.escalated_at = utcnow()
    if case.assignee is not None and not case.assignee.is_national:
        case.assignee = None  # the provincial assignee no longer sees the case
    record(case, "escalated", actor, from_centre=from_centre, reason=(reason or "").strip())


def move_to_centre(case: Case, centre: Centre, actor: User) -> None:
    """National staff give a case to another centre (a province's, or back to national)."""
    if not actor.is_national:
        raise WorkflowError(_l("Only national staff can move a case to another centre."), 403)
    _require_status(case, WORKABLE, _l("Only open or triaged cases can be moved."))
    if centre.id == case.centre_id:
        raise WorkflowError(_l("The case is already at this centre."), 409)
    from_centre = case.centre.name
    case.centre = centre
    assignee = case.assignee
    if assignee is not None and assignee.centre_id != centre.id and not assignee.is_national:
        case.assignee = None
    record(case, "centre_changed", actor, from_centre=from_centre, to_centre=centre.name)


def add_note(case: Case, text: str | None, actor: User) -> None:
    """An internal note in the case's history."""
    record(case, "note", actor, text=_required_text(text, "text"))


def merge(target: Case, source: Case, actor: User) -> int:
    """Merge `source` into `target` (both in the actor's scope); returns how many reports moved."""
    if target.status == "closed":
        raise WorkflowError(_l("Cases cannot be merged into a closed case."), 409)
    _require_status(source, WORKABLE, _l("Only open or triaged cases can be merged away."))
    try:
        return membership.merge_cases(source, target, actor)
    except MembershipError as error:
        raise WorkflowError(str(error), 409) from error


def split(report: Report, actor: User) -> Case:
    """Move a report out of its case into a new case of its own."""
    try:
        return membership.split_report(report, actor)
    except MembershipError as error:
        raise WorkflowError(str(error), 409) from error


def decide_suggestion(suggestion: CaseSuggestion, accept: bool, actor: User) -> None:
    """Confirm (the report joins the case) or reject the matcher's suggestion."""
    if accept and suggestion.case.status == "closed":
        raise WorkflowError(_l("A report cannot join a closed case."), 409)
    try:
        membership.decide_suggestion(suggestion, accept, actor)
    except MembershipError as error:
        raise WorkflowError(str(error), 409) from error


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


def set_publishable(attachment: Attachment, publishable: bool, actor: User) -> None:
    """Allow (or stop) an image appearing on the public page of the case's verdict."""
    case = attachment.report.case
    if case is None:
        raise WorkflowError(_l("The report is not in a case yet."), 409)
    if attachment.publishable == publishable:
        return
    attachment.publishable = publishable
    action = "image_made_public" if publishable else "image_made_private"
    record(case, action, actor, attachment_id=attachment.id, report_id=attachment.report_id)


# --- verdicts and warnings --------------------------------------------------------------------


def publication_kind(case: Case) -> str:
    """`verdict` for a verifiable case, `warning` for a fraud case; 409 for the others."""
    kind = PUBLICATION_KIND.get(case.category or "")
    if kind is None:
        raise WorkflowError(
            _l("Only verifiable cases get a verdict and fraud cases a warning; triage it first."),
            409,
        )
    return kind


def _publishable_states(kind: str) -> tuple[str, ...]:
    # A fraud case that was closed with an action taken can still warn the public.
    return ("triaged", "closed") if kind == "warning" else ("triaged",)


def save_publication(
    case: Case, data: Mapping[str, Any], actor: User, kind: str | None = None
) -> Verdict:
    """Create or edit the case's verdict (or warning) draft; the last editor is its author.

    `kind`, when given, is what the caller means to write: a mismatch with the case is a 409."""
    expected = publication_kind(case)
    if kind is not None and kind != expected:
        raise WorkflowError(
            _l(
                "A verifiable case gets a verdict and a fraud case a warning; this one is %(c)s.",
                c=case.category,
            ),
            409,
        )
    kind = expected
    if case.status == "published":
        raise WorkflowError(_l("The verdict is published; unpublish it to edit it."), 409)
    _require_status(case, _publishable_states(kind), _l("This case cannot get a verdict now."))
    if case.merged_into_id is not None:
        raise WorkflowError(_l("This case was merged into another one; work on that one."), 409)
    clean, errors = clean_publication_input(kind, data)
    if clean is None:
        raise WorkflowError(_l("Some fields are invalid."), 422, errors)
    verdict = case.verdict
    created = verdict is None
    if verdict is None:
        verdict = Verdict(case=case, title=clean.title, author=actor)
        db.session.add(verdict)
    verdict.kind = kind
    verdict.rating, verdict.title, verdict.claim = clean.rating, clean.title, clean.claim
    verdict.summary, verdict.explanation = clean.summary, clean.explanation
    verdict.advice, verdict.sources = clean.advice, list(clean.sources)
    # Four eyes: whoever wrote the text last may not be the one who publishes it.
    verdict.author = actor
    db.session.flush()
    record(
        case,
        "verdict_drafted" if created else "verdict_edited",
        actor,
        verdict_id=verdict.id,
        kind=kind,
        rating=verdict.rating,
        title=verdict.title,
    )
    return verdict


def publish(case: Case, actor: User) -> Verdict:
    """Publish the case's draft; the author may not publish it unless the centre's only lead."""
    if not may_publish(actor, case):
        raise WorkflowError(_l("Only a lead or an admin can publish."), 403)
    verdict = case.verdict
    if case.status == "published":
        raise WorkflowError(_l("The case is already published."), 409)
    if verdict is None:
        raise WorkflowError(_l("There is no draft to publish yet."), 409)
    kind = publication_kind(case)
    if verdict.kind != kind:
        raise WorkflowError(_l("The draft does not match the case's category; edit it."), 409)
    _require_status(case, _publishable_states(kind), _l("This case cannot be published now."))
    self_review = verdict.author_id == actor.id
    if self_review and [user.id for user in reviewers_of(case.centre)] != [actor.id]:
        raise WorkflowError(
            _l("You wrote this draft: another lead of the centre has to review and publish it."),
            403,
        )
    now = utcnow()
    verdict.status = "published"
    verdict.published_by = actor
    verdict.published_at = verdict.published_at or now  # corrections keep the first date
    assign_slug(verdict)
    case.status = "published"
    detail: dict[str, Any] = {"verdict_id": verdict.id, "kind": kind, "rating": verdict.rating}
    if self_review:
        detail["self_review"] = True
        detail["reason"] = "author is the only lead of the centre"
    record(case, "published", actor, **detail)
    return verdict


def unpublish(case: Case, reason: str | None, actor: User) -> Verdict:
    """Withdraw the published verdict (or warning); the case goes back to triaged."""
    if not may_publish(actor, case):
        raise WorkflowError(_l("Only a lead or an admin can unpublish."), 403)
    reason = _required_text(reason, "reason")
    _require_status(case, ("published",), _l("The case is not published."))
    verdict = case.verdict
    verdict.status = "withdrawn"
    verdict.unpublished_at = utcnow()
    verdict.unpublish_reason = reason
    case.status = "triaged"
    record(case, "unpublished", actor, verdict_id=verdict.id, reason=reason)
    return verdict


# --- bulk actions -----------------------------------------------------------------------------


def _each(cases: Iterable[Case], action: Callable[[Case], None]) -> tuple[int, list[int]]:
    done, skipped = 0, []
    for case in cases:
        try:
            action(case)
        except WorkflowError as error:
            if error.status == 422:  # the input is wrong for every case: stop
                raise
            skipped.append(case.id)
        else:
            done += 1
    return done, skipped


def bulk_triage(
    cases: Iterable[Case], category: str | None, actor: User, reason: str | None = None
) -> tuple[int, list[int]]:
    """Triage several cases; returns how many were triaged and the ids skipped (wrong state)."""
    return _each(cases, lambda case: triage(case, category, actor, reason))


def bulk_assign(
    cases: Iterable[Case], assignee: int | str | None, actor: User
) -> tuple[int, list[int]]:
    """Assign several cases; returns how many were assigned and the ids skipped."""
    return _each(cases, lambda case: assign(case, assignee, actor))
