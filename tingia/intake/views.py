"""Citizen pages: the report form, the acknowledgement and the tracking page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from tingia.extensions import db, limiter
from tingia.intake.forms import EraseContactForm, ReportForm, TrackForm
from tingia.intake.service import accept_report, find_report_by_code, report_input_from_form
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
    return render_template(
        "intake/track.html",
        report=found,
        outcome=public_outcome(found),
        just_submitted=request.args.get("new") == "1",
    )
