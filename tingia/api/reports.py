"""POST /reports (anyone) and GET /reports/<code> (the holder of the code)."""

from __future__ import annotations

from flask import current_app, request
from werkzeug.datastructures import MultiDict

from tingia.api import bp
from tingia.api.serializers import public_report
from tingia.errors import api_error
from tingia.extensions import db, limiter
from tingia.intake.forms import ReportForm
from tingia.intake.service import accept_report, find_report_by_code, report_input_from_form

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _json_formdata(payload: dict) -> tuple[MultiDict | None, dict[str, str]]:
    """JSON fields as form data; JSON may only carry scalar values and no images."""
    errors: dict[str, str] = {}
    if "images" in payload:
        errors["images"] = "send images as multipart/form-data, not JSON"
    formdata = MultiDict()
    for name, value in payload.items():
        if value is None or name == "images":
            continue
        if isinstance(value, bool):
            formdata[name] = "y" if value else "false"
        elif isinstance(value, str | int | float):
            formdata[name] = str(value)
        else:
            errors[name] = "must be a string"
    return formdata, errors


def _report_limit() -> str:
    return current_app.config["RATELIMIT_REPORTS"]


@bp.post("/reports")
@limiter.limit(_report_limit)
def create_report():
    """Accept a citizen's report; answer its tracking code."""
    mimetype = request.mimetype
    if mimetype == "application/json":
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return api_error(400, "The body is not a JSON object.")
        formdata, errors = _json_formdata(payload)
        if errors:
            return api_error(422, "Some fields are invalid.", errors)
        form = ReportForm(formdata=formdata, meta={"csrf": False})
    elif mimetype in FORM_TYPES:
        form = ReportForm(meta={"csrf": False})
    else:
        return api_error(415, "Send multipart/form-data or application/json.")

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
    db.session.commit()
    body = public_report(report)
    response_body = {key: body[key] for key in ("tracking_code", "status", "status_url")}
    return response_body, 201, {"Location": body["status_url"]}


@bp.get("/reports/<code>")
@limiter.limit("60 per minute")
def get_report(code: str):
    """A report's status for whoever holds its tracking code; no personal data."""
    report = find_report_by_code(code)
    if report is None:
        return api_error(404, "No report has this tracking code.")
    return public_report(report)
