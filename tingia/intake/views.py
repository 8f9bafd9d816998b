"""Citizen pages: the report form, the acknowledgement and the tracking page."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from tingia.extensions import db, limiter
from tingia.intake.answers import known_answers
from tingia.intake.forms import EraseContactForm, ReportForm, TrackForm
from tingia.intake.service import (
    accept_report,
    discard_pending_uploads,
    find_pending_uploads,
    find_report_by_code,
    new_submission_key,
    report_for_submission,
    report_input_from_form,
    stash_uploads,
)
from tingia.models import Report
from tingia.privacy.service import erase_contact_on_request
from tingia.publishing.public import public_outcome

bp = Blueprint("intake", __name__)


def _report_limit() -> str:
    return current_app.config["RATELIMIT_REPORTS"]


def _tracking_limit() -> str:
    return current_app.config["RATELIMIT_TRACKING"]


@bp.route("/report", methods=["GET", "POST"])
@limiter.limit(_report_limit, methods=["POST"])
def report():
    """The citizen report form; one report per form, however often it is sent."""
    form = ReportForm()
    form.submission_key.data = form.submission_key.data or new_submission_key()
    already = form.is_submitted() and report_for_submission(form.submission_key.data)
    if already:
        return _tracking_page(already)
    if form.validate_on_submit():
        fields = report_input_from_form(form, source="web", locale=str(get_locale()))
        new_report = accept_report(fields, form.all_images)
        discard_pending_uploads(form.kept_uploads)
        try:
            db.session.commit()
        except IntegrityError:  # the same form, sent twice at once: the other one won
            db.session.rollback()
            return _tracking_page(report_for_submission(form.submission_key.data))
        return _tracking_page(new_report)
    if form.uploaded_images:  # checked images survive the errors: the citizen keeps them
        form.kept_uploads += stash_uploads(form.uploaded_images)
        db.session.commit()
    status = 400 if form.errors else 200
    return render_template("intake/report.html", form=form), status


def _tracking_page(found: Report | None):
    if found is None:
        abort(409)
    return redirect(url_for("intake.track", code=found.tracking_code, new=1))


@bp.route("/report/images/<token>")
@limiter.limit("120 per minute")
def pending_image(token: str):
    """A thumbnail of an image kept with a form that came back with errors (by its token)."""
    found = find_pending_uploads([token])
    if not found:
        abort(404)
    response = Response(found[0].data, mimetype=found[0].content_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/track")
def track_lookup():
    """A box to type a tracking code into."""
    form = TrackForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("intake.track", code=form.code.data.strip()))
    return render_template("intake/track_lookup.html", form=form)


def _erasure_limit() -> str:
    return current_app.config["RATELIMIT_CONTACT_ERASURE"]


@bp.route("/track/<code>/forget", methods=["GET", "POST"])
@limiter.limit("60 per minute")
@limiter.limit(_erasure_limit, methods=["POST"])
def erase_contact(code: str):
    """The holder of a tracking code has the report's contact details deleted."""
    found = find_report_by_code(code)
    if found is None:
        abort(404, description="tracking code not found")
    if found.tracking_code != code:
        return redirect(url_for("intake.erase_contact", code=found.tracking_code))
    form = EraseContactForm()
    if found.has_contact and form.validate_on_submit():
        erase_contact_on_request(found)
        db.session.commit()
        flash(_("Your contact details have been deleted."), "success")
        return redirect(url_for("intake.track", code=found.tracking_code))
    status = 400 if form.errors else 200
    return render_template("intake/erase_contact.html", report=found, form=form), status


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
