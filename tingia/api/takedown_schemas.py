"""Shapes of removal requests, sources and the quarterly report (kept next to schemas.py's, in
the same style: inputs check the shape, the services the rules)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tingia.api.fields import Text, Timestamp, Uri
from tingia.api.pagination import PageArgsSchema
from tingia.api.schemas import InputSchema, _enum
from tingia.cases.rules import MAX_NOTE
from tingia.models import (
    Category,
    Platform,
    Rating,
    SourceKind,
    SourceList,
    SourcePlatform,
    TakedownChannel,
    TakedownStatus,
)

OUTCOMES = [status for status in TakedownStatus if status != TakedownStatus.REQUESTED]
REPORT_FORMATS = ("json", "xlsx", "csv")


class TakedownInputSchema(InputSchema):
    """A removal request for one URL of the case."""

    url = Text(required=True, metadata={"maxLength": 2048, "description": "The content's link."})
    channel = Text(required=True, metadata=_enum(TakedownChannel))
    note = Text(allow_none=True, metadata={"maxLength": MAX_NOTE})


class TakedownUpdateSchema(InputSchema):
    """The platform's answer."""

    status = Text(required=True, metadata=_enum(OUTCOMES))
    note = Text(allow_none=True, metadata={"maxLength": MAX_NOTE})


class TakedownSchema(Schema):
    """A removal request and its 24-hour clock."""

    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    url = fields.String(required=True)
    platform = fields.String(required=True, metadata=_enum(SourcePlatform))
    source_id = fields.Integer(required=True, allow_none=True)
    channel = fields.String(required=True, metadata=_enum(TakedownChannel))
    note = fields.String(required=True)
    status = fields.String(required=True, metadata=_enum(TakedownStatus))
    requested_at = Timestamp(required=True)
    due_at = Timestamp(required=True)
    resolved_at = Timestamp(required=True, allow_none=True)
    removed_at = Timestamp(required=True, allow_none=True)
    restored_at = Timestamp(required=True, allow_none=True)
    on_time = fields.Boolean(
        required=True,
        allow_none=True,
        metadata={"description": "Removed by the deadline; null while waiting."},
    )
    overdue = fields.Function(
        lambda item: item.is_overdue(), required=True, metadata={"type": "boolean"}
    )
    requested_by = fields.String(required=True, attribute="requested_by.email")
    centre = fields.String(required=True, attribute="centre.name")


class TakedownListSchema(Schema):
    """A page of removal requests."""

    items = fields.List(fields.Nested(TakedownSchema), required=True)
    next = Uri(required=True, allow_none=True, metadata={"description": "null on the last page"})


class TakedownFilterArgsSchema(PageArgsSchema):
    """Filters of the removal requests, with their paging."""

    status = Text(validate=validate.OneOf(list(TakedownStatus)))
    overdue = fields.Boolean(
        load_default=False, metadata={"description": "Only those waiting past the deadline."}
    )


class SourceSchema(Schema):
    """A source with its violations over the user's cases."""

    id = fields.Integer(required=True, attribute="source.id")
    platform = fields.String(
        required=True, attribute="source.platform", metadata=_enum(SourcePlatform)
    )
    kind = fields.String(required=True, attribute="source.kind", metadata=_enum(SourceKind))
    handle = fields.String(required=True, attribute="source.handle")
    url = fields.String(required=True, attribute="source.url")
    violations_30d = fields.Integer(required=True)
    violations_90d = fields.Integer(required=True)
    flagged = fields.Boolean(
        required=True, metadata={"description": "At least 5 violations in 30 days or 10 in 90."}
    )
    list = fields.String(
        required=True,
        allow_none=True,
        attribute="source.list_kind",
        metadata=_enum([*SourceList, None]),
    )


class SourceDetailSchema(SourceSchema):
    """A source and the ids of its cases the user may see."""

    cases = fields.List(fields.Integer(), required=True)


class SourceListSchema(Schema):
    """A page of sources."""

    items = fields.List(fields.Nested(SourceSchema), required=True)
    next = Uri(required=True, allow_none=True, metadata={"description": "null on the last page"})


class SourceFilterArgsSchema(PageArgsSchema):
    """Filters of the sources, with their paging."""

    flagged = fields.Boolean(load_default=False)
    list = Text(validate=validate.OneOf(list(SourceList)))


class QuarterArgsSchema(InputSchema):
    """Which report: a quarter or a year, whose centre, in which format."""

    quarter = Text(
        required=True,
        validate=validate.Regexp(r"^\d{4}(-[Qq][1-4])?$", error="give a quarter like 2026-Q4"),
        metadata={"description": "2026-Q4, or a year: 2026."},
    )
    centre = Text(metadata={"description": "A province code, or `national`; default: yours."})
    format = Text(load_default="json", validate=validate.OneOf(REPORT_FORMATS))


def _counts(keys: list[str]) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "Counts by " + ", ".join(keys) + "."},
    )


class TakedownFiguresSchema(Schema):
    """Removal requests sent in the period and what became of them."""

    requested = fields.Integer(required=True)
    removed = fields.Integer(required=True, metadata={"description": "Still removed."})
    removal_rate = fields.Float(required=True, allow_none=True)
    on_time_rate = fields.Float(
        required=True, allow_none=True, metadata={"description": "Removals within 24 hours."}
    )


class FiguresSchema(Schema):
    """The figures of a centre (or all centres) for the period."""

    reports_received = fields.Integer(required=True)
    cases = fields.Integer(required=True, metadata={"description": "First reported in it."})
    by_category = _counts([*Category, "untriaged"])
    by_platform = _counts(list(Platform))
    verdicts_by_rating = _counts(list(Rating))
    fraud_warnings = fields.Integer(required=True)
    takedowns = fields.Nested(TakedownFiguresSchema, required=True)
    median_hours_to_triage = fields.Float(required=True, allow_none=True)
    median_hours_to_publish = fields.Float(required=True, allow_none=True)
    overdue_cases = fields.Integer(required=True)


class PeriodSchema(Schema):
    """The period's label and its first and last days (the centre's calendar)."""

    label = fields.String(required=True, metadata={"example": "2026-Q4"})
    first_day = fields.String(required=True, metadata={"format": "date"})
    last_day = fields.String(required=True, metadata={"format": "date"})


class ReportCentreSchema(Schema):
    """Whose report it is."""

    province = fields.String(required=True, allow_none=True)
    name = fields.String(required=True)


class TopSourceSchema(Schema):
    """A source with its violations decided in the period."""

    id = fields.Integer(required=True)
    platform = fields.String(required=True)
    handle = fields.String(required=True)
    url = fields.String(required=True)
    list = fields.String(required=True, allow_none=True)
    violations = fields.Integer(required=True)


class ProvinceFiguresSchema(FiguresSchema):
    """One centre's line of the national report."""

    province = fields.String(required=True, allow_none=True)
    centre = fields.String(required=True)


class QuarterlyReportSchema(FiguresSchema):
    """The quarterly or yearly report of a centre; the national centre's lists every centre."""

    period = fields.Nested(PeriodSchema, required=True)
    centre = fields.Nested(ReportCentreSchema, required=True)
    generated_at = fields.String(required=True, metadata={"format": "date-time"})
    top_sources = fields.List(fields.Nested(TopSourceSchema), required=True)
    provinces = fields.List(
        fields.Nested(ProvinceFiguresSchema),
        metadata={"description": "National centre only: every centre's figures."},
    )
