"""JSON shapes of the API's objects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for

from tingia.centres.scoping import may_see_contact
from tingia.models import Attachment, Case, CaseSuggestion, Report, User, Verdict
from tingia.publishing.public import claim_review, public_outcome, public_url
from tingia.triage.service import visible_suggestions


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def public_report(report: Report) -> dict[str, Any]:
    """What the holder of a tracking code may see: status and outcome, never personal data."""
    outcome = public_outcome(report)
    if outcome is not None and outcome["message"] is not None:
        outcome = {**outcome, "message": str(outcome["message"])}
    return {
        "tracking_code": report.tracking_code,
        "status": report.status,
        "submitted_at": iso(report.created_at),
        "processed_at": iso(report.processed_at),
        "status_url": url_for("api.get_report", code=report.tracking_code, _external=True),
        "page_url": url_for("intake.track", code=report.tracking_code, _external=True),
        "outcome": outcome,
    }


def public_verdict(verdict: Verdict) -> dict[str, Any]:
    """A published verdict as anyone may read it, with its schema.org ClaimReview."""
    return {
        "id": verdict.id,
        "url": public_url(verdict),
        "rating": verdict.rating,
        "title": verdict.title,
        "claim": verdict.claim,
        "summary": verdict.summary,
        "published_at": iso(verdict.published_at),
        "province": verdict.case.centre.province_code,
        "centre": verdict.case.centre.name,
        "claim_review": claim_review(verdict),
    }


def staff_verdict(verdict: Verdict) -> dict[str, Any]:
    """A case's verdict or warning, draft or published, for staff."""
    return {
        "id": verdict.id,
        "case_id": verdict.case_id,
        "kind": verdict.kind,
        "status": verdict.status,
        "rating": verdict.rating,
        "title": verdict.title,
        "claim": verdict.claim,
        "summary": verdict.summary,
        "explanation": verdict.explanation,
        "advice": verdict.advice,
        "sources": list(verdict.sources),
        "author": verdict.author.email,
        "published_by": verdict.published_by.email if verdict.published_by else None,
        "published_at": iso(verdict.published_at),
        "unpublished_at": iso(verdict.unpublished_at),
        "unpublish_reason": verdict.unpublish_reason,
        "url": public_url(verdict) if verdict.is_published else None,
    }


def suggestion_json(suggestion: CaseSuggestion) -> dict[str, Any]:
    """A report the matcher thinks may belong to the case."""
    return {
        "id": suggestion.id,
        "report_id": suggestion.report_id,
        "tracking_code": suggestion.report.tracking_code,
        "score": suggestion.score,
        "basis": suggestion.basis,
        "status": suggestion.status,
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
    """A case with its reports in full, the suggestions the viewer may decide, its verdict."""
    data = case_summary(case)
    data["reports"] = [staff_report(report, viewer) for report in case.reports]
    data["category_reason"] = case.category_reason
    data["action_taken"] = case.action_taken
    data["escalated_at"] = iso(case.escalated_at)
    data["merged_into"] = case.merged_into_id
    data["suggestions"] = [suggestion_json(item) for item in visible_suggestions(viewer, case)]
    data["verdict"] = staff_verdict(case.verdict) if case.verdict is not None else None
    return data
