"""The public statistics page, /statistics (blueprint `statistics`)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from tingia.database import utcnow
from tingia.extensions import db
from tingia.i18n import CATEGORY_LABELS, RATING_LABELS
from tingia.models import Province
from tingia.statistics.charts import bar_chart, column_chart
from tingia.statistics.public import public_statistics
from tingia.statistics.summary import current_snapshot

bp = Blueprint("statistics", __name__)


@bp.get("/statistics")
def statistics():
    """Reports received and cases decided, per month and per province, with removal figures."""
    code = request.args.get("province") or None
    province = db.session.get(Province, code) if code else None
    snapshot = current_snapshot(utcnow())
    db.session.commit()  # a snapshot rebuilt here serves the next requests too
    figures = public_statistics(snapshot, province.code if province else None)
    charts = {
        "months": column_chart(
            [(line.month[2:], line.reports) for line in figures.months],
            _("Reports received per month"),
            "chart-months",
        ),
        "categories": bar_chart(
            [(str(CATEGORY_LABELS[c]), n) for c, n in figures.by_category],
            _("Cases by category"),
            "chart-categories",
        ),
        "ratings": bar_chart(
            [(str(RATING_LABELS[r]), n) for r, n in figures.by_rating],
            _("Verdicts by rating"),
            "chart-ratings",
        ),
        "provinces": bar_chart(
            [(line.name, line.reports) for line in figures.provinces],
            _("Reports received per province"),
            "chart-provinces",
        ),
    }
    provinces = db.session.execute(select(Province.code, Province.name).order_by(Province.name))
    return render_template(
        "statistics/public.html",
        figures=figures,
        charts=charts,
        province=province,
        province_choices=provinces.all(),
        refresh_minutes=max(1, current_app.config["STATISTICS_REFRESH_SECONDS"] // 60),
    )
