"""JSON shapes of the API's objects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for

from tingia.centres.scoping import may_see_contact
from tingia.models import Attachment, Case, Report, User


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def public_report(report: Report) -> dict[str, Any]:
    """What the holder of a tracking code may see: status, never personal data."""
    return {
        "tracking_code": report.tracking_code,
        "status": report.status,
        "submitted_at": iso(report.created_at),
        "processed_at": iso(report.processed_at),
        "status_url": url_for("api.get_report", code=report.tracking_code, _external=True),
        "page_url": url_for("intake.track", code=report.tracking_code, _external=True),
    }


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    """An image of a report; `url` serves it to authorised staff only."""
    return {
        "id": attachment.id,
        "url": url_for("api.get_attachment_image", attachment_id=attachment.id, _external=True),
        "sha256": attachment.sha256,
        "width": attachment.width,
        "height": attachment.height,
        "content_type": attachment.content_type,
        "size_bytes": attachment.size_bytes,
        "text_heavy": attachment.text_heavy,
    }


def staff_report(report: Report, viewer: User) -> dict[str, Any]:
    """A report in full for staff; contact details only for staff of the case's centre."""
    data = {
        "id": report.id,
        "tracking_code": report.tracking_code,
        "status": report.status,
        "content": report.content,
        "url": report.url,
        "canonical_url": report.canonical_url,
        "platform": report.platform,
        "province": report.province_code,
        "category_hint": report.category_hint,
        "source": report.source,
        "created_at": iso(report.created_at),
        "processed_at": iso(report.processed_at),
        "match": {"score": report.match_score, "basis": report.match_basis},
        "attachments": [attachment_json(item) for item in report.attachments],
        "contact": None,
    }
    if report.has_contact and may_see_contact(viewer, report):
        data["contact"] = {
            "name": report.contact_name,
            "email": report.contact_email,
            "phone": report.contact_phone,
        }
    return data


def case_summary(case: Case) -> dict[str, Any]:
    """A case as listed."""
    return {
        "id": case.id,
        "status": case.status,
        "category": case.category,
        "province": case.centre.province_code,
        "centre": case.centre.name,
        "report_count": case.report_count,
        "reports": [report.tracking_code for report in case.reports],
        "assignee": case.assignee.email if case.assignee else None,
        "first_seen": iso(case.first_seen),
        "last_seen": iso(case.last_seen),
        "url": url_for("api.get_case", case_id=case.id, _external=True),
    }


def case_detail(case: Case, viewer: User) -> dict[str, Any]:
    """A case with its reports in full."""
    data = case_summary(case)
    data["reports"] = [staff_report(report, viewer) for report in case.reports]
    return data
