"""The case actions of the workflow: assign, triage, close, reopen, escalate, move, note, merge,
split and decide suggestions. Each fetches the case through centres.scoping and runs one service
function through `run_case_action`. Merge, split and close are asked for through a confirmation
page first (GET, or POST .../confirm for close's free text) that says what will change."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tingia.cases.rules import WorkflowError
from tingia.centres.scoping import get_case_or_404, get_report_or_404, get_suggestion_or_404
from tingia.database import parse_id
from tingia.extensions import db
from tingia.models import Centre
from tingia.publishing.public import CLOSED_MESSAGES, DEFAULT_CLOSED_MESSAGE
from tingia.triage import service
from tingia.triage.forms import (
    AssignForm,
    CentreForm,
    CloseForm,
    DecisionForm,
    EscalateForm,
    MergeForm,
    NoteForm,
    TriageForm,
)
from tingia.triage.views import bp
from tingia.triage.views.common import assignee_from_choice
from tingia.web import refusal, run_case_action


@bp.post("/cases/<int:case_id>/assign")
def assign(case_id: int):
    """Assign the case to me, a colleague, or nobody."""
    case = get_case_or_404(current_user, case_id)
    assignee = assignee_from_choice(AssignForm().assignee.data)
    return run_case_action(
        case.id, lambda: service.assign(case, assignee, current_user), _("Assignment saved.")
    )


@bp.post("/cases/<int:case_id>/triage")
def triage(case_id: int):
    """Put the case into a category."""
    case = get_case_or_404(current_user, case_id)
    form = TriageForm()
    return run_case_action(
        case.id,
        lambda: service.triage(case, form.category.data, current_user, form.reason.data),
        _("Case triaged."),
    )


@bp.post("/cases/<int:case_id>/close")
def close(case_id: int):
    """Close a harmful, fraud or out-of-scope case with the action taken."""
    case = get_case_or_404(current_user, case_id)
    form = CloseForm()
    return run_case_action(
        case.id,
        lambda: service.close(case, form.action_taken.data, current_user),
        _("Case closed."),
    )


@bp.post("/cases/<int:case_id>/reopen")
def reopen(case_id: int):
    """Take a closed case up again."""
    case = get_case_or_404(current_user, case_id)
    return run_case_action(case.id, lambda: service.reopen(case, current_user), _("Case reopened."))


@bp.post("/cases/<int:case_id>/escalate")
def escalate(case_id: int):
    """Hand the case to the national centre."""
    case = get_case_or_404(current_user, case_id)
    form = EscalateForm()
    # A provincial user no longer sees the case afterwards: back to the queue.
    back = None if current_user.is_national else url_for("staff.queue")
    return run_case_action(
        case.id,
        lambda: service.escalate(case, current_user, form.reason.data),
        _("Case escalated to the national centre."),
        back,
    )


@bp.post("/cases/<int:case_id>/centre")
def change_centre(case_id: int):
    """National staff: give the case to another centre."""
    case = get_case_or_404(current_user, case_id)
    centre = db.session.get(Centre, parse_id(str(CentreForm().centre_id.data)) or 0)
    if centre is None:
        flash(_("Choose a centre."), "error")
        return redirect(url_for("staff.case", case_id=case.id))
    return run_case_action(
        case.id,
        lambda: service.move_to_centre(case, centre, current_user),
        _("Case moved to %(centre)s.", centre=centre.name),
    )


@bp.post("/cases/<int:case_id>/take-over")
def take_over(case_id: int):
    """National staff: bring a story several centres handle into one national case."""
    case = get_case_or_404(current_user, case_id)
    return run_case_action(
        case.id,
        lambda: service.take_over(case, current_user),
        lambda target: _(
            "The story is now handled at the national centre, in case #%(id)d.", id=target.id
        ),
        back_to=lambda target: url_for("staff.case", case_id=target.id),
    )


@bp.post("/cases/<int:case_id>/notes")
def add_note(case_id: int):
    """Add an internal note to the history."""
    case = get_case_or_404(current_user, case_id)
    form = NoteForm()
    return run_case_action(
        case.id, lambda: service.add_note(case, form.text.data, current_user), _("Note added.")
    )


@bp.post("/cases/<int:case_id>/merge")
def merge(case_id: int):
    """Merge another case (by number) into this one."""
    case = get_case_or_404(current_user, case_id)
    other_id = MergeForm().case_id.data
    if not other_id:
        flash(_("Give the number of the case to merge into this one."), "error")
        return redirect(url_for("staff.case", case_id=case.id))
    other = get_case_or_404(current_user, other_id)
    return run_case_action(
        case.id,
        lambda: service.merge(case, other, current_user),
        _("Case #%(other)d merged into this one.", other=other.id),
    )


@bp.post("/cases/<int:case_id>/reports/<int:report_id>/split")
def split(case_id: int, report_id: int):
    """Move a report out of this case into a new case."""
    case = get_case_or_404(current_user, case_id)
    report = get_report_or_404(current_user, report_id)
    if report.case_id != case.id:
        abort(404)
    return run_case_action(
        case.id,
        lambda: service.split(report, current_user),
        lambda new_case: _(
            "Report %(code)s moved to a new case, #%(case)d.",
            code=report.tracking_code,
            case=new_case.id,
        ),
    )


@bp.post("/cases/<int:case_id>/suggestions/<int:suggestion_id>")
def decide_suggestion(case_id: int, suggestion_id: int):
    """Confirm or reject a suggested report."""
    case = get_case_or_404(current_user, case_id)
    suggestion = get_suggestion_or_404(current_user, case, suggestion_id)
    accept = DecisionForm().decision.data == "confirm"
    return run_case_action(
        case.id,
        lambda: service.decide_suggestion(suggestion, accept, current_user),
        _("Report added to this case.") if accept else _("Suggestion rejected."),
    )


# --- confirmations: what an action would change, before it is done (nothing changes here) -----


@bp.get("/cases/<int:case_id>/merge")
def merge_confirm(case_id: int):
    """Show what merging another case (?case_id=) into this one would change."""
    case = get_case_or_404(current_user, case_id)
    other_id = request.args.get("case_id", type=int)
    if not other_id or other_id < 1:
        flash(_("Give the number of the case to merge into this one."), "error")
        return redirect(url_for("staff.case", case_id=case.id))
    other = get_case_or_404(current_user, other_id)
    try:
        preview = service.merge_preview(case, other)
    except WorkflowError as error:
        return refusal(case.id, error)
    return render_template("staff/confirm_merge.html", case=case, preview=preview)


@bp.get("/cases/<int:case_id>/reports/<int:report_id>/split")
def split_confirm(case_id: int, report_id: int):
    """Show what moving a report out into a new case would change."""
    case = get_case_or_404(current_user, case_id)
    report = get_report_or_404(current_user, report_id)
    if report.case_id != case.id:
        abort(404)
    try:
        preview = service.split_preview(report)
    except WorkflowError as error:
        return refusal(case.id, error)
    return render_template("staff/confirm_split.html", case=case, preview=preview)


@bp.post("/cases/<int:case_id>/close/confirm")
def close_confirm(case_id: int):
    """Show what closing the case with this action taken would change."""
    case = get_case_or_404(current_user, case_id)
    try:
        preview = service.close_preview(case, CloseForm().action_taken.data)
    except WorkflowError as error:
        return refusal(case.id, error)
    message = CLOSED_MESSAGES.get(case.category, DEFAULT_CLOSED_MESSAGE)
    return render_template(
        "staff/confirm_close.html", case=case, preview=preview, reporter_message=message
    )
