"""Staff endpoints: cases, their reports and images, scoped to the user's centre."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validate, validates
from sqlalchemy.orm import selectinload

from tingia import storage
from tingia.api.auth import current_api_user, token_required
from tingia.api.blueprint import bp
from tingia.api.fields import Text
from tingia.api.pagination import PageArgsSchema, paginated
from tingia.api.schemas import CaseDetailSchema, CaseListSchema
from tingia.cases.filters import MAX_SEARCH_LENGTH, NATIONAL, CaseFilter, apply_case_filter
from tingia.centres.scoping import get_attachment_or_404, get_case_or_404, scoped_cases
from tingia.centres.service import read_provinces
from tingia.extensions import db
from tingia.models import Case, CaseStatus, Category, Province


class CaseFilterArgsSchema(PageArgsSchema):
    """Filters of the case list, with its paging."""

    status = Text(validate=validate.OneOf(list(CaseStatus)))
    category = Text(validate=validate.OneOf(list(Category)))
    province = Text(
        metadata={
            "enum": [code for code, _ in read_provinces()] + [NATIONAL],
            "description": "A province code, or 'national' for the national centre's cases.",
        }
    )
    q = Text(
        validate=validate.Length(max=MAX_SEARCH_LENGTH),
        metadata={
            "description": "Cases with a report having every word (accents optional) in its "
            "text, link or screenshot text; a tracking code; or a case number.",
        },
    )

    @validates("province")
    def known_province(self, value: str, **kwargs: Any) -> None:
        """A province in the database, or the national centre."""
        if value != NATIONAL and db.session.get(Province, value) is None:
            raise ValidationError("must be a 2-digit province code or 'national'")


def case_filter(args: dict[str, Any]) -> CaseFilter:
    """The shared case filter from the checked query string."""
    return CaseFilter(
        statuses=(args["status"],) if "status" in args else (),
        category=args.get("category"),
        province=args.get("province"),
        q=(args.get("q") or "").strip(),
    )


@bp.get("/cases")
@token_required
@bp.query(CaseFilterArgsSchema)
@bp.response(200, CaseListSchema, description="A page of cases.")
def list_cases(args: dict[str, Any]):
    """Cases of the user's centre (all cases for national staff), most recently active first"""
    user = current_api_user()
    query = (
        apply_case_filter(scoped_cases(user), user, case_filter(args))
        .options(selectinload(Case.reports), selectinload(Case.centre), selectinload(Case.assignee))
        .order_by(Case.last_seen.desc(), Case.id.desc())
    )
    return paginated(query, args, "api.list_cases")


@bp.get("/cases/<id:case_id>")
@token_required
@bp.response(200, CaseDetailSchema, description="The case.")
@bp.errors(404, e404="No such case in the user's scope.")
def get_case(case_id: int):
    """A case with its reports"""
    return get_case_or_404(current_api_user(), case_id)


@bp.get("/attachments/<id:attachment_id>/image")
@token_required
@bp.doc(
    responses={
        "200": {
            "description": "The image.",
            "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
)
@bp.errors(404, e404="No such image in the user's scope.")
def get_attachment_image(attachment_id: int):
    """A report's stored image"""
    attachment = get_attachment_or_404(current_api_user(), attachment_id)
    return storage.send_image(attachment.storage_key, attachment.content_type)
