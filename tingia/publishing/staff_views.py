"""Staff pages of publication under /staff/: the verdict and warning editor, publish and
unpublish, and which images may appear on the public page (blueprint `editor`)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tingia.cases.rules import WorkflowError
from tingia.centres.scoping import get_attachment_or_404, get_case_or_404
from tingia.extensions import db
from tingia.models import Case, PublicationKind
from tingia.publishing import service
from tingia.publishing.content import source_lines
from tingia.publishing.forms import PublishableForm, ReasonForm, VerdictForm, WarningForm
from tingia.publishing.public import future_public_url
from tingia.web import refusal, run_case_action

bp = Blueprint("editor", __name__)
PUBLIC_TEMPLATES = {
    PublicationKind.VERDICT: "publishing/verdict.html",
    PublicationKind.WARNING: "publishing/warning.html",
}


@bp.before_request
@login_required
def _staff_only() -> None:
    """Every page here needs a signed-in user: enforced here, so no route can forget it."""


def _editor_form(case: Case, kind: PublicationKind) -> VerdictForm | WarningForm:
    form_class = VerdictForm if kind == PublicationKind.VERDICT else WarningForm
    form = form_class(obj=case.verdict)
    if request.method == "GET" and case.verdict is not None:
        form.sources.data = source_lines(case.verdict.sources, case.verdict.source_titles)
    return form


def _show_errors(form: VerdictForm | WarningForm, error: WorkflowError) -> None:
    for name, message in error.fields.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]
    if not error.fields:
        flash(str(error), "error")


@bp.route("/cases/<int:case_id>/verdict", methods=["GET", "POST"])
def verdict(case_id: int):
    """Write or edit the verdict (verifiable case) or the warning (fraud case)."""
    case = get_case_or_404(current_user, case_id)
    try:
        kind = service.publication_kind(case)
    except WorkflowError as error:
        flash(str(error), "error")
        return redirect(url_for("staff.case", case_id=case.id))
    form, status = _editor_form(case, kind), 200
    if form.validate_on_submit():
        data = {name: field.data for name, field in form._fields.items()}
        try:
            service.save_publication(case, data, current_user)
        except WorkflowError as error:
            db.session.rollback()
            status = error.status
            _show_errors(form, error)
        else:
            db.session.commit()
            flash(_("Draft saved. Another lead or admin reviews and publishes it."), "success")
            return redirect(url_for("staff.case", case_id=case.id, _anchor="verdict"))
    return render_template("staff/verdict_form.html", case=case, form=form, kind=kind), status


@bp.get("/cases/<int:case_id>/publish")
def publish_preview(case_id: int):
    """The public page as it will look, and what publishing changes, before publishing."""
    case = get_case_or_404(current_user, case_id)
    try:
        preview = service.publish_preview(case, current_user)
    except WorkflowError as error:
        return refusal(case.id, error)
    verdict = preview.verdict
    return render_template(
        "staff/publish_preview.html",
        public_template=PUBLIC_TEMPLATES[verdict.kind],
        case=case,
        preview=preview,
        item=verdict,
        images=preview.images,
        claim_review=None,
        canonical=future_public_url(verdict),
        # Not public yet: the preview shows the images through the staff route.
        preview_image_url=lambda image: url_for("staff.attachment", attachment_id=image.id),
    )


@bp.post("/cases/<int:case_id>/publish")
def publish(case_id: int):
    """Publish the reviewed draft (leads and admins; not its author)."""
    case = get_case_or_404(current_user, case_id)
    return run_case_action(case.id, lambda: service.publish(case, current_user), _("Published."))


@bp.post("/cases/<int:case_id>/unpublish")
def unpublish(case_id: int):
    """Withdraw the publication, with a reason."""
    case = get_case_or_404(current_user, case_id)
    form = ReasonForm()
    return run_case_action(
        case.id,
        lambda: service.unpublish(case, form.reason.data, current_user),
        _("Unpublished; the case is back to triaged."),
    )


@bp.post("/attachments/<int:attachment_id>/publishable")
def set_publishable(attachment_id: int):
    """Allow an image on the public verdict page, or stop it."""
    found = get_attachment_or_404(current_user, attachment_id)
    case = found.report.case
    if case is None:
        abort(404)
    publishable = PublishableForm().publishable.data == "1"
    return run_case_action(
        case.id,
        lambda: service.set_publishable(found, publishable, current_user),
        _("The image may appear on the public page.")
        if publishable
        else _("The image is private again."),
        url_for("staff.case", case_id=case.id, _anchor=f"report-{found.report_id}"),
    )
