"""The API's request and response shapes, defined once: they check and clean input, serialise
output, and are the OpenAPI document's components (apispec names them after the class, less
"Schema").

Input schemas check the shape (types, text cleaned of control characters, ids in range, filters
and paging). The rules of the content (a report needs text, a link or an image; a verdict needs
a source…) stay in the services and forms shared with the web pages; the schemas state them in
the document (enums, lengths, required fields) from the same constants.
"""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validates_schema
from wtforms.validators import Length

from tingia.api.auth import current_api_user
from tingia.api.fields import (
    ComputedNested,
    ComputedString,
    ComputedUri,
    Id,
    Text,
    Timestamp,
    Uri,
)
from tingia.audit import record_contact_view
from tingia.cases.rules import MAX_NOTE
from tingia.centres.scoping import may_see_contact
from tingia.centres.service import read_provinces
from tingia.config import DefaultConfig
from tingia.intake.answers import known_answers
from tingia.intake.forms import ReportForm
from tingia.models import (
    CaseStatus,
    Category,
    CategoryHint,
    Platform,
    PublicationKind,
    PublicationStatus,
    Rating,
    ReportStatus,
    SubjectArea,
    SuggestionStatus,
)
from tingia.publishing.content import MAX_SOURCES, MAX_TEXT, MAX_TITLE
from tingia.publishing.public import claim_review, public_outcome, public_url
from tingia.triage.service import visible_suggestions

# What the services call required text: something besides white space and control characters
# (JSON Schema's pattern searches, it is not anchored).
REQUIRED_TEXT = {"minLength": 1, "pattern": r"[^\s\x00-\x1f\x7f]"}


def _form_max_length(name: str) -> dict[str, int]:
    """maxLength of a ReportForm field, read from its WTForms validators (the form is the rule)."""
    unbound = getattr(ReportForm, name)
    validators = unbound.args[1] if len(unbound.args) > 1 else unbound.kwargs.get("validators", [])
    limits = [v.max for v in validators if isinstance(v, Length) and v.max >= 0]
    return {"maxLength": min(limits)} if limits else {}


def _enum(values: Any, **metadata: Any) -> dict[str, Any]:
    """OpenAPI `enum` of the values (an enum's members as their plain values)."""
    return {"enum": [str(value) if value is not None else None for value in values], **metadata}


class InputSchema(Schema):
    """A request body or query string; unknown fields are ignored."""

    class Meta:
        unknown = EXCLUDE


# --- errors are in tingia.api.blueprint; reports -----------------------------------------------


class ReportInputSchema(InputSchema):
    """A citizen's report. At least one of content, url or images is required; contact details
    need contact_consent."""

    class Meta(InputSchema.Meta):
        description = "At least one of content, url or images is required."

    content = Text(
        allow_none=True,
        metadata={"description": "The text the citizen saw.", **_form_max_length("content")},
    )
    url = Text(
        allow_none=True,
        metadata={"description": "Link to the content.", **_form_max_length("url")},
    )
    platform = Text(required=True, metadata=_enum(Platform))
    province = Text(
        required=True,
        metadata=_enum((code for code, _ in read_provinces()), description="Province code."),
    )
    category_hint = Text(allow_none=True, metadata=_enum(CategoryHint, default="unsure"))
    contact_name = Text(allow_none=True, metadata=_form_max_length("contact_name"))
    contact_email = Text(
        allow_none=True, metadata={"format": "email", **_form_max_length("contact_email")}
    )
    contact_phone = Text(
        allow_none=True,
        metadata={"description": "Vietnamese phone number.", **_form_max_length("contact_phone")},
    )
    contact_consent = fields.Boolean(
        allow_none=True,
        falsy=fields.Boolean.falsy | {""},  # an empty form field is an unticked box
        metadata={
            "description": "Required when any contact field is given: the citizen agrees to be "
            "contacted about this report."
        },
    )

    @validates_schema(pass_original=True)
    def images_come_as_files(self, data: dict, original: Any, **kwargs: Any) -> None:
        """JSON carries no images: they are multipart files."""
        if request.is_json and isinstance(original, dict) and "images" in original:
            raise ValidationError("Send images as multipart/form-data, not JSON.", "images")


class ReportUploadSchema(ReportInputSchema):
    """A report sent as multipart/form-data, with its images."""

    class Meta(ReportInputSchema.Meta):
        pass

    contact_consent = fields.Boolean(  # a form field is never null
        falsy=fields.Boolean.falsy | {""},
        metadata=ReportInputSchema._declared_fields["contact_consent"].metadata,
    )
    images = fields.List(
        Upload(),
        metadata={
            "maxItems": DefaultConfig.MAX_IMAGES,
            "description": "JPEG, PNG or WebP, "
            f"{DefaultConfig.MAX_IMAGE_BYTES // (1024 * 1024)} MB each.",
        },
    )


def status_url(report: Any) -> str:
    """The API URL of a report's status (a report, or a dict holding its tracking code)."""
    code = report["tracking_code"] if isinstance(report, dict) else report.tracking_code
    return url_for("api.get_report", code=code, _external=True)


class KnownAnswerSchema(Schema):
    """A published verdict or fraud warning the new report matches: it was already checked."""

    kind = fields.String(required=True, metadata=_enum(PublicationKind))
    rating = fields.String(
        required=True,
        allow_none=True,
        metadata=_enum([*Rating, None], description="The verdict's rating; null for a warning."),
    )
    title = fields.String(required=True)
    url = Uri(required=True, metadata={"description": "The public page."})


class ReportCreatedSchema(Schema):
    """An accepted report: keep the tracking code. `matches` says at once, before the report is
    processed, which published verdicts or warnings (of any centre) it matches."""

    tracking_code = fields.String(required=True, metadata={"example": "K7QM-4XRT-2PNB"})
    status = fields.String(required=True, metadata=_enum(ReportStatus))
    status_url = ComputedUri(required=True, source=status_url)
    matches = ComputedNested(
        KnownAnswerSchema,
        many=True,
        required=True,
        source=lambda report: (
            report["matches"] if isinstance(report, dict) else known_answers(report)
        ),
        metadata={"description": "Already checked: empty when nothing published matches."},
    )


class OutcomeSchema(Schema):
    """What came of a report: the published verdict or fraud warning, or a neutral explanation
    when the case was closed; null while it is being handled."""

    kind = fields.String(required=True, metadata=_enum([*PublicationKind, "closed"]))
    rating = fields.String(allow_none=True, metadata=_enum([*Rating, None]))
    title = fields.String(allow_none=True)
    url = Uri(allow_none=True, metadata={"description": "The public page."})
    message = fields.String(allow_none=True)


class ReportStatusSchema(Schema):
    """A report's status for whoever holds its tracking code; never personal data."""

    tracking_code = fields.String(required=True)
    status = fields.String(required=True, metadata=_enum(ReportStatus))
    submitted_at = Timestamp(required=True, attribute="created_at")
    processed_at = Timestamp(required=True, allow_none=True)
    status_url = ComputedUri(required=True, source=status_url)
    page_url = ComputedUri(
        required=True,
        source=lambda report: url_for("intake.track", code=report.tracking_code, _external=True),
    )
    outcome = ComputedNested(OutcomeSchema, required=True, allow_none=True, source=public_outcome)


# --- staff: cases and their reports -------------------------------------------------------------


class AttachmentSchema(Schema):
    """An image of a report; `url` serves it to authorised staff only."""

    id = fields.Integer(required=True)
    url = ComputedUri(
        required=True,
        metadata={"description": "Staff token required."},
        source=lambda item: url_for(
            "api.get_attachment_image", attachment_id=item.id, _external=True
        ),
    )
    sha256 = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    text_heavy = fields.Boolean(required=True, allow_none=True)


class MatchSchema(Schema):
    """How the matcher placed the report in its case."""

    score = fields.Float(required=True, allow_none=True)
    basis = fields.String(required=True, allow_none=True)


class ContactSchema(Schema):
    """A reporter's contact details: personal data."""

    name = fields.String(required=True, allow_none=True)
    email = fields.String(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True)


def _contact(report: Any) -> dict[str, Any] | None:
    if not (report.has_contact and may_see_contact(current_api_user(), report)):
        return None
    # Every view of a reporter's details is in the audit log (committed by commit_token_use).
    record_contact_view(current_api_user(), report, request.remote_addr)
    return {
        "name": report.contact_name,
        "email": report.contact_email,
        "phone": report.contact_phone,
    }


class StaffReportSchema(Schema):
    """A report in full for staff; contact details only for staff of the case's centre."""

    id = fields.Integer(required=True)
    tracking_code = fields.String(required=True)
    status = fields.String(required=True, metadata=_enum(ReportStatus))
    content = fields.String(required=True)
    url = fields.String(required=True, allow_none=True)
    canonical_url = fields.String(required=True, allow_none=True)
    platform = fields.String(required=True, metadata=_enum(Platform))
    province = fields.String(required=True, attribute="province_code")
    category_hint = fields.String(required=True, metadata=_enum(CategoryHint))
    source = fields.String(required=True)
    created_at = Timestamp(required=True)
    processed_at = Timestamp(required=True, allow_none=True)
    match = ComputedNested(
        MatchSchema,
        required=True,
        source=lambda report: {"score": report.match_score, "basis": report.match_basis},
    )
    attachments = fields.List(fields.Nested(AttachmentSchema), required=True)
    contact = ComputedNested(
        ContactSchema,
        required=True,
        allow_none=True,
        metadata={"description": "Only for staff of the case's centre."},
        source=_contact,
    )


class CaseSummarySchema(Schema):
    """A case as listed."""

    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata=_enum(CaseStatus))
    category = fields.String(required=True, allow_none=True, metadata=_enum([*Category, None]))
    province = fields.String(
        required=True,
        allow_none=True,
        attribute="centre.province_code",
        metadata={"description": "null for the national centre"},
    )
    centre = fields.String(required=True, attribute="centre.name")
    report_count = fields.Integer(required=True)
    reports = fields.Pluck(
        ReportCreatedSchema,
        "tracking_code",
        many=True,
        required=True,
        metadata={"description": "Tracking codes of the case's reports."},
    )
    assignee = ComputedString(
        required=True,
        allow_none=True,
        metadata={"description": "Email of the assigned colleague."},
        source=lambda case: case.assignee.email if case.assignee else None,
    )
    first_seen = Timestamp(required=True)
    last_seen = Timestamp(required=True)
    url = ComputedUri(
        required=True, source=lambda case: url_for("api.get_case", case_id=case.id, _external=True)
    )


class SuggestionSchema(Schema):
    """A report the matcher thinks may belong to the case."""

    id = fields.Integer(required=True)
    report_id = fields.Integer(required=True)
    tracking_code = fields.String(required=True, attribute="report.tracking_code")
    score = fields.Float(required=True)
    basis = fields.String(required=True)
    status = fields.String(required=True, metadata=_enum(SuggestionStatus))


class StaffVerdictSchema(Schema):
    """A case's verdict or warning, draft or published, for staff."""

    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata=_enum(PublicationKind))
    status = fields.String(required=True, metadata=_enum(PublicationStatus))
    rating = fields.String(required=True, allow_none=True, metadata=_enum([*Rating, None]))
    title = fields.String(required=True)
    claim = fields.String(required=True)
    summary = fields.String(required=True)
    explanation = fields.String(required=True)
    advice = fields.String(required=True)
    subject_area = fields.String(required=True, metadata=_enum(SubjectArea))
    sources = fields.List(Uri(), required=True)
    source_titles = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "The title given to a source, by its URL."},
    )
    author = fields.String(
        required=True,
        attribute="author.email",
        metadata={"description": "Email of whoever wrote it last."},
    )
    published_by = ComputedString(
        required=True,
        allow_none=True,
        source=lambda verdict: verdict.published_by.email if verdict.published_by else None,
    )
    published_at = Timestamp(required=True, allow_none=True)
    unpublished_at = Timestamp(required=True, allow_none=True)
    unpublish_reason = fields.String(required=True, allow_none=True)
    url = ComputedUri(
        required=True,
        allow_none=True,
        metadata={"description": "Public page, while published."},
        source=lambda verdict: public_url(verdict) if verdict.is_published else None,
    )


class CaseDetailSchema(CaseSummarySchema):
    """A case with its reports in full, the suggestions the user may decide, its verdict."""

    reports = fields.List(fields.Nested(StaffReportSchema), required=True)
    category_reason = fields.String(required=True, allow_none=True)
    action_taken = fields.String(required=True, allow_none=True)
    escalated_at = Timestamp(required=True, allow_none=True)
    merged_into = fields.Integer(required=True, allow_none=True, attribute="merged_into_id")
    suggestions = ComputedNested(
        SuggestionSchema,
        many=True,
        required=True,
        metadata={"description": "Pending suggestions whose report the user may see."},
        source=lambda case: visible_suggestions(current_api_user(), case),
    )
    verdict = fields.Nested(StaffVerdictSchema, required=True, allow_none=True)


class CaseListSchema(Schema):
    """A page of cases."""

    items = fields.List(fields.Nested(CaseSummarySchema), required=True)
    next = Uri(required=True, allow_none=True, metadata={"description": "null on the last page"})


# --- staff actions -------------------------------------------------------------------------------


class TriageInputSchema(InputSchema):
    """A category for the case; out_of_scope needs a reason and closes the case."""

    category = Text(required=True, metadata=_enum(Category))
    reason = Text(
        allow_none=True,
        metadata={"description": "Required for out_of_scope.", "maxLength": MAX_NOTE},
    )


class AssignInputSchema(InputSchema):
    """Either user_id or email; {"user_id": null} unassigns."""

    user_id = Id(allow_none=True)
    email = Text(metadata={"format": "email"})

    @validates_schema
    def user_id_or_email(self, data: dict, **kwargs: Any) -> None:
        """One of the two names the assignee."""
        if "user_id" not in data and not data.get("email"):
            raise ValidationError("Give user_id or email.", "user_id")


def _text(maximum: int, required: bool = False, **metadata: Any) -> Text:
    """A text field of a verdict or warning, as the publishing service checks it."""
    if required:
        return Text(required=True, metadata={**REQUIRED_TEXT, "maxLength": maximum, **metadata})
    return Text(allow_none=True, metadata={"maxLength": maximum, **metadata})


def _sources(required: bool) -> fields.List:
    return fields.List(
        Text(
            metadata={
                "pattern": "https?://",
                "maxLength": 2048 + MAX_TITLE + 3,
                "description": 'A web address, or "Title | web address".',
            }
        ),
        required=required,
        allow_none=not required,
        metadata={"minItems": 1 if required else 0, "maxItems": MAX_SOURCES},
    )


SUBJECT_AREA_INPUT = {
    **_enum(SubjectArea),
    "description": "The centre's subject area; `other` when not sent.",
}


class VerdictInputSchema(InputSchema):
    """The draft verdict of a verifiable case."""

    rating = Text(required=True, metadata=_enum(Rating))
    subject_area = Text(metadata=SUBJECT_AREA_INPUT)
    title = _text(MAX_TITLE, required=True)
    claim = _text(MAX_TEXT, required=True, description="The claim as it circulated.")
    summary = _text(MAX_TEXT, required=True)
    explanation = _text(MAX_TEXT, required=True)
    sources = _sources(required=True)


class WarningInputSchema(InputSchema):
    """The draft fraud warning of a fraud case."""

    subject_area = Text(metadata=SUBJECT_AREA_INPUT)
    title = _text(MAX_TITLE, required=True)
    summary = _text(MAX_TEXT)
    explanation = _text(MAX_TEXT, required=True, description="How the scam works.")
    advice = _text(MAX_TEXT, required=True, description="How to protect oneself.")
    sources = _sources(required=False)


class ReasonInputSchema(InputSchema):
    """Why the publication is withdrawn."""

    reason = Text(required=True, metadata={**REQUIRED_TEXT, "maxLength": MAX_NOTE})


class MergeInputSchema(InputSchema):
    """The case to merge into this one."""

    case_id = Id(required=True, metadata={"description": "The case merged INTO this one."})


# --- public verdicts -----------------------------------------------------------------------------


def _json_ld(key: str, *values: str, required: bool = True) -> fields.String:
    """A JSON-LD keyword ("@type"…), read from and written to the same key."""
    return fields.String(
        required=required, data_key=key, attribute=key, metadata=_enum(values) if values else {}
    )


class ClaimReviewAuthorSchema(Schema):
    """The organisation that checked the claim."""

    type = _json_ld("@type", "Organization")
    name = fields.String(required=True)
    url = Uri()


class ClaimReviewRatingSchema(Schema):
    """The rating, 1 (false) to 5 (true), with its published name."""

    type = _json_ld("@type", "Rating")
    ratingValue = fields.Integer(required=True, metadata={"minimum": 1, "maximum": 5})
    bestRating = fields.Integer(required=True)
    worstRating = fields.Integer(required=True)
    alternateName = fields.String(required=True, metadata={"example": "Tin giả"})


class ClaimReviewAppearanceSchema(Schema):
    """A public link where the claim appeared."""

    type = _json_ld("@type", required=False)
    url = Uri()


class ClaimReviewItemSchema(Schema):
    """The claim reviewed."""

    type = _json_ld("@type", "Claim")
    datePublished = fields.String(
        metadata={"format": "date", "description": "When the claim was first reported."}
    )
    firstAppearance = fields.Nested(
        ClaimReviewAppearanceSchema,
        metadata={"description": "The earliest reported link where the claim appeared."},
    )
    appearance = fields.List(fields.Nested(ClaimReviewAppearanceSchema))


class ClaimReviewSchema(Schema):
    """schema.org ClaimReview (https://schema.org/ClaimReview)."""

    context = _json_ld("@context", "https://schema.org")
    type = _json_ld("@type", "ClaimReview")
    url = Uri(required=True)
    headline = fields.String()
    claimReviewed = fields.String(required=True)
    datePublished = fields.String(required=True, metadata={"format": "date"})
    inLanguage = fields.String()
    author = fields.Nested(ClaimReviewAuthorSchema, required=True)
    reviewRating = fields.Nested(ClaimReviewRatingSchema, required=True)
    itemReviewed = fields.Nested(ClaimReviewItemSchema, required=True)


class PublicVerdictSchema(Schema):
    """A published verdict as anyone may read it, with its schema.org ClaimReview."""

    id = fields.Integer(required=True)
    url = ComputedUri(required=True, source=public_url)
    rating = fields.String(required=True, metadata=_enum(Rating))
    subject_area = fields.String(required=True, metadata=_enum(SubjectArea))
    title = fields.String(required=True)
    claim = fields.String(required=True)
    summary = fields.String(required=True)
    published_at = Timestamp(required=True)
    province = fields.String(
        required=True,
        allow_none=True,
        attribute="case.centre.province_code",
        metadata={"description": "null for the national centre"},
    )
    centre = fields.String(required=True, attribute="case.centre.name")
    claim_review = ComputedNested(ClaimReviewSchema, required=True, source=claim_review)


class VerdictListSchema(Schema):
    """A page of published verdicts."""

    items = fields.List(fields.Nested(PublicVerdictSchema), required=True)
    next = Uri(required=True, allow_none=True, metadata={"description": "null on the last page"})
