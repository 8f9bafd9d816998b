"""The public statistics page: what the centres received and decided over the last 12 months,
per month and per province, and the removal figures they publish. Counts only: nothing here
reads a report's text or its reporter's details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tingia.extensions import db
from tingia.models import (
    Category,
    Centre,
    Province,
    PublicationKind,
    Rating,
    StatisticsCount,
    StatisticsMeasure,
    StatisticsSnapshot,
    TakedownStatus,
)
from tingia.statistics import figures
from tingia.statistics.periods import last_months
from tingia.statistics.summary import MONTHS


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
    computed_at: datetime


def public_statistics(
    snapshot: StatisticsSnapshot, province: str | None = None
) -> PublicStatistics:
    """The 12 months ending at the snapshot (its month included), for every centre or one
    province's, read from the summary (tingia/statistics/summary.py)."""
    zone = ZoneInfo(figures.timezone_name())
    months = last_months(snapshot.computed_at.astimezone(zone).date(), MONTHS)
    in_window = [StatisticsCount.snapshot_id == snapshot.id, StatisticsCount.month >= months[0]]
    scope = list(in_window)
    if province:
        centre_ids = select(Centre.id).where(Centre.province_code == province)
        scope.append(StatisticsCount.centre_id.in_(centre_ids))
    counts = {
        tuple(key): int(total)
        for *key, total in db.session.execute(
            select(*BREAKDOWN, func.sum(StatisticsCount.count)).where(*scope).group_by(*BREAKDOWN)
        )
    }
    return PublicStatistics(
        first_month=months[0],
        last_month=months[-1],
        reports=_total(counts, StatisticsMeasure.REPORTS),
        months=[_month_line(counts, month) for month in months],
        by_category=[
            (category, _total(counts, StatisticsMeasure.CASES, category=category))
            for category in Category
        ],
        by_rating=[
            (rating, _total(counts, StatisticsMeasure.PUBLICATIONS, kind=VERDICT, rating=rating))
            for rating in Rating
        ],
        fraud_warnings=_total(counts, StatisticsMeasure.PUBLICATIONS, kind=WARNING),
        provinces=_provinces(in_window, province),
        takedowns=figures.takedown_totals(
            _total(counts, StatisticsMeasure.TAKEDOWNS),
            _total(counts, StatisticsMeasure.TAKEDOWNS, takedown_status=REMOVED),
            _total(
                counts, StatisticsMeasure.TAKEDOWNS, takedown_status=REMOVED, removed_on_time=True
            ),
        ),
        computed_at=snapshot.computed_at,
    )


# What the page's figures break the counts down by (the province table aside).
BREAKDOWN = (
    StatisticsCount.measure,
    StatisticsCount.month,
    StatisticsCount.category,
    StatisticsCount.kind,
    StatisticsCount.rating,
    StatisticsCount.takedown_status,
    StatisticsCount.removed_on_time,
)
_FIELDS = ("measure", "month", "category", "kind", "rating", "takedown_status", "removed_on_time")
VERDICT, WARNING = PublicationKind.VERDICT, PublicationKind.WARNING
REMOVED = TakedownStatus.REMOVED


def _total(counts: dict[tuple, int], measure: StatisticsMeasure, **wanted: object) -> int:
    """The sum of the counts of a measure whose fields have the wanted values."""
    positions = [(_FIELDS.index(name), value) for name, value in wanted.items()]
    return sum(
        count
        for key, count in counts.items()
        if key[0] == measure and all(key[i] == value for i, value in positions)
    )


def _month_line(counts: dict[tuple, int], month: str) -> MonthLine:
    return MonthLine(
        month,
        _total(counts, StatisticsMeasure.REPORTS, month=month),
        _total(counts, StatisticsMeasure.CASES, month=month),
        _total(counts, StatisticsMeasure.PUBLICATIONS, month=month, kind=VERDICT),
    )


def _provinces(in_window: list, only: str | None) -> list[ProvinceLine]:
    """Every province (or the one asked for): reports from it, cases and publications of its
    centre, over all centres' counts."""
    measures = (
        StatisticsMeasure.REPORTS,
        StatisticsMeasure.CASES,
        StatisticsMeasure.PUBLICATIONS,
    )
    totals = {
        (measure, code): int(total)
        for measure, code, total in db.session.execute(
            select(
                StatisticsCount.measure,
                StatisticsCount.province_code,
                func.sum(StatisticsCount.count),
            )
            .where(*in_window, StatisticsCount.measure.in_(measures))
            .group_by(StatisticsCount.measure, StatisticsCount.province_code)
        )
    }
    query = select(Province.code, Province.name).order_by(Province.name)
    if only:
        query = query.where(Province.code == only)
    return [
        ProvinceLine(
            code,
            name,
            totals.get((StatisticsMeasure.REPORTS, code), 0),
            totals.get((StatisticsMeasure.CASES, code), 0),
            totals.get((StatisticsMeasure.PUBLICATIONS, code), 0),
        )
        for code, name in db.session.execute(query)
    ]
