"""The rules of accepting a report: tracking codes, storing images, the reporter's view."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from tingia import storage
from tingia.centres.scoping import centre_for_province
from tingia.centres.service import province_directory
from tingia.database import utcnow
from tingia.extensions import db
from tingia.intake.uploads import UploadedImage
from tingia.matching.urls import canonical_url
from tingia.models import Attachment, PendingUpload, Report
from tingia.sources.service import attribute
from tingia.storage import CleanImage
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
    submission_key: str | None = None


def find_report_by_code(raw_code: str) -> Report | None:
    """The report with this tracking code, or None."""
    code = normalise_tracking_code(raw_code)
    if code is None:
        return None
    return db.session.scalar(select(Report).where(Report.tracking_code == code))


TRACKING_CODE_ATTEMPTS = 5


def _insert_with_unused_code(report: Report) -> None:
    """Insert the report under a fresh random tracking code.

    No query first to see whether the code is taken: two codes clash about once in 2^59, and
    the unique index says so when they do. Then the transaction is rolled back (it holds only
    this report: the views commit before accepting one) and the report inserted again under a
    new code.
    """
    for attempt in range(1, TRACKING_CODE_ATTEMPTS + 1):
        report.tracking_code = new_tracking_code()
        db.session.add(report)
        try:
            db.session.flush()
            return
        except IntegrityError as error:
            if attempt == TRACKING_CODE_ATTEMPTS or "tracking_code" not in str(error.orig):
                raise
            db.session.rollback()


def _centre_id_for(province_code: str) -> int:
    """The centre a province's reports are routed to (centres.scoping.centre_for_province)."""
    centre_id = province_directory().centre_id_for(province_code)
    return centre_id if centre_id is not None else centre_for_province(province_code).id


def accept_report(fields: ReportInput, images: list[UploadedImage]) -> Report:
    """Store a new report and its images (flushed, not committed); the caller commits."""
    report = Report(
        content=fields.content or "",
        url=fields.url,
        canonical_url=canonical_url(fields.url),
        platform=fields.platform,
        province_code=fields.province_code,
        centre_id=_centre_id_for(fields.province_code),
        category_hint=fields.category_hint or "unsure",
        contact_name=fields.contact_name if fields.contact_consent else None,
        contact_email=fields.contact_email if fields.contact_consent else None,
        contact_phone=fields.contact_phone if fields.contact_consent else None,
        contact_consent=fields.contact_consent,
        source=fields.source,
        locale=fields.locale,
        entered_by_id=fields.entered_by_id,
        submission_key=fields.submission_key,
        attachments=[],  # known to be empty so far: reading it later needs no query
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
    _insert_with_unused_code(report)
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
        submission_key=form.submission_key.data or None,
    )


def new_submission_key() -> str:
    """A one-time key for a report form: sending the form twice makes one report."""
    return secrets.token_urlsafe(24)


def report_for_submission(key: str | None) -> Report | None:
    """The report already made from the form with this key, if any."""
    if not key:
        return None
    return db.session.scalar(select(Report).where(Report.submission_key == key))


def stash_uploads(images: list[UploadedImage]) -> list[PendingUpload]:
    """Keep checked images of a form sent back with errors, each under a new token (their
    re-encoded bytes: what was uploaded is never kept, not even for a day)."""
    stashed = [
        PendingUpload(
            token=secrets.token_urlsafe(32),
            filename=image.filename,
            content_type=image.content_type,
            sha256=image.sha256,
            width=image.image.width,
            height=image.image.height,
            data=image.image.data,
        )
        for image in images
    ]
    db.session.add_all(stashed)
    db.session.flush()
    return stashed


def _fresh_since() -> datetime:
    return utcnow() - timedelta(hours=current_app.config["PENDING_UPLOAD_HOURS"])


def find_pending_uploads(tokens: list[str]) -> list[PendingUpload]:
    """The pending uploads with these tokens that have not expired, in the tokens' order."""
    wanted = [token for token in dict.fromkeys(tokens) if token]
    if not wanted:
        return []
    found = {
        upload.token: upload
        for upload in db.session.scalars(
            select(PendingUpload).where(
                PendingUpload.token.in_(wanted), PendingUpload.created_at >= _fresh_since()
            )
        )
    }
    return [found[token] for token in wanted if token in found]


def as_uploaded(upload: PendingUpload) -> UploadedImage:
    """A pending upload as the checked image it was."""
    return UploadedImage(
        image=CleanImage(
            data=upload.data,
            content_type=upload.content_type,
            width=upload.width,
            height=upload.height,
        ),
        filename=upload.filename,
        sha256=upload.sha256,
    )


def discard_pending_uploads(uploads: list[PendingUpload]) -> None:
    """Forget pending uploads (sent with their report, or given up)."""
    for upload in uploads:
        db.session.delete(upload)
    db.session.flush()


def purge_pending_uploads() -> int:
    """Delete pending uploads older than PENDING_UPLOAD_HOURS; returns how many."""
    result = db.session.execute(
        delete(PendingUpload).where(PendingUpload.created_at < _fresh_since())
    )
    return result.rowcount or 0
