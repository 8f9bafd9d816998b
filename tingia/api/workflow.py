"""Staff actions on cases (triage, assign, merge, split, suggestions, verdicts, publication) and
the public list of verdicts. The same service functions as the staff pages: the rules live there;
a rule's refusal (WorkflowError) rolls the request back and answers its status and fields.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from tingia.api.auth import current_api_user, token_required
from tingia.api.blueprint import bp
from tingia.api.pagination import PageArgsSchema, paginated
from tingia.api.schemas import (
    AssignInputSchema,
    CaseDetailSchema,
    MergeInputSchema,
    ReasonInputSchema,
    StaffVerdictSchema,
    TriageInputSchema,
    VerdictInputSchema,
    VerdictListSchema,
    WarningInputSchema,
)
from tingia.cases.rules import WorkflowError
from tingia.centres.scoping import get_case_or_404, get_report_or_404, get_suggestion_or_404
from tingia.errors import api_error
from tingia.extensions import db
from tingia.models import Case, PublicationKind, Verdict
from tingia.publishing import service as publishing
from tingia.publishing.public import published
from tingia.triage import service

ACTION_ERRORS = (403, 404, 409)
SCOPE_404 = "No such case (or report, suggestion) in the user's scope."


@bp.errorhandler(WorkflowError)
def refuse(error: WorkflowError):
    """The rules refused the action: nothing of it is kept."""
    db.session.rollback()
    return api_error(error.status, str(error), error.fields)


CaseCheck = Callable[[Case], None]


def with_case(view: Callable[..., Any], check: CaseCheck | None = None) -> Callable[..., Any]:
    """Pass the URL's case (404 outside the user's scope) instead of its id, checked by `check`,
    before the body is read: who may not act learns nothing from the body's errors."""

    @wraps(view)
    def wrapper(*args: Any, case_id: int, **kwargs: Any) -> Any:
        case = get_case_or_404(current_api_user(), case_id)
        if check is not None:
            check(case)
        return view(*args, case=case, **kwargs)

    return wrapper


def action(
    body_schema: Any = None,
    answer: Any = CaseDetailSchema,
    status: int = 200,
    check: CaseCheck | None = None,
):
    """Document and wrap a case action: token, the case, its body, its answer and errors."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        view = bp.errors(*ACTION_ERRORS, e404=SCOPE_404)(bp.response(status, answer)(view))
        if body_schema is not None:
            view = bp.body(body_schema)(view)
        return token_required(with_case(view, check))

    return decorator


def lead_of(case: Case) -> None:
    """Only leads and admins withdraw a publication (the service's rule, checked early)."""
    if not publishing.may_publish(current_api_user(), case):
        raise WorkflowError(_l("Only a lead or an admin can unpublish."), 403)


def _committed(result: Any) -> Any:
    """Commit the action (once, here) and pass its result on."""
    db.session.commit()
    return result


@bp.post("/cases/<id:case_id>/triage")
@action(TriageInputSchema)
def triage_case(body: dict[str, Any], case: Case):
    """Triage a case (out_of_scope needs a reason and closes it)"""
    service.triage(case, body["category"], current_api_user(), body.get("reason"))
    return _committed(case)


@bp.post("/cases/<id:case_id>/assign")
@action(AssignInputSchema)
def assign_case(body: dict[str, Any], case: Case):
    """Assign a case to a colleague, by user_id or email; {"user_id": null} unassigns it"""
    key = "user_id" if "user_id" in body else "email"
    try:
        service.assign(case, body[key], current_api_user())
    except WorkflowError as error:
        if "assignee" in error.fields:
            error.fields = {key: error.fields["assignee"]}
        raise
    return _committed(case)


def _save(body: dict[str, Any], case: Case, kind: PublicationKind):
    created = case.verdict is None
    verdict = publishing.save_publication(case, body, current_api_user(), kind=kind)
    return _committed(verdict), 201 if created else 200


@bp.post("/cases/<id:case_id>/verdict")
@action(VerdictInputSchema, StaffVerdictSchema)
@bp.alt_response(201, schema=StaffVerdictSchema, description="Draft created.", success=True)
def save_verdict(body: dict[str, Any], case: Case):
    """Write or replace the draft verdict of a verifiable case (201 when new)"""
    return _save(body, case, PublicationKind.VERDICT)


@bp.post("/cases/<id:case_id>/warning")
@action(WarningInputSchema, StaffVerdictSchema)
@bp.alt_response(201, schema=StaffVerdictSchema, description="Draft created.", success=True)
def save_warning(body: dict[str, Any], case: Case):
    """Write or replace the draft fraud warning of a fraud case (201 when new)"""
    return _save(body, case, PublicationKind.WARNING)


@bp.post("/cases/<id:case_id>/publish")
@action(answer=StaffVerdictSchema)
def publish_case(case: Case):
    """Publish the draft: leads and admins, not its author (unless the centre's only lead)"""
    return _committed(publishing.publish(case, current_api_user()))


@bp.post("/cases/<id:case_id>/unpublish")
@action(ReasonInputSchema, StaffVerdictSchema, check=lead_of)
def unpublish_case(body: dict[str, Any], case: Case):
    """Withdraw the publication with a reason (leads and admins); the case goes back to triaged"""
    return _committed(publishing.unpublish(case, body["reason"], current_api_user()))


@bp.post("/cases/<id:case_id>/merge")
@action(MergeInputSchema)
def merge_case(body: dict[str, Any], case: Case):
    """Merge another case into this one"""
    other = get_case_or_404(current_api_user(), body["case_id"])
    service.merge(case, other, current_api_user())
    return _committed(case)


@bp.post("/cases/<id:case_id>/reports/<id:report_id>/split")
@action(status=201)
def split_report(case: Case, report_id: int):
    """Move a report of this case into a new case; answers the new case"""
    report = get_report_or_404(current_api_user(), report_id)
    if report.case_id != case.id:
        return api_error(404, "The report is not in this case.")
    return _committed(service.split(report, current_api_user()))


def _decide(case: Case, suggestion_id: int, accept: bool):
    suggestion = get_suggestion_or_404(current_api_user(), case, suggestion_id)
    service.decide_suggestion(suggestion, accept, current_api_user())
    return _committed(case)


@bp.post("/cases/<id:case_id>/suggestions/<id:suggestion_id>/confirm")
@action()
def confirm_suggestion(case: Case, suggestion_id: int):
    """The suggested report belongs to this case: move it in"""
    return _decide(case, suggestion_id, True)


@bp.post("/cases/<id:case_id>/suggestions/<id:suggestion_id>/reject")
@action()
def reject_suggestion(case: Case, suggestion_id: int):
    """The suggested report does not belong to this case"""
    return _decide(case, suggestion_id, False)


@bp.get("/verdicts")
@bp.query(PageArgsSchema)
@bp.response(200, VerdictListSchema, description="A page of verdicts.")
def list_verdicts(args: dict[str, Any]):
    """Published verdicts, newest first, with their schema.org ClaimReview (public)"""
    query = published(PublicationKind.VERDICT).options(
        selectinload(Verdict.case).selectinload(Case.centre)
    )
    return paginated(query, args, "api.list_verdicts")
