"""The queue of cases and its bulk actions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tingia.cases.rules import WorkflowError
from tingia.centres.scoping import scoped_cases
from tingia.database import MAX_ID
from tingia.extensions import db
from tingia.models import Case
from tingia.pagination import paginate_page
from tingia.triage import service
from tingia.triage.forms import BulkForm, QueueFilterForm
from tingia.triage.queue import linked_stories_query, queue_query, queue_rows
from tingia.triage.views import bp
from tingia.triage.views.common import assignee_from_choice, colleague_choices, province_choices
from tingia.web import is_same_site

QUEUE_PER_PAGE = 25


@bp.get("/")
def queue():
    """The centre's cases to work on: most reported first, then the oldest."""
    form = QueueFilterForm(formdata=request.args)
    if current_user.is_national:
        form.province.choices = form.province.choices[:1] + province_choices()
    page = paginate_page(queue_query(current_user, form.filters()), QUEUE_PER_PAGE)
    bulk = BulkForm()
    bulk.assignee.choices = colleague_choices()
    return render_template(
        "staff/queue.html", form=form, page=page, rows=queue_rows(page.items), bulk=bulk
    )


@bp.get("/linked")
def linked():
    """National staff: the stories several centres handle (cases linked by the matcher)."""
    if not current_user.is_national:
        abort(403)
    page = paginate_page(linked_stories_query(), QUEUE_PER_PAGE)
    return render_template("staff/linked.html", page=page, rows=queue_rows(page.items))


@bp.post("/bulk")
def bulk():
    """Triage or assign the cases ticked in the queue."""
    form = BulkForm()
    ids = set(form.case_ids.data or [])
    if any(not 0 < case_id <= MAX_ID for case_id in ids):
        abort(404)  # no case has that number
    back = request.referrer if is_same_site(request.referrer) else url_for("staff.queue")
    if not ids:
        flash(_("Tick at least one case."), "error")
        return redirect(back)
    cases = db.session.scalars(scoped_cases(current_user).where(Case.id.in_(ids))).all()
    if len(cases) != len(ids):
        abort(404)
    try:
        if form.action.data == "assign":
            assignee = assignee_from_choice(form.assignee.data)
            done, skipped = service.bulk_assign(cases, assignee, current_user)
        else:
            category, reason = form.category.data, form.reason.data
            done, skipped = service.bulk_triage(cases, category, current_user, reason)
    except WorkflowError as error:
        db.session.rollback()
        flash(error.describe(), "error")
        return redirect(back)
    db.session.commit()
    flash(_("%(n)d cases updated.", n=done), "success")
    if skipped:
        numbers = ", ".join(f"#{case_id}" for case_id in sorted(skipped))
        flash(_("Skipped, not in a state that allows it: %(cases)s", cases=numbers), "error")
    return redirect(back)
