"""The quarterly (or yearly) report of a centre to the ministry, or of the national centre with
every province in a table: the same figures for the page, the XLSX and CSV files, the CLI and the
API (`GET /api/v1/statistics/quarterly`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from tingia.centres.service import centres_in_order
from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import Category, Centre, Platform, PublicationKind, Rating, Source
from tingia.statistics import figures
from tingia.statistics.periods import Period

TOP_SOURCES = 10
UNTRIAGED = "untriaged"


def _figures(data: dict[str, Any], centre_ids: set[int] | None) -> dict[str, Any]:
    categories = figures.merged(data["categories"], centre_ids)
    platforms = figures.merged(data["platforms"], centre_ids)
    published = figures.merged(data["publications"], centre_ids)
    takedowns = [row for row in data["takedowns"] if centre_ids is None or row[0] in centre_ids]
    return {
        "reports_received": figures.in_scope(data["reports"], centre_ids),
        "cases": sum(categories.values()),
        "by_category": {
            **{category.value: categories[category] for category in Category},
            UNTRIAGED: categories[None],
        },
        "by_platform": {platform.value: platforms[platform] for platform in Platform},
        "verdicts_by_rating": {rating.value: published[rating] for rating in Rating},
        "fraud_warnings": published[PublicationKind.WARNING],
        "takedowns": figures.takedown_figures(takedowns),
        "median_hours_to_triage": figures.median_hours(data["triage"], centre_ids),
        "median_hours_to_publish": figures.median_hours(data["publish"], centre_ids),
        "overdue_cases": figures.in_scope(data["overdue"], centre_ids),
    }


def _top_sources(data: dict[str, Any], centre_ids: set[int] | None) -> list[dict[str, Any]]:
    counts = figures.merged(data["sources"], centre_ids).most_common(TOP_SOURCES)
    found = {
        source.id: source
        for source in db.session.scalars(
            select(Source).where(Source.id.in_([source_id for source_id, _ in counts]))
        )
    }
    return [
        {
            "id": source_id,
            "platform": found[source_id].platform.value,
            "handle": found[source_id].handle,
            "url": found[source_id].url,
            "list": found[source_id].list_kind.value if found[source_id].list_kind else None,
            "violations": count,
        }
        for source_id, count in counts
    ]


def quarterly_report(centre: Centre, period: Period, now: datetime | None = None) -> dict[str, Any]:
    """The figures of a centre for the period; the national centre's covers every centre and
    lists each one (`provinces`), the totals being its own figures."""
    now = now or utcnow()
    start, end = period.start, period.end
    data = {
        "reports": figures.reports_received(start, end),
        "categories": figures.cases_by_category(start, end),
        "platforms": figures.cases_by_platform(start, end),
        "publications": figures.publications(start, end),
        "takedowns": figures.takedown_rows(start, end),
        "triage": figures.triage_hours(start, end),
        "publish": figures.publish_hours(start, end),
        "overdue": figures.overdue_cases(start, end, now),
        "sources": figures.top_sources(start, end),
    }
    scope = None if centre.is_national else {centre.id}
    report: dict[str, Any] = {
        "period": {
            "label": period.label,
            "first_day": period.first_day.isoformat(),
            "last_day": period.last_day.isoformat(),
        },
        "centre": {"province": centre.province_code, "name": centre.name},
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        **_figures(data, scope),
        "top_sources": _top_sources(data, scope),
    }
    if centre.is_national:
        report["provinces"] = [
            {"province": item.province_code, "centre": item.name, **_figures(data, {item.id})}
            for item in centres_in_order()
        ]
    return report


def report_centre(user, code: str | None) -> Centre | None:
    """Whose report the user asks for: their own centre by default; national staff may ask for
    any province's (by code) or "national"; None for an unknown code or another centre's."""
    if not code:
        return user.centre
    if code == "national":
        wanted = db.session.scalar(select(Centre).where(Centre.is_national))
    else:
        wanted = db.session.scalar(select(Centre).where(Centre.province_code == code))
    if wanted is None or not (user.is_national or wanted.id == user.centre_id):
        return None
    return wanted
