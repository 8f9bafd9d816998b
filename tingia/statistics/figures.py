"""The queries behind every figure, grouped by centre so one query serves a centre, the national
totals and the table of provinces. Periods are UTC bounds (periods.py); days and months are the
centre's calendar (local_bucket)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, Select, func, select

from tingia.cases.rules import WORKABLE
from tingia.extensions import db
from tingia.models import (
    Case,
    CaseAction,
    CaseEvent,
    PublicationKind,
    PublicationStatus,
    Report,
    TakedownRequest,
    TakedownStatus,
    Verdict,
)
from tingia.sources.service import violations
from tingia.statistics.periods import hours_between

# {centre_id: value}; a figure for several centres adds them up (medians are computed from the
# durations themselves).
ByCentre = dict[int, int]


def timezone_name() -> str:
    """The centre's time zone (days, months and quarters are counted in it)."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def local_bucket(column: ColumnElement[datetime], unit: str) -> ColumnElement[str]:
    """The local day ("2026-12-02") or month ("2026-12") of a UTC timestamp column, in SQL.

    PostgreSQL converts with the zone's rules; SQLite (timestamps stored as UTC text) adds the
    zone's current offset, exact for a zone without daylight saving time such as Vietnam's."""
    zone = timezone_name()
    if db.session.get_bind().dialect.name == "postgresql":
        pattern = "YYYY-MM-DD" if unit == "day" else "YYYY-MM"
        return func.to_char(func.timezone(zone, column), pattern)
    offset = datetime.now(ZoneInfo(zone)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    pattern = "%Y-%m-%d" if unit == "day" else "%Y-%m"
    return func.strftime(pattern, column, f"{minutes:+d} minutes")


def _by_centre(query: Select) -> ByCentre:
    return {centre_id: int(count) for centre_id, count in db.session.execute(query)}


def in_scope(values: ByCentre, centre_ids: set[int] | None) -> int:
    """The sum over the centres (None: all of them)."""
    return sum(v for k, v in values.items() if centre_ids is None or k in centre_ids)


def reports_received(start: datetime, end: datetime) -> ByCentre:
    """Reports received in [start, end), by the centre they were routed to."""
    return _by_centre(
        select(Report.centre_id, func.count())
        .where(Report.created_at >= start, Report.created_at < end)
        .group_by(Report.centre_id)
    )


def _live_cases() -> list[ColumnElement[bool]]:
    # Cases merged into another (or emptied) are not cases of their own any more.
    return [Case.merged_into_id.is_(None), Case.report_count > 0]


def cases_by_category(start: datetime, end: datetime) -> dict[int, Counter]:
    """Cases first reported in [start, end), by centre and category (None: not triaged)."""
    result: dict[int, Counter] = defaultdict(Counter)
    rows = db.session.execute(
        select(Case.centre_id, Case.category, func.count())
        .where(Case.first_seen >= start, Case.first_seen < end, *_live_cases())
        .group_by(Case.centre_id, Case.category)
    )
    for centre_id, category, count in rows:
        result[centre_id][category] += int(count)
    return result


def cases_by_platform(start: datetime, end: datetime) -> dict[int, Counter]:
    """Cases first reported in [start, end), by centre and the platform of their first report."""
    first = (
        select(Report.case_id, func.min(Report.id).label("report_id"))
        .where(Report.case_id.is_not(None))
        .group_by(Report.case_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Case.centre_id, Report.platform, func.count())
        .join(first, first.c.case_id == Case.id)
        .join(Report, Report.id == first.c.report_id)
        .where(Case.first_seen >= start, Case.first_seen < end, *_live_cases())
        .group_by(Case.centre_id, Report.platform)
    )
    result: dict[int, Counter] = defaultdict(Counter)
    for centre_id, platform, count in rows:
        result[centre_id][platform] += int(count)
    return result


def publications(start: datetime, end: datetime) -> dict[int, Counter]:
    """Verdicts (by rating) and fraud warnings ("warning") published in [start, end) and still
    published, by the case's centre."""
    rows = db.session.execute(
        select(Case.centre_id, Verdict.kind, Verdict.rating, func.count())
        .join(Case, Verdict.case_id == Case.id)
        .where(
            Verdict.status == PublicationStatus.PUBLISHED,
            Verdict.published_at >= start,
            Verdict.published_at < end,
        )
        .group_by(Case.centre_id, Verdict.kind, Verdict.rating)
    )
    result: dict[int, Counter] = defaultdict(Counter)
    for centre_id, kind, rating, count in rows:
        key = rating if kind == PublicationKind.VERDICT else PublicationKind.WARNING
        result[centre_id][key] += int(count)
    return result


def takedown_rows(start: datetime, end: datetime) -> list[tuple[int, TakedownStatus, bool]]:
    """(requesting centre, status, removed on time) of the requests sent in [start, end)."""
    rows = db.session.execute(
        select(
            TakedownRequest.centre_id,
            TakedownRequest.status,
            TakedownRequest.removed_at,
            TakedownRequest.due_at,
        ).where(TakedownRequest.requested_at >= start, TakedownRequest.requested_at < end)
    )
    return [
        (centre_id, status, removed_at is not None and removed_at <= due_at)
        for centre_id, status, removed_at, due_at in rows
    ]


def takedown_figures(rows: list[tuple[int, TakedownStatus, bool]]) -> dict:
    """Requested, removed (and still gone), removal rate and on-time rate of removals."""
    removed = [on_time for _, status, on_time in rows if status == TakedownStatus.REMOVED]
    return takedown_totals(len(rows), len(removed), sum(removed))


def takedown_totals(requested: int, removed: int, removed_on_time: int) -> dict:
    """Requested, removed, removal rate and on-time rate of removals, from the counts."""
    return {
        "requested": requested,
        "removed": removed,
        "removal_rate": round(removed / requested, 4) if requested else None,
        "on_time_rate": round(removed_on_time / removed, 4) if removed else None,
    }


def _first_event(actions: tuple[CaseAction, ...]):
    return (
        select(CaseEvent.case_id, func.min(CaseEvent.created_at).label("at"))
        .where(CaseEvent.action.in_(actions))
        .group_by(CaseEvent.case_id)
        .subquery()
    )


def triage_hours(start: datetime, end: datetime) -> list[tuple[int, float]]:
    """(centre, hours from first report to first triage) of the cases first reported in
    [start, end) that were triaged."""
    triaged = _first_event((CaseAction.TRIAGED,))
    rows = db.session.execute(
        select(Case.centre_id, Case.first_seen, triaged.c.at)
        .join(triaged, triaged.c.case_id == Case.id)
        .where(Case.first_seen >= start, Case.first_seen < end, *_live_cases())
    )
    return [(centre_id, hours_between(first, at)) for centre_id, first, at in rows]


def publish_hours(start: datetime, end: datetime) -> list[tuple[int, float]]:
    """(centre, hours from first report to publication) of what was published in [start, end)."""
    rows = db.session.execute(
        select(Case.centre_id, Case.first_seen, Verdict.published_at)
        .join(Case, Verdict.case_id == Case.id)
        .where(
            Verdict.status == PublicationStatus.PUBLISHED,
            Verdict.published_at >= start,
            Verdict.published_at < end,
        )
    )
    return [(centre_id, hours_between(first, at)) for centre_id, first, at in rows]


def median_hours(rows: list[tuple[int, float]], centre_ids: set[int] | None) -> float | None:
    """The median of the durations of the centres (None: all), to a tenth of an hour."""
    values = [hours for centre_id, hours in rows if centre_ids is None or centre_id in centre_ids]
    return round(median(values), 1) if values else None


def overdue_cases(start: datetime, end: datetime, now: datetime) -> ByCentre:
    """Cases first reported in [start, end) handled (published or closed) after the 24-hour
    clock ran out, or still being handled past it."""
    handled = _first_event((CaseAction.PUBLISHED, CaseAction.CLOSED))
    clock = timedelta(hours=current_app.config["CASE_CLOCK_HOURS"])
    rows = db.session.execute(
        select(Case.centre_id, Case.status, Case.first_seen, handled.c.at)
        .outerjoin(handled, handled.c.case_id == Case.id)
        .where(Case.first_seen >= start, Case.first_seen < end, *_live_cases())
    )
    result: ByCentre = defaultdict(int)
    for centre_id, status, first_seen, handled_at in rows:
        if handled_at is not None:
            finished = handled_at
        elif status in WORKABLE:
            finished = now  # still being handled: its clock runs
        else:
            continue  # published or closed without a recorded event: unknown
        if finished - first_seen > clock:
            result[centre_id] += 1
    return dict(result)


def top_sources(start: datetime, end: datetime) -> dict[int, Counter]:
    """Violations decided in [start, end), by the case's centre and source."""
    found = violations().subquery()
    rows = db.session.execute(
        select(Case.centre_id, found.c.source_id, func.count())
        .join(Case, Case.id == found.c.case_id)
        .where(found.c.decided_at >= start, found.c.decided_at < end)
        .group_by(Case.centre_id, found.c.source_id)
    )
    result: dict[int, Counter] = defaultdict(Counter)
    for centre_id, source_id, count in rows:
        result[centre_id][source_id] += int(count)
    return result


def merged(counters: dict[int, Counter], centre_ids: set[int] | None) -> Counter:
    """One counter over the centres (None: all)."""
    total: Counter = Counter()
    for centre_id, counter in counters.items():
        if centre_ids is None or centre_id in centre_ids:
            total.update(counter)
    return total
