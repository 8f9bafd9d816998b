"""Staff endpoints: cases, their reports and images, scoped to the user's centre."""

from __future__ import annotations

from flask import request
from sqlalchemy.orm import selectinload

from tingia import storage
from tingia.api import bp
from tingia.api.auth import current_api_user, token_required
from tingia.api.pagination import PaginationError, paginate
from tingia.api.serializers import case_detail, case_summary
from tingia.centres.scoping import get_attachment_or_404, get_case_or_404, scoped_cases
from tingia.errors import api_error
from tingia.extensions import db
from tingia.models import Case, CaseStatus, Category, Centre, Province


def _case_filters() -> tuple[list, dict[str, str]]:
    """SQL conditions from ?status=&category=&province=, and errors for unknown values."""
    conditions, errors = [], {}
    status = request.args.get("status")
    if status:
        if status in list(CaseStatus):
            conditions.append(Case.status == status)
        else:
            errors["status"] = f"must be one of {', '.join(CaseStatus)}"
    category = request.args.get("category")
    if category:
        if category in list(Category):
            conditions.append(Case.category == category)
        else:
            errors["category"] = f"must be one of {', '.join(Category)}"
    province = request.args.get("province")
    if province:
        if province == "national":
            conditions.append(Case.centre.has(Centre.is_national))
        elif db.session.get(Province, province) is not None:
            conditions.append(Case.centre.has(Centre.province_code == province))
        else:
            errors["province"] = "must be a 2-digit province code or 'national'"
    return conditions, errors


@bp.get("/cases")
@token_required
def list_cases():
    """The cases the user may see, most recently active first."""
    conditions, errors = _case_filters()
    if errors:
        return api_error(422, "Some filters are invalid.", errors)
    query = (
        scoped_cases(current_api_user())
        .where(*conditions)
        .options(selectinload(Case.reports), selectinload(Case.centre), selectinload(Case.assignee))
        .order_by(Case.last_seen.desc(), Case.id.desc())
    )
    try:
        cases, next_url = paginate(query, "api.list_cases")
    except PaginationError as error:
        return api_error(422, "Invalid paging parameters.", error.fields)
    return {"items": [case_summary(case) for case in cases], "next": next_url}


@bp.get("/cases/<int:case_id>")
@token_required
def get_case(case_id: int):
    """One case with its reports in full."""
    case = get_case_or_404(current_api_user(), case_id)
    return case_detail(case, current_api_user())


@bp.get("/attachments/<int:attachment_id>/image")
@token_required
def get_attachment_image(attachment_id: int):
    """The stored image, for staff who may see its report."""
    attachment = get_attachment_or_404(current_api_user(), attachment_id)
    return storage.send_image(attachment.storage_key, attachment.content_type)
