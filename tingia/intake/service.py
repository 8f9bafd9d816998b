"""The rules of accepting a report: tracking codes, storing images, the reporter's view."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from tingia import storage
from tingia.centres.scoping import centre_for_province
from tingia.extensions import db
from tingia.intake.uploads import UploadedImage
from tingia.matching.urls import canonical_url
from tingia.models import Attachment, Report
from tingia.sources.service import attribute
from tingia.tracking_codes import new_tracking_code, normalise_tracking_code


@dataclass(frozen=True)
class ReportInput:
    """The validated fields of a report (from the form or the API)."""

    content: str | None
    url: str | None
    platform: str
    province_code: str
    category_hint: str = "unsure"
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    contact_consent: bool = False
    source: str = "web"
    locale: str = "vi"
    entered_by_id: int | None = None  # staff who took the report for a caller


def find_report_by_code(raw_code: str) -> Report | None:
    """The report with this tracking code, or None."""
    code = normalise_tracking_code(raw_code)
    if code is None:
        return None
    return db.session.scalar(select(Report).where(Report.tracking_code == code))


def _unused_tracking_code() -> str:
    while True:
        code = new_tracking_code()
        if db.session.scalar(select(Report.id).where(Report.tracking_code == code)) is None:
            return code


def accept_report(fields: ReportInput, images: list[UploadedImage]) -> Report:
    """Store a new report and its images (flushed, not committed); the caller commits."""
    report = Report(
        tracking_code=_unused_tracking_code(),
        content=fields.content or "",
        url=fields.url,
        canonical_url=canonical_url(fields.url),
        platform=fields.platform,
        province_code=fields.province_code,
        centre=centre_for_province(fields.province_code),
        category_hint=fields.category_hint or "unsure",
        contact_name=fields.contact_name if fields.contact_consent else None,
        contact_email=fields.contact_email if fields.contact_consent else None,
        contact_phone=fields.contact_phone if fields.contact_consent else None,
        contact_consent=fields.contact_consent,
        source=fields.source,
        locale=fields.locale,
        entered_by_id=fields.entered_by_id,
    )
    for image in images:
        # Re-encoded at upload: the uploaded bytes (camera, GPS...) are never kept.
        stored = storage.store_image(image.image)
        report.attachments.append(
            Attachment(
                storage_key=stored.key,
                content_type=stored.content_type,
                original_name=image.filename,
                size_bytes=stored.size_bytes,
                sha256=image.sha256,
                width=stored.width,
                height=stored.height,
            )
        )
    db.session.add(report)
    db.session.flush()
    attribute(report.canonical_url)  # the page, account or website behind the link
    return report


def report_input_from_form(form, source: str, locale: str) -> ReportInput:
    """Turn a validated ReportForm into the service's input."""
    return ReportInput(
        content=form.content.data,
        url=form.url.data,
        platform=form.platform.data,
        province_code=form.province.data,
        category_hint=form.category_hint.data or "unsure",
        contact_name=form.contact_name.data,
        contact_email=form.contact_email.data,
        contact_phone=form.contact_phone.data,
        contact_consent=bool(form.contact_consent.data),
        source=source,
        locale=locale,
    )
