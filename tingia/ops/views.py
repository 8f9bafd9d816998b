"""The admins' page of failed jobs: reports the worker gave up on, each with a requeue button."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from tingia.auth.decorators import admin_required
from tingia.extensions import db
from tingia.i18n import AppForm
from tingia.jobs.outbox import given_up_query, reset_attempts
from tingia.jobs.tasks import enqueue_report
from tingia.models import Report
from tingia.pagination import paginate_page

bp = Blueprint("ops", __name__)


@bp.before_request
@login_required
def _staff_only() -> None:
    """Every page here needs a signed-in user: enforced here, so no route can forget it."""


@bp.get("/admin/jobs")
@admin_required
def failed_jobs():
    """Reports given up on after their retries (national admins: every centre's)."""
    page = paginate_page(given_up_query(), per_page=50)
    return render_template("staff/failed_jobs.html", page=page, form=AppForm())


@bp.post("/admin/jobs/<int:report_id>/requeue")
@admin_required
def requeue_job(report_id: int):
    """Clear a given-up report's attempts and queue it again."""
    if not AppForm().validate_on_submit():
        abort(400)
    if not reset_attempts(report_id):
        abort(404)
    code = db.session.get(Report, report_id).tracking_code
    db.session.commit()
    if enqueue_report(report_id):
        flash(_("Report %(code)s queued again.", code=code), "success")
    else:
        flash(
            _("Report %(code)s will be queued by the next sweep: Redis is unreachable.", code=code),
            "warning",
        )
    return redirect(url_for("ops.failed_jobs"))
