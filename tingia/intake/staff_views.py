"""Reports taken by staff on a caller's behalf (the hotline, a phone call, an email): the same
form, validation and pipeline as the citizen's, with the channel and who entered it recorded
(blueprint `staff_intake`, under /staff)."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from tingia.extensions import db
from tingia.i18n import REPORT_SOURCE_LABELS
from tingia.intake.forms import ReportForm
from tingia.intake.service import accept_report, report_input_from_form
from tingia.models import STAFF_INTAKE_CHANNELS

bp = Blueprint("staff_intake", __name__)


@bp.before_request
@login_required
def _staff_only() -> None:
    """Every page here needs a signed-in user: enforced here, so no route can forget it."""


class StaffReportForm(ReportForm):
    """The citizen's form, plus how the report reached the centre."""

    channel = SelectField(
        _l("Received by"),
        [DataRequired()],
        choices=[SelectChoice(code, REPORT_SOURCE_LABELS[code]) for code in STAFF_INTAKE_CHANNELS],
    )


@bp.route("/reports/new", methods=["GET", "POST"])
def report():
    """Enter a report for someone who called or wrote to the centre."""
    form = StaffReportForm()
    if not form.is_submitted() and current_user.centre.province_code:
        form.province.data = current_user.centre.province_code
    if form.validate_on_submit():
        fields = replace(
            report_input_from_form(form, source=form.channel.data, locale=str(get_locale())),
            entered_by_id=current_user.id,
        )
        new_report = accept_report(fields, form.uploaded_images)
        db.session.commit()
        flash(
            _(
                "Report saved. Give the caller the tracking code %(code)s.",
                code=new_report.tracking_code,
            ),
            "success",
        )
        return redirect(url_for("staff_intake.report", code=new_report.tracking_code))
    status = 400 if form.errors else 200
    return render_template("intake/staff_report.html", form=form), status
