"""Staff pages under /staff/: the queue, the case page and its actions, the verdict editor.

Every object is fetched through centres.scoping (another centre's object answers 404), every rule
is in triage/service.py; a view parses the form, calls the service and commits once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tingia import storage
from tingia.auth.team import bp as team_bp
from tingia.centres.scoping import (
    get_attachment_or_404,
    get_case_or_404,
    get_report_or_404,
    get_suggestion_or_404,
    may_see_contact,
    scoped_cases,
)
from tingia.extensions import db
from tingia.models import Case, CaseEvent, Centre, Province, Report
from tingia.pagination import paginate_page
from tingia.publishing.service import public_url
from tingia.triage import service
from tingia.triage.forms import (
    ActionForm,
    AssignForm,
    BulkForm,
    CentreForm,
    CloseForm,
    DecisionForm,
    EscalateForm,
    MergeForm,
    NoteForm,
    PublishableForm,
    QueueFilterForm,
    ReasonForm,
    TriageForm,
    VerdictForm,
    WarningForm,
)
from tingia.triage.queue import QueueFilters, case_clock, queue_query, queue_rows
from tingia.triage.service import WorkflowError

bp = Blueprint("staff", __name__)
bp.register_blueprint(team_bp)  # the accounts pages: endpoints staff.team.*
QUEUE_PER_PAGE = 25


@bp.before_request
@login_required
def _staff_only() -> None:
    """Every staff page needs a signed-in user: enforced here, so no route can forget it."""


# --- helpers ---------------------------------------------------------------------------------


def _error_text(error: WorkflowError) -> str:
    details = "; ".join(f"{name}: {message}" for name, message in error.fields.items())
    return f"{error} ({details})" if details else str(error)


def _act(
    case: Case,
    action: Callable[[], Any],
    success: str | Callable[[Any], str],
    back_to: str | None = None,
) -> Response:
    """Run a service action on a case: commit and say so, or roll back and say why not."""
    try:
        result = action()
    except WorkflowError as error:
        db.session.rollback()
        if error.status == 403:  # the role does not allow it: the button isn't even shown
            abort(403)
        flash(_error_text(error), "error")
    else:
        db.session.commit()
        flash(success(result) if callable(success) else success, "success")
    return redirect(back_to or url_for("staff.case", case_id=case.id))


def _assignee(value: str | None) -> int | str | None:
    """The assignee picked in a select: "" nobody, "me", or a user id."""
    if not value:
        return None
    if value == "me":
        return current_user.id
    return int(value) if value.isdigit() else value


def _colleague_choices(case: Case | None = None) -> list[tuple[str, str]]:
    """Who a case can go to: the case's eligible staff, or (bulk) the user's centre."""
    query = service.eligible_assignees(case) if case else service.colleagues_of(current_user)
    users = db.session.scalars(query).all()
    return [("", _("Nobody")), ("me", _("Me"))] + [
        (str(user.id), user.display_name) for user in users if user.id != current_user.id
    ]


def _province_choices() -> list[tuple[str, str]]:
    provinces = db.session.execute(select(Province.code, Province.name).order_by(Province.name))
    return [("national", _("National centre"))] + [(code, name) for code, name in provinces]


# --- the queue -------------------------------------------------------------------------------


@bp.get("/")
def queue():
    """The centre's cases to work on: most reported first, then the oldest."""
    form = QueueFilterForm(formdata=request.args)
    if current_user.is_national:
        form.province.choices = form.province.choices[:1] + _province_choices()
    form.validate()
    values = {
        name: form[name].data.strip() if name == "q" else form[name].data
        for name in ("status", "category", "platform", "assignee", "province", "q")
        if form[name].data and not form[name].errors
    }
    for field in form:
        field.errors = []  # an unknown filter value is simply ignored, not an error to show
    page = paginate_page(queue_query(current_user, QueueFilters(**values)), QUEUE_PER_PAGE)
    bulk = BulkForm()
    bulk.assignee.choices = _colleague_choices()
    return render_template(
        "staff/queue.html",
        form=form,
        page=page,
        rows=queue_rows(page.items),
        bulk=bulk,
    )


@bp.post("/bulk")
def bulk():
    """Triage or assign the cases ticked in the queue."""
    form = BulkForm()
    ids = set(form.case_ids.data or [])
    back = request.referrer if _same_site(request.referrer) else url_for("staff.queue")
    if not ids:
        flash(_("Tick at least one case."), "error")
        return redirect(back)
    cases = db.session.scalars(scoped_cases(current_user).where(Case.id.in_(ids))).all()
    if len(cases) != len(ids):
        abort(404)
    try:
        if form.action.data == "assign":
            done, skipped = service.bulk_assign(cases, _assignee(form.assignee.data), current_user)
        else:
            done, skipped = service.bulk_triage(
                cases, form.category.data, current_user, form.reason.data
            )
    except WorkflowError as error:
        db.session.rollback()
        flash(_error_text(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("%(n)d cases updated.", n=done), "success")
    if skipped:
        numbers = ", ".join(f"#{case_id}" for case_id in sorted(skipped))
        flash(_("Skipped, not in a state that allows it: %(cases)s", cases=numbers), "error")
    return redirect(back)


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


# --- the case page ---------------------------------------------------------------------------


@bp.get("/cases/<int:case_id>")
def case(case_id: int):
    """Everything about a case: its reports, suggestions, verdict, actions and history."""
    case = get_case_or_404(current_user, case_id)
    reports = db.session.scalars(
        select(Report)
        .where(Report.case_id == case.id)
        .options(selectinload(Report.attachments), selectinload(Report.province))
        .order_by(Report.created_at, Report.id)
    ).all()
    events = db.session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id)
        .options(selectinload(CaseEvent.actor))
        .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
    ).all()
    assign_form = AssignForm(assignee=str(case.assignee_id or ""))
    assign_form.assignee.choices = _colleague_choices(case)
    centre_form = None
    if current_user.is_national:
        centre_form = CentreForm(centre_id=case.centre_id)
        centres = db.session.scalars(select(Centre).order_by(Centre.province_code.is_not(None)))
        centre_form.centre_id.choices = [(centre.id, centre.name) for centre in centres]
    verdict = case.verdict
    return render_template(
        "staff/case.html",
        case=case,
        reports=reports,
        contacts={r.id for r in reports if r.has_contact and may_see_contact(current_user, r)},
        suggestions=service.visible_suggestions(current_user, case),
        events=events,
        clock=case_clock(case),
        verdict=verdict,
        verdict_url=public_url(verdict) if verdict is not None and verdict.slug else None,
        may_publish=service.may_publish(current_user, case),
        assign_form=assign_form,
        triage_form=TriageForm(),
        escalate_form=EscalateForm(),
        centre_form=centre_form,
        note_form=NoteForm(),
        merge_form=MergeForm(),
        close_form=CloseForm(),
        reason_form=ReasonForm(),
        action_form=ActionForm(),
    )


@bp.post("/cases/<int:case_id>/assign")
def assign(case_id: int):
    """Assign the case to me, a colleague, or nobody."""
    case = get_case_or_404(current_user, case_id)
    assignee = _assignee(AssignForm().assignee.data)
    return _act(case, lambda: service.assign(case, assignee, current_user), _("Assignment saved."))


@bp.post("/cases/<int:case_id>/triage")
def triage(case_id: int):
    """Put the case into a category."""
    case = get_case_or_404(current_user, case_id)
    form = TriageForm()
    return _act(
        case,
        lambda: service.triage(case, form.category.data, current_user, form.reason.data),
        _("Case triaged."),
    )


@bp.post("/cases/<int:case_id>/close")
def close(case_id: int):
    """Close a harmful, fraud or out-of-scope case with the action taken."""
    case = get_case_or_404(current_user, case_id)
    form = CloseForm()
    return _act(
        case,
        lambda: service.close(case, form.action_taken.data, current_user),
        _("Case closed."),
    )


@bp.post("/cases/<int:case_id>/reopen")
def reopen(case_id: int):
    """Take a closed case up again."""
    case = get_case_or_404(current_user, case_id)
    return _act(case, lambda: service.reopen(case, current_user), _("Case reopened."))


@bp.post("/cases/<int:case_id>/escalate")
def escalate(case_id: int):
    """Hand the case to the national centre."""
    case = get_case_or_404(current_user, case_id)
    form = EscalateForm()
    # A provincial user no longer sees the case afterwards: back to the queue.
    back = None if current_user.is_national else url_for("staff.queue")
    return _act(
        case,
        lambda: service.escalate(case, current_user, form.reason.data),
        _("Case escalated to the national centre."),
        back,
    )


@bp.post("/cases/<int:case_id>/centre")
def change_centre(case_id: int):
    """National staff: give the case to another centre."""
    case = get_case_or_404(current_user, case_id)
    centre = db.session.get(Centre, CentreForm().centre_id.data or 0)
    if centre is None:
        flash(_("Choose a centre."), "error")
        return redirect(url_for("staff.case", case_id=case.id))
    return _act(
        case,
        lambda: service.move_to_centre(case, centre, current_user),
        _("Case moved to %(centre)s.", centre=centre.name),
    )


@bp.post("/cases/<int:case_id>/notes")
def add_note(case_id: int):
    """Add an internal note to the history."""
    case = get_case_or_404(current_user, case_id)
    form = NoteForm()
    return _act(
        case, lambda: service.add_note(case, form.text.data, current_user), _("Note added.")
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
    return _act(
        case,
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
    return _act(
        case,
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
    return _act(
        case,
        lambda: service.decide_suggestion(suggestion, accept, current_user),
        _("Report added to this case.") if accept else _("Suggestion rejected."),
    )


# --- images ----------------------------------------------------------------------------------


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    """A report's stored image, for staff who may see the report."""
    found = get_attachment_or_404(current_user, attachment_id)
    return storage.send_image(found.storage_key, found.content_type)


@bp.post("/attachments/<int:attachment_id>/publishable")
def set_publishable(attachment_id: int):
    """Allow an image on the public verdict page, or stop it."""
    found = get_attachment_or_404(current_user, attachment_id)
    case = found.report.case
    if case is None:
        abort(404)
    publishable = PublishableForm().publishable.data == "1"
    return _act(
        case,
        lambda: service.set_publishable(found, publishable, current_user),
        _("The image may appear on the public page.")
        if publishable
        else _("The image is private again."),
        url_for("staff.case", case_id=case.id, _anchor=f"report-{found.report_id}"),
    )


# --- verdicts and warnings -------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/verdict", methods=["GET", "POST"])
def verdict(case_id: int):
    """Write or edit the verdict (verifiable case) or the warning (fraud case)."""
    case = get_case_or_404(current_user, case_id)
    try:
        kind = service.publication_kind(case)
    except WorkflowError as error:
        flash(str(error), "error")
        return redirect(url_for("staff.case", case_id=case.id))
    form_class = VerdictForm if kind == "verdict" else WarningForm
    existing = case.verdict
    form = form_class(obj=existing)
    if request.method == "GET" and existing is not None:
        form.sources.data = "\n".join(existing.sources)
    status = 200
    if form.validate_on_submit():
        data = {name: field.data for name, field in form._fields.items()}
        try:
            service.save_publication(case, data, current_user)
        except WorkflowError as error:
            db.session.rollback()
            status = error.status
            for name, message in error.fields.items():
                if name in form:
                    form[name].errors = [*form[name].errors, message]
            if not error.fields:
                flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Draft saved. Another lead or admin reviews and publishes it."), "success")
            return redirect(url_for("staff.case", case_id=case.id, _anchor="verdict"))
    return render_template("staff/verdict_form.html", case=case, form=form, kind=kind), status


@bp.post("/cases/<int:case_id>/publish")
def publish(case_id: int):
    """Publish the reviewed draft (leads and admins; not its author)."""
    case = get_case_or_404(current_user, case_id)
    return _act(case, lambda: service.publish(case, current_user), _("Published."))


@bp.post("/cases/<int:case_id>/unpublish")
def unpublish(case_id: int):
    """Withdraw the publication, with a reason."""
    case = get_case_or_404(current_user, case_id)
    form = ReasonForm()
    return _act(
        case,
        lambda: service.unpublish(case, form.reason.data, current_user),
        _("Unpublished; the case is back to triaged."),
    )
