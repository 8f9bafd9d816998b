"""Citizen pages: the report form, the acknowledgement and the tracking page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale

from tingia.extensions import db, limiter
from tingia.intake.answers import known_answers
from tingia.intake.forms import ReportForm, TrackForm
from tingia.intake.service import accept_report, find_report_by_code, report_input_from_form
from tingia.publishing.public import public_outcome

bp = Blueprint("intake", __name__)


def _report_limit() -> str:
    return current_app.config["RATELIMIT_REPORTS"]


def _tracking_limit() -> str:
    return current_app.config["RATELIMIT_TRACKING"]


@bp.route("/report", methods=["GET", "POST"])
@limiter.limit(_report_limit, methods=["POST"])
def report():
    """The citizen report form."""
    form = ReportForm()
    if form.validate_on_submit():
        fields = report_input_from_form(form, source="web", locale=str(get_locale()))
        new_report = accept_report(fields, form.uploaded_images)
        db.session.commit()
        return redirect(url_for("intake.track", code=new_report.tracking_code, new=1))
    status = 400 if form.errors else 200
    return render_template("intake/report.html", form=form), status


@bp.route("/track")
def track_lookup():
    """A box to type a tracking code into."""
    form = TrackForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("intake.track", code=form.code.data.strip()))
    return render_template("intake/track_lookup.html", form=form)


@bp.route("/track/<code>")
@limiter.limit(_tracking_limit)
def track(code: str):
    """What happened to a report, for the person holding its tracking code."""
    found = find_report_by_code(code)
    if found is None:
        abort(404, description="tracking code not found")
    if found.tracking_code != code:
        return redirect(url_for("intake.track", code=found.tracking_code, **request.args))
    outcome = public_outcome(found)
    return render_template(
        "intake/track.html",
        report=found,
        outcome=outcome,
        answers=known_answers(found) if outcome is None else [],
        just_submitted=request.args.get("new") == "1",
        clock_hours=current_app.config["CASE_CLOCK_HOURS"],
    )
