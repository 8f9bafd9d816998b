"""Staff endpoints of removal requests, sources and the quarterly report (the same services as
the staff pages): `POST /cases/<id>/takedowns`, `GET|POST /takedowns/<id>`, `GET /takedowns`,
`GET /sources`, `GET /sources/<id>`, `GET /statistics/quarterly`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app
from flask.views import MethodView

from tingia.api.auth import current_api_user, token_required
from tingia.api.blueprint import bp
from tingia.api.pagination import paginated
from tingia.api.takedown_schemas import (
    QuarterArgsSchema,
    QuarterlyReportSchema,
    SourceDetailSchema,
    SourceFilterArgsSchema,
    SourceListSchema,
    TakedownFilterArgsSchema,
    TakedownInputSchema,
    TakedownListSchema,
    TakedownSchema,
    TakedownUpdateSchema,
)
from tingia.api.workflow import action
from tingia.centres.scoping import get_source_or_404, get_takedown_or_404, scoped_sources
from tingia.errors import api_error
from tingia.extensions import db
from tingia.models import Case, TakedownRequest
from tingia.sources import service as sources
from tingia.statistics.export import to_csv, to_xlsx
from tingia.statistics.periods import PeriodError, parse_period
from tingia.statistics.quarterly import quarterly_report, report_centre
from tingia.takedowns import service

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.post("/cases/<id:case_id>/takedowns")
@action(TakedownInputSchema, answer=TakedownSchema, status=201)
def create_takedown(body: dict[str, Any], case: Case):
    """Record a removal request for a URL of a harmful, fraud or falsely rated case; the
    platform has 24 hours"""
    takedown = service.request_takedown(
        case, body["url"], body["channel"], current_api_user(), body.get("note")
    )
    db.session.commit()
    return takedown


@bp.get("/takedowns")
@token_required
@bp.query(TakedownFilterArgsSchema)
@bp.response(200, TakedownListSchema, description="A page of removal requests.")
def list_takedowns(args: dict[str, Any]):
    """Removal requests of the user's centre, oldest first"""
    query = service.takedown_query(current_api_user(), args.get("status"), args["overdue"])
    return paginated(query, args, "api.list_takedowns")


def with_takedown(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pass the URL's request (404 outside the user's scope) before the body is read: who may
    not act learns nothing from the body's errors."""

    @wraps(view)
    def wrapper(*args: Any, takedown_id: int, **kwargs: Any) -> Any:
        return view(*args, takedown=get_takedown_or_404(current_api_user(), takedown_id), **kwargs)

    return wrapper


# One rule for both methods: with two rules on one path, Werkzeug answers 405 instead of 404
# when the id converter refuses the URL.
@bp.route("/takedowns/<id:takedown_id>", endpoint="takedown")
class TakedownView(MethodView):
    """A removal request."""

    @token_required
    @with_takedown
    @bp.response(200, TakedownSchema, description="The request.")
    @bp.errors(404, e404="No such request in the user's scope.")
    def get(self, takedown: TakedownRequest):
        """A removal request"""
        return takedown

    @token_required
    @with_takedown
    @bp.body(TakedownUpdateSchema)
    @bp.response(200, TakedownSchema, description="The updated request.")
    @bp.errors(404, 409, e404="No such request in the user's scope.")
    def post(self, body: dict[str, Any], takedown: TakedownRequest):
        """Record the platform's answer: removed, refused, no_response (past the deadline) or
        restored"""
        service.update_takedown(takedown, body["status"], current_api_user(), body.get("note"))
        db.session.commit()
        return takedown


@bp.get("/sources")
@token_required
@bp.query(SourceFilterArgsSchema)
@bp.response(200, SourceListSchema, description="A page of sources.")
def list_sources(args: dict[str, Any]):
    """Sources of the user's cases with their violations, most first"""
    user = current_api_user()
    query = sources.source_rows(scoped_sources(user), user, args["flagged"], args.get("list"))
    page = paginated(query, args, "api.list_sources")
    return {**page, "items": sources.rows_for(list(page["items"]), user)}


@bp.get("/sources/<id:source_id>")
@token_required
@bp.response(200, SourceDetailSchema, description="The source.")
@bp.errors(404, e404="No such source in the user's scope.")
def get_source(source_id: int):
    """A source with its violations and its cases"""
    user = current_api_user()
    source = get_source_or_404(user, source_id)
    row = sources.source_row(source, user)
    data = {field: getattr(row, field) for field in ("violations_30d", "violations_90d")}
    cases = [case.id for case in sources.cases_of_source(source, user)]
    return {"source": source, **data, "flagged": row.flagged, "cases": cases}


@bp.get("/statistics/quarterly")
@token_required
@bp.query(QuarterArgsSchema)
@bp.response(200, QuarterlyReportSchema, description="The report (or its XLSX or CSV file).")
@bp.doc(
    responses={
        200: {
            "description": "The report (or its XLSX or CSV file).",
            "content": {
                XLSX: {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    }
)
@bp.errors(404, e404="No such centre in the user's scope.")
def quarterly_statistics(args: dict[str, Any]):
    """The quarterly or yearly report of the user's centre, or of any centre for national staff"""
    try:
        period = parse_period(args["quarter"], current_app.config["BABEL_DEFAULT_TIMEZONE"])
    except PeriodError:
        return api_error(422, "Some parameters are invalid.", {"quarter": "not a quarter"})
    centre = report_centre(current_api_user(), args.get("centre"))
    if centre is None:
        return api_error(404, "No such centre in the user's scope.")
    report = quarterly_report(centre, period)
    name = f"tingia-{centre.province_code or 'national'}-{period.label}"
    if args["format"] == "xlsx":
        disposition = {"Content-Disposition": f'attachment; filename="{name}.xlsx"'}
        return Response(to_xlsx(report), mimetype=XLSX, headers=disposition)
    if args["format"] == "csv":
        disposition = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
        return Response(to_csv(report), mimetype="text/csv", headers=disposition)
    return report
