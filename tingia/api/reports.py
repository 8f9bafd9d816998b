"""POST /reports (anyone) and GET /reports/<code> (the holder of the code).

The body is read and cleaned by ReportInputSchema (JSON or form fields); the intake rules are the
web form's: the cleaned fields and the uploaded files go through ReportForm, as on the site.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from tingia.api.blueprint import bp
from tingia.api.schemas import (
    ReportCreatedSchema,
    ReportInputSchema,
    ReportStatusSchema,
    ReportUploadSchema,
    status_url,
)
from tingia.errors import api_error
from tingia.extensions import db, limiter
from tingia.intake.answers import known_answers
from tingia.intake.forms import ReportForm
from tingia.intake.service import accept_report, find_report_by_code, report_input_from_form


def _formdata(body: dict[str, Any]) -> MultiDict | CombinedMultiDict:
    """The checked fields as the form reads them (WTForms: "false" is an unticked box), with the
    uploaded files."""
    values = MultiDict()
    for name, value in body.items():
        if value is not None:
            values[name] = ("y" if value else "false") if isinstance(value, bool) else value
    return CombinedMultiDict([request.files, values]) if request.files else values


def _report_limit() -> str:
    return current_app.config["RATELIMIT_REPORTS"]


def _tracking_limit() -> str:
    return current_app.config["RATELIMIT_TRACKING"]


@bp.post("/reports")
@limiter.limit(_report_limit)
@bp.arguments(ReportInputSchema, location="report")
@bp.doc(requestBody={"content": {"multipart/form-data": {"schema": ReportUploadSchema}}})
@bp.response(201, ReportCreatedSchema, description="Accepted; keep the tracking code.")
@bp.errors(400, 413, 415, 422, 429)
def create_report(body: dict[str, Any]):
    """Report suspected fake news, harmful content or online fraud"""
    form = ReportForm(formdata=_formdata(body), meta={"csrf": False})
    if not form.validate():
        fields = {
            name: " ".join(str(message) for message in messages)
            for name, messages in form.errors.items()
        }
        only_images = set(fields) == {"images"}
        status = form.image_error_status if only_images and form.image_error_status else 422
        return api_error(status, "The report could not be accepted.", fields)
    fields = report_input_from_form(form, source="api", locale="vi")
    report = accept_report(fields, form.uploaded_images)
    # What the answer shows, read before the commit expires it (no query to load it again).
    created = {
        "tracking_code": report.tracking_code,
        "status": report.status,
        "matches": known_answers(report),
    }
    db.session.commit()  # the job outbox enqueues its processing (tingia.jobs.dispatch)
    return created, 201, {"Location": status_url(created)}


@bp.get("/reports/<code>")
@limiter.limit(_tracking_limit)
@bp.response(200, ReportStatusSchema, description="The report's status.")
@bp.errors(404, 429, e404="No report has this tracking code.", e429="Too many look-ups.")
def get_report(code: str):
    """Status of a report, by tracking code; no personal data"""
    report = find_report_by_code(code)
    if report is None:
        return api_error(404, "No report has this tracking code.")
    return report
