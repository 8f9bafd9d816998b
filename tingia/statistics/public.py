"""The public statistics page: what the centres received and decided over the last 12 months,
per month and per province, and the removal figures they publish. Counts only: nothing here
reads a report's text or its reporter's details."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tingia.extensions import db
from tingia.models import (
    Case,
    Category,
    Centre,
    Province,
    PublicationKind,
    PublicationStatus,
    Rating,
    Report,
    Verdict,
)
from tingia.statistics import figures
from tingia.statistics.periods import last_months

MONTHS = 12


@dataclass(frozen=True)
class MonthLine:
    """One month's figures."""

    month: str
    reports: int
    cases: int
    verdicts: int


@dataclass(frozen=True)
class ProvinceLine:
    """One province's figures over the months shown."""

    code: str
    name: str
    reports: int
    cases: int
    verdicts: int


@dataclass(frozen=True)
class PublicStatistics:
    """Everything /statistics shows."""

    first_month: str
    last_month: str
    reports: int
    months: list[MonthLine]
    by_category: list[tuple[Category, int]]
    by_rating: list[tuple[Rating, int]]
    fraud_warnings: int
    provinces: list[ProvinceLine]
    takedowns: dict


def _monthly(column, start: datetime, end: datetime, *conditions) -> Counter:
    bucket = figures.local_bucket(column, "month")
    rows = db.session.execute(
        select(bucket, func.count())
        .where(column >= start, column < end, *conditions)
        .group_by(bucket)
    )
    return Counter({month: int(count) for month, count in rows})


def public_statistics(now: datetime, province: str | None = None) -> PublicStatistics:
    """The last 12 months (this one included), for every centre or one province's."""
    zone = ZoneInfo(figures.timezone_name())
    months = last_months(now.astimezone(zone).date(), MONTHS)
    start = datetime.strptime(months[0] + "-01", "%Y-%m-%d").replace(tzinfo=zone)
    centre_ids = None
    if province:
        centre_ids = set(
            db.session.scalars(select(Centre.id).where(Centre.province_code == province))
        )
    report_scope = [] if centre_ids is None else [Report.centre_id.in_(centre_ids)]
    case_scope = [] if centre_ids is None else [Case.centre_id.in_(centre_ids)]
    live = [Case.merged_into_id.is_(None), Case.report_count > 0]
    published = [Verdict.status == PublicationStatus.PUBLISHED]
    reports = _monthly(Report.created_at, start, now, *report_scope)
    cases = _monthly(Case.first_seen, start, now, *case_scope, *live)
    verdict_months = _monthly(
        Verdict.published_at,
        start,
        now,
        *published,
        Verdict.kind == PublicationKind.VERDICT,
        Verdict.case_id.in_(select(Case.id).where(*case_scope)),
    )
    categories = figures.merged(figures.cases_by_category(start, now), centre_ids)
    publications = figures.merged(figures.publications(start, now), centre_ids)
    takedowns = [
        row
        for row in figures.takedown_rows(start, now)
        if centre_ids is None or row[0] in centre_ids
    ]
    return PublicStatistics(
        first_month=months[0],
        last_month=months[-1],
        reports=sum(reports.values()),
        months=[MonthLine(m, reports[m], cases[m], verdict_months[m]) for m in months],
        by_category=[(category, categories[category]) for category in Category],
        by_rating=[(rating, publications[rating]) for rating in Rating],
        fraud_warnings=publications[PublicationKind.WARNING],
        provinces=_provinces(start, now, province),
        takedowns=figures.takedown_figures(takedowns),
    )


def _provinces(start: datetime, end: datetime, only: str | None) -> list[ProvinceLine]:
    reports = dict(
        db.session.execute(
            select(Report.province_code, func.count())
            .where(Report.created_at >= start, Report.created_at < end)
            .group_by(Report.province_code)
        ).all()
    )
    case_rows = select(Centre.province_code, func.count()).join(Case, Case.centre_id == Centre.id)
    cases = dict(
        db.session.execute(
            case_rows.where(
                Case.first_seen >= start,
                Case.first_seen < end,
                Case.merged_into_id.is_(None),
                Case.report_count > 0,
            ).group_by(Centre.province_code)
        ).all()
    )
    verdicts = dict(
        db.session.execute(
            select(Centre.province_code, func.count())
            .join(Case, Case.centre_id == Centre.id)
            .join(Verdict, Verdict.case_id == Case.id)
            .where(
                Verdict.status == PublicationStatus.PUBLISHED,
                Verdict.published_at >= start,
                Verdict.published_at < end,
            )
            .group_by(Centre.province_code)
        ).all()
    )
    query = select(Province.code, Province.name).order_by(Province.name)
    if only:
        query = query.where(Province.code == only)
    return [
        ProvinceLine(
            code,
            name,
            int(reports.get(code, 0)),
            int(cases.get(code, 0)),
            int(verdicts.get(code, 0)),
        )
        for code, name in db.session.execute(query)
    ]
