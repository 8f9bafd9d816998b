"""Staff actions on cases (triage, assign, merge, split, suggestions, verdicts, publication) and
the public list of verdicts. The same service functions as the staff pages: the rules live there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from sqlalchemy.orm import selectinload

from tingia.api import bp
from tingia.api.auth import current_api_user, token_required
from tingia.api.pagination import PaginationError, paginate
from tingia.api.serializers import case_detail, public_verdict, staff_verdict
from tingia.cases.rules import WorkflowError
from tingia.centres.scoping import get_case_or_404, get_report_or_404, get_suggestion_or_404
from tingia.errors import api_error
from tingia.extensions import db
from tingia.models import Case, PublicationKind, Verdict
from tingia.publishing import service as publishing
from tingia.publishing.public import published
from tingia.triage import service


class BodyError(Exception):
    """The request body is unusable; carries the API error response."""

    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.response = api_error(status, message, fields)


def _body(*text_fields: str) -> dict[str, Any]:
    """The JSON object sent; the named fields, when present, must be strings (or null)."""
    payload = request.get_json(silent=True) if request.data else {}
    if not isinstance(payload, dict):
        raise BodyError(400, "The body is not a JSON object.")
    wrong = {
        name: "must be a string"
        for name in text_fields
        if payload.get(name) is not None and not isinstance(payload[name], str)
    }
    if wrong:
        raise BodyError(422, "Some fields are invalid.", wrong)
    return payload


def _run(action: Callable[[], Any], respond: Callable[[Any], Any], status: int = 200):
    """Run a service action: commit and answer, or roll back and answer the rule's error."""
    try:
        result = action()
    except BodyError as error:
        db.session.rollback()
        return error.response
    except WorkflowError as error:
        db.session.rollback()
        return api_error(error.status, str(error), error.fields)
    db.session.commit()
    return respond(result), status


def _case(case_id: int) -> Case:
    return get_case_or_404(current_api_user(), case_id)


@bp.post("/cases/<int:case_id>/triage")
@token_required
def triage_case(case_id: int):
    """Put the case into a category (out_of_scope needs a reason and closes the case)."""
    user, case = current_api_user(), _case(case_id)

    def action() -> None:
        body = _body("category", "reason")
        service.triage(case, body.get("category"), user, body.get("reason"))

    return _run(action, lambda _: case_detail(case, user))


@bp.post("/cases/<int:case_id>/assign")
@token_required
def assign_case(case_id: int):
    """Assign the case by user_id or email; {"user_id": null} unassigns it."""
    user, case = current_api_user(), _case(case_id)

    def action() -> None:
        body = _body("email")
        if "user_id" in body:
            key, value = "user_id", body["user_id"]
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise BodyError(422, "Some fields are invalid.", {"user_id": "must be an integer"})
        elif body.get("email"):
            key, value = "email", body["email"]
        else:
            raise BodyError(422, "Some fields are invalid.", {"user_id": "give user_id or email"})
        try:
            service.assign(case, value, user)
        except WorkflowError as error:
            if "assignee" in error.fields:
                error.fields = {key: error.fields["assignee"]}
            raise

    return _run(action, lambda _: case_detail(case, user))


def _save(case_id: int, kind: PublicationKind):
    user, case = current_api_user(), _case(case_id)
    created = case.verdict is None

    def action() -> Verdict:
        body = _body("rating", "title", "claim", "summary", "explanation", "advice")
        if body.get("sources") is not None and not isinstance(body["sources"], list):
            raise BodyError(422, "Some fields are invalid.", {"sources": "must be a list of URLs"})
        return publishing.save_publication(case, body, user, kind=kind)

    return _run(action, staff_verdict, 201 if created else 200)


@bp.post("/cases/<int:case_id>/verdict")
@token_required
def save_verdict(case_id: int):
    """Write or replace the draft verdict of a verifiable case."""
    return _save(case_id, PublicationKind.VERDICT)


@bp.post("/cases/<int:case_id>/warning")
@token_required
def save_warning(case_id: int):
    """Write or replace the draft fraud warning of a fraud case."""
    return _save(case_id, PublicationKind.WARNING)


@bp.post("/cases/<int:case_id>/publish")
@token_required
def publish_case(case_id: int):
    """Publish the case's draft (leads and admins; not the draft's author)."""
    user, case = current_api_user(), _case(case_id)
    return _run(lambda: publishing.publish(case, user), staff_verdict)


@bp.post("/cases/<int:case_id>/unpublish")
@token_required
def unpublish_case(case_id: int):
    """Withdraw the publication with a reason; the case goes back to triaged."""
    user, case = current_api_user(), _case(case_id)

    def action() -> Verdict:
        return publishing.unpublish(case, _body("reason").get("reason"), user)

    return _run(action, staff_verdict)


@bp.post("/cases/<int:case_id>/merge")
@token_required
def merge_case(case_id: int):
    """Merge another case ({"case_id"}) into this one."""
    user, case = current_api_user(), _case(case_id)
    try:
        other_id = _body().get("case_id")
    except BodyError as error:
        return error.response
    if not isinstance(other_id, int) or isinstance(other_id, bool):
        return api_error(422, "Some fields are invalid.", {"case_id": "must be an integer"})
    other = _case(other_id)
    return _run(lambda: service.merge(case, other, user), lambda _: case_detail(case, user))


@bp.post("/cases/<int:case_id>/reports/<int:report_id>/split")
@token_required
def split_report(case_id: int, report_id: int):
    """Move a report of this case into a new case; answers the new case."""
    user, case = current_api_user(), _case(case_id)
    report = get_report_or_404(user, report_id)
    if report.case_id != case.id:
        return api_error(404, "The report is not in this case.")
    return _run(lambda: service.split(report, user), lambda new: case_detail(new, user), 201)


def _decide(case_id: int, suggestion_id: int, accept: bool):
    user, case = current_api_user(), _case(case_id)
    suggestion = get_suggestion_or_404(user, case, suggestion_id)
    return _run(
        lambda: service.decide_suggestion(suggestion, accept, user),
        lambda _: case_detail(case, user),
    )


@bp.post("/cases/<int:case_id>/suggestions/<int:suggestion_id>/confirm")
@token_required
def confirm_suggestion(case_id: int, suggestion_id: int):
    """The suggested report belongs to this case: move it in."""
    return _decide(case_id, suggestion_id, True)


@bp.post("/cases/<int:case_id>/suggestions/<int:suggestion_id>/reject")
@token_required
def reject_suggestion(case_id: int, suggestion_id: int):
    """The suggested report does not belong to this case."""
    return _decide(case_id, suggestion_id, False)


@bp.get("/verdicts")
def list_verdicts():
    """Published verdicts, newest first, each with its ClaimReview (public)."""
    query = published(PublicationKind.VERDICT).options(
        selectinload(Verdict.case).selectinload(Case.centre)
    )
    try:
        items, next_url = paginate(query, "api.list_verdicts")
    except PaginationError as error:
        return api_error(422, "Invalid paging parameters.", error.fields)
    return {"items": [public_verdict(item) for item in items], "next": next_url}
