"""The staff dashboard of a centre (national staff: all centres, or one province): cases against
the 24-hour clock, handling times, verifiers' load, reports per day, platforms and sources,
surge alerts and removal requests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import case, func, select

from tingia.cases.rules import WORKABLE
from tingia.centres.service import centres_in_order
from tingia.extensions import db
from tingia.models import (
    Case,
    Centre,
    Report,
    Source,
    SourceUrl,
    TakedownRequest,
    TakedownStatus,
    User,
)
from tingia.statistics import figures
from tingia.statistics.periods import last_days

DAYS = 30
TOP = 5


def is_surge(recent: int, previous: int, minimum: int) -> bool:
    """A case surges when its reports of the last window reach the minimum and at least double
    those of the window before."""
    return recent >= minimum and recent >= 2 * previous


@dataclass(frozen=True)
class Surge:
    """A case whose reports grew fast in the last hours."""

    case_id: int
    recent: int
    previous: int


@dataclass(frozen=True)
class VerifierLoad:
    """Open cases assigned to one member of staff."""

    user: User
    open: int
    overdue: int


@dataclass(frozen=True)
class Dashboard:
    """Every figure of the dashboard for one scope."""

    open_cases: int
    overdue_cases: int
    median_hours_to_triage: float | None
    median_hours_to_publish: float | None
    load: list[VerifierLoad]
    unassigned: int
    per_day: list[tuple[date, int]]
    platforms: list[tuple[str, int]]
    sources: list[tuple[Source, int]]
    surges: list[Surge]
    takedowns_open: int
    takedowns_overdue: int


def _case_scope(centre_ids: set[int] | None):
    return [] if centre_ids is None else [Case.centre_id.in_(centre_ids)]


def _report_scope(centre_ids: set[int] | None):
    return [] if centre_ids is None else [Report.centre_id.in_(centre_ids)]


def _clock_start(now: datetime) -> datetime:
    return now - timedelta(hours=current_app.config["CASE_CLOCK_HOURS"])


def _load(centre_ids: set[int] | None, now: datetime) -> tuple[list[VerifierLoad], int]:
    overdue = case((Case.first_seen < _clock_start(now), 1), else_=0)
    rows = db.session.execute(
        select(Case.assignee_id, func.count(), func.sum(overdue))
        .where(Case.status.in_(WORKABLE), *_case_scope(centre_ids))
        .group_by(Case.assignee_id)
    ).all()
    users = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_([r[0] for r in rows if r[0] is not None]))
        )
    }
    load = [
        VerifierLoad(users[user_id], int(count), int(late or 0))
        for user_id, count, late in rows
        if user_id is not None
    ]
    unassigned = sum(int(count) for user_id, count, _ in rows if user_id is None)
    return sorted(load, key=lambda item: (-item.open, item.user.display_name)), unassigned


def _per_day(centre_ids: set[int] | None, now: datetime) -> list[tuple[date, int]]:
    today = now.astimezone(ZoneInfo(figures.timezone_name())).date()
    days = last_days(today, DAYS)
    start = datetime.combine(days[0], datetime.min.time(), ZoneInfo(figures.timezone_name()))
    bucket = figures.local_bucket(Report.created_at, "day")
    counts = dict(
        db.session.execute(
            select(bucket, func.count())
            .where(Report.created_at >= start, Report.created_at <= now, *_report_scope(centre_ids))
            .group_by(bucket)
        ).all()
    )
    return [(day, int(counts.get(day.isoformat(), 0))) for day in days]


def _platforms(centre_ids: set[int] | None, since: datetime) -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(Report.platform, func.count())
        .where(Report.created_at >= since, *_report_scope(centre_ids))
        .group_by(Report.platform)
        .order_by(func.count().desc(), Report.platform)
        .limit(TOP)
    )
    return [(platform, int(count)) for platform, count in rows]


def _sources(centre_ids: set[int] | None, since: datetime) -> list[tuple[Source, int]]:
    rows = db.session.execute(
        select(Source, func.count(Report.id))
        .join(SourceUrl, SourceUrl.source_id == Source.id)
        .join(Report, Report.canonical_url == SourceUrl.url)
        .where(Report.created_at >= since, *_report_scope(centre_ids))
        .group_by(Source.id)
        .order_by(func.count(Report.id).desc(), Source.id)
        .limit(TOP)
    )
    return [(source, int(count)) for source, count in rows]


def _surges(centre_ids: set[int] | None, now: datetime) -> list[Surge]:
    config = current_app.config
    window = timedelta(hours=config["SURGE_WINDOW_HOURS"])
    recent = case((Report.created_at >= now - window, 1), else_=0)
    rows = db.session.execute(
        select(Report.case_id, func.sum(recent), func.count())
        .join(Case, Report.case_id == Case.id)
        .where(
            Report.created_at >= now - 2 * window,
            Report.created_at <= now,
            Case.status.in_(WORKABLE),
            *_case_scope(centre_ids),
        )
        .group_by(Report.case_id)
    )
    found = [
        Surge(case_id, int(last), int(total) - int(last))
        for case_id, last, total in rows
        if is_surge(int(last), int(total) - int(last), config["SURGE_MIN_REPORTS"])
    ]
    return sorted(found, key=lambda item: (-item.recent, item.case_id))


def _takedowns(centre_ids: set[int] | None, now: datetime) -> tuple[int, int]:
    late = case((TakedownRequest.due_at < now, 1), else_=0)
    query = (
        select(func.count(), func.sum(late))
        .select_from(TakedownRequest)
        .join(Case, TakedownRequest.case_id == Case.id)
        .where(TakedownRequest.status == TakedownStatus.REQUESTED, *_case_scope(centre_ids))
    )
    count, overdue = db.session.execute(query).one()
    return int(count or 0), int(overdue or 0)


def dashboard(centre_ids: set[int] | None, now: datetime) -> Dashboard:
    """The dashboard over the centres' cases (None: every centre)."""
    since = now - timedelta(days=DAYS)
    open_cases, overdue = db.session.execute(
        select(
            func.count(), func.sum(case((Case.first_seen < _clock_start(now), 1), else_=0))
        ).where(Case.status.in_(WORKABLE), *_case_scope(centre_ids))
    ).one()
    load, unassigned = _load(centre_ids, now)
    takedowns_open, takedowns_overdue = _takedowns(centre_ids, now)
    return Dashboard(
        open_cases=int(open_cases or 0),
        overdue_cases=int(overdue or 0),
        median_hours_to_triage=figures.median_hours(figures.triage_hours(since, now), centre_ids),
        median_hours_to_publish=figures.median_hours(figures.publish_hours(since, now), centre_ids),
        load=load,
        unassigned=unassigned,
        per_day=_per_day(centre_ids, now),
        platforms=_platforms(centre_ids, since),
        sources=_sources(centre_ids, since),
        surges=_surges(centre_ids, now),
        takedowns_open=takedowns_open,
        takedowns_overdue=takedowns_overdue,
    )


@dataclass(frozen=True)
class CentreLine:
    """One centre's line of the national dashboard's table."""

    centre: Centre
    open_cases: int
    overdue_cases: int
    reports_30d: int
    takedowns_open: int


def centre_lines(now: datetime) -> list[CentreLine]:
    """Open and overdue cases, reports of 30 days and open removal requests of every centre."""
    late = case((Case.first_seen < _clock_start(now), 1), else_=0)
    cases = {
        centre_id: (int(count), int(overdue or 0))
        for centre_id, count, overdue in db.session.execute(
            select(Case.centre_id, func.count(), func.sum(late))
            .where(Case.status.in_(WORKABLE))
            .group_by(Case.centre_id)
        )
    }
    reports = figures.reports_received(now - timedelta(days=DAYS), now + timedelta(seconds=1))
    takedowns = Counter(
        dict(
            db.session.execute(
                select(Case.centre_id, func.count())
                .select_from(TakedownRequest)
                .join(Case, TakedownRequest.case_id == Case.id)
                .where(TakedownRequest.status == TakedownStatus.REQUESTED)
                .group_by(Case.centre_id)
            ).all()
        )
    )
    return [
        CentreLine(
            centre,
            cases.get(centre.id, (0, 0))[0],
            cases.get(centre.id, (0, 0))[1],
            reports.get(centre.id, 0),
            int(takedowns[centre.id]),
        )
        for centre in centres_in_order()
    ]
