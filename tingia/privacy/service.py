"""The rules of erasing contact details: when they expire, and erasing them on request.

Only the contact fields (name, email, phone) are erased. What was reported (text, link,
images) is kept: it is the evidence of what circulated, not data about the reporter, and other
reports of the same case are grouped and verified with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, func, or_, select

from tingia.audit import record
from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import AuditAction, Case, CaseAction, CaseEvent, CaseStatus, Report

# History entries that conclude a case: its retention period runs from the latest of them.
CONCLUDING_ACTIONS = (CaseAction.CLOSED, CaseAction.PUBLISHED, CaseAction.CASE_EMPTIED)
CONCLUDED_STATUSES = (CaseStatus.CLOSED, CaseStatus.PUBLISHED)


def _has_contact():
    return or_(
        Report.contact_name.is_not(None),
        Report.contact_email.is_not(None),
        Report.contact_phone.is_not(None),
    )


def expired_contacts(now: datetime | None = None) -> Select[tuple[Report]]:
    """Reports with contact details whose case was closed or published (and still is) at least
    CONTACT_RETENTION_DAYS before `now`."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["CONTACT_RETENTION_DAYS"])
    concluded = (
        select(CaseEvent.case_id, func.max(CaseEvent.created_at).label("at"))
        .where(CaseEvent.action.in_(CONCLUDING_ACTIONS))
        .group_by(CaseEvent.case_id)
        .subquery()
    )
    return (
        select(Report)
        .join(Case, Report.case_id == Case.id)
        .join(concluded, concluded.c.case_id == Case.id)
        .where(Case.status.in_(CONCLUDED_STATUSES), concluded.c.at <= cutoff, _has_contact())
        .order_by(Report.id)
    )


def _erase(report: Report) -> None:
    report.contact_name = report.contact_email = report.contact_phone = None
    report.contact_erased_at = utcnow()


def purge_expired_contacts(now: datetime | None = None, batch: int = 500) -> int:
    """Erase up to `batch` reports' expired contact details (flushed); returns how many."""
    reports = db.session.scalars(expired_contacts(now).limit(batch)).all()
    days = current_app.config["CONTACT_RETENTION_DAYS"]
    for report in reports:
        _erase(report)
        record(
            AuditAction.CONTACT_PURGED,
            case_id=report.case_id,
            report_id=report.id,
            ip=None,
            tracking_code=report.tracking_code,
            retention_days=days,
        )
    db.session.flush()
    return len(reports)


def erase_contact_on_request(report: Report) -> bool:
    """The reporter asked (with the tracking code): erase the report's contact details now.

    Returns False when there were none. The audit entry keeps no address: the request comes
    from the person whose data is being erased.
    """
    if not report.has_contact:
        return False
    _erase(report)
    record(
        AuditAction.CONTACT_ERASED,
        case_id=report.case_id,
        report_id=report.id,
        ip=None,
        tracking_code=report.tracking_code,
    )
    db.session.flush()
    return True
