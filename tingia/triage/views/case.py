"""The case page and the images of its reports."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from tingia import storage
from tingia.audit import record_contact_view
from tingia.centres.scoping import get_attachment_or_404, get_case_or_404
from tingia.centres.service import centres_in_order
from tingia.extensions import db
from tingia.publishing.forms import ReasonForm
from tingia.sources.service import sources_of_case
from tingia.takedowns.forms import TakedownForm
from tingia.takedowns.service import case_panel
from tingia.triage.case_page import case_page
from tingia.triage.forms import (
    ActionForm,
    AssignForm,
    CentreForm,
    CloseForm,
    EscalateForm,
    MergeForm,
    NoteForm,
    TriageForm,
)
from tingia.triage.views import bp
from tingia.triage.views.common import assignee_value, case_assignee_choices


@bp.get("/cases/<int:case_id>")
def case(case_id: int):
    """Everything about a case: its reports, suggestions, verdict, actions and history."""
    found = get_case_or_404(current_user, case_id)
    page = case_page(current_user, found)
    for report in page.reports:
        if report.id in page.contacts:  # shown on the page: every view is in the audit log
            record_contact_view(current_user, report, request.remote_addr)
    assign_form = AssignForm(assignee=assignee_value(found))
    assign_form.assignee.choices = case_assignee_choices(found)
    centre_form = None
    if current_user.is_national:
        centre_form = CentreForm(centre_id=found.centre_id)
        centre_form.centre_id.choices = [SelectChoice(c.id, c.name) for c in centres_in_order()]
    html = render_template(
        "staff/case.html",
        **vars(page),
        assign_form=assign_form,
        triage_form=TriageForm(),
        escalate_form=EscalateForm(),
        centre_form=centre_form,
        note_form=NoteForm(),
        merge_form=MergeForm(),
        close_form=CloseForm(),
        reason_form=ReasonForm(),
        action_form=ActionForm(),
        takedown_panel=case_panel(found, sources_of_case(found)),
        takedown_form=TakedownForm(),
    )
    # Committed once the page is rendered: committing first would expire every loaded report
    # and image, and the page would load them again one by one (100 queries for 50 reports).
    # The contact views are still in the audit log before anyone sees the page.
    db.session.commit()
    return html


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    """A report's stored image, for staff who may see the report."""
    found = get_attachment_or_404(current_user, attachment_id)
    return storage.send_image(found.storage_key, found.content_type)
