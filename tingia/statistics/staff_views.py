"""Staff pages of figures under /staff/: the dashboard and the quarterly or yearly report as a
printable page, XLSX or CSV (blueprint `dashboard`)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from tingia.database import utcnow
from tingia.extensions import db
from tingia.i18n import PLATFORM_LABELS
from tingia.models import Centre
from tingia.statistics.charts import bar_chart, column_chart
from tingia.statistics.dashboard import centre_lines, dashboard
from tingia.statistics.export import province_header, province_row, summary_rows, to_csv, to_xlsx
from tingia.statistics.periods import PeriodError, parse_period, quarter_of
from tingia.statistics.quarterly import quarterly_report, report_centre

bp = Blueprint("dashboard", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
@login_required
def _staff_only() -> None:
    """Every page here needs a signed-in user: enforced here, so no route can forget it."""


def _dashboard_scope() -> tuple[set[int] | None, Centre | None]:
    """The user's centre; national staff: every centre, or the province asked for."""
    if not current_user.is_national:
        return {current_user.centre_id}, current_user.centre
    code = request.args.get("province")
    if not code:
        return None, None
    centre = report_centre(current_user, code)
    return ({centre.id}, centre) if centre else (None, None)


@bp.get("/dashboard")
def dashboard_page():
    """Cases against the clock, handling times, load, reports per day, surges, takedowns."""
    centre_ids, centre = _dashboard_scope()
    now = utcnow()
    figures = dashboard(centre_ids, now)
    per_day = column_chart(
        [(day.strftime("%d/%m"), count) for day, count in figures.per_day],
        _("Reports per day, last 30 days"),
        "chart-per-day",
        label_every=5,
    )
    platforms = bar_chart(
        [(str(PLATFORM_LABELS[p]), n) for p, n in figures.platforms],
        _("Reports by platform, last 30 days"),
        "chart-platforms",
    )
    lines = centre_lines(now) if current_user.is_national and centre is None else []
    centres = db.session.scalars(select(Centre).where(Centre.province_code.is_not(None))).all()
    return render_template(
        "statistics/dashboard.html",
        figures=figures,
        centre=centre,
        per_day=per_day,
        platforms=platforms,
        lines=lines,
        province_choices=sorted(centres, key=lambda c: c.name),
    )


@bp.get("/reports/quarterly")
def quarterly():
    """The quarterly (or yearly, ?quarter=2026) report of the user's centre: page, XLSX or CSV."""
    centre = report_centre(current_user, request.args.get("centre"))
    if centre is None:
        abort(404)
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    wanted = request.args.get("quarter") or quarter_of(utcnow(), zone)
    try:
        period = parse_period(wanted, zone)
    except PeriodError:
        abort(400, description=_("Give a quarter like 2026-Q4 or a year like 2026."))
    report = quarterly_report(centre, period)
    name = f"tingia-{centre.province_code or 'national'}-{period.label}"
    if request.args.get("format") == "xlsx":
        headers = {"Content-Disposition": f'attachment; filename="{name}.xlsx"'}
        return Response(to_xlsx(report), mimetype=XLSX, headers=headers)
    if request.args.get("format") == "csv":
        headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
        return Response(to_csv(report), mimetype="text/csv", headers=headers)
    return render_template(
        "statistics/quarterly.html",
        report=report,
        rows=summary_rows(report),
        province_header=province_header(),
        province_rows=[province_row(item) for item in report.get("provinces", [])],
        total_row=province_row({**report, "province": "", "centre": _("Total")}),
        centre=centre,
    )
