"""The public statistics' summary: every count /statistics shows, per local month, centre and
breakdown, computed from the database in four grouped queries and kept as a snapshot.

The worker rebuilds it every STATISTICS_REFRESH_SECONDS (a periodic job); the page reads the
latest snapshot and rebuilds it itself only when there is none younger than
STATISTICS_MAX_AGE_SECONDS (no worker running, a fresh database). The snapshot lives in the
database, so every web process shows the same figures, and it is always rebuilt whole from the
reports, cases, publications and removal requests: nothing is counted incrementally.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, func, select

from tingia.extensions import db
from tingia.models import (
    Case,
    Centre,
    PublicationStatus,
    Report,
    StatisticsCount,
    StatisticsMeasure,
    StatisticsSnapshot,
    TakedownRequest,
    Verdict,
)
from tingia.statistics import figures
from tingia.statistics.periods import last_months

MONTHS = 12
# Snapshots kept besides the newest: a page that began reading the previous one still finds it.
KEPT_SNAPSHOTS = 2
# Every column of a count (one executemany needs the same keys in every row).
EMPTY_ROW = dict.fromkeys(
    ("province_code", "category", "kind", "rating", "takedown_status", "removed_on_time")
)


def window_start(now: datetime) -> datetime:
    """The first moment of the oldest of the 12 local months ending with now's."""
    zone = ZoneInfo(figures.timezone_name())
    first = last_months(now.astimezone(zone).date(), MONTHS)[0]
    return datetime.strptime(first + "-01", "%Y-%m-%d").replace(tzinfo=zone)


def _report_rows(start: datetime, end: datetime) -> list[dict]:
    month = figures.local_bucket(Report.created_at, "month")
    rows = db.session.execute(
        select(month, Report.centre_id, Report.province_code, func.count())
        .where(Report.created_at >= start, Report.created_at < end)
        .group_by(month, Report.centre_id, Report.province_code)
    )
    return [
        {
            "measure": StatisticsMeasure.REPORTS,
            "month": m,
            "centre_id": c,
            "province_code": p,
            "count": n,
        }
        for m, c, p, n in rows
    ]


def _case_rows(start: datetime, end: datetime) -> list[dict]:
    month = figures.local_bucket(Case.first_seen, "month")
    rows = db.session.execute(
        select(month, Case.centre_id, Centre.province_code, Case.category, func.count())
        .join(Centre, Centre.id == Case.centre_id)
        .where(
            Case.first_seen >= start,
            Case.first_seen < end,
            # Cases merged into another (or emptied) are not cases of their own any more.
            Case.merged_into_id.is_(None),
            Case.report_count > 0,
        )
        .group_by(month, Case.centre_id, Centre.province_code, Case.category)
    )
    return [
        {
            "measure": StatisticsMeasure.CASES,
            "month": m,
            "centre_id": c,
            "province_code": p,
            "category": category,
            "count": n,
        }
        for m, c, p, category, n in rows
    ]


def _publication_rows(start: datetime, end: datetime) -> list[dict]:
    month = figures.local_bucket(Verdict.published_at, "month")
    rows = db.session.execute(
        select(
            month, Case.centre_id, Centre.province_code, Verdict.kind, Verdict.rating, func.count()
        )
        .join(Case, Verdict.case_id == Case.id)
        .join(Centre, Centre.id == Case.centre_id)
        .where(
            Verdict.status == PublicationStatus.PUBLISHED,
            Verdict.published_at >= start,
            Verdict.published_at < end,
        )
        .group_by(month, Case.centre_id, Centre.province_code, Verdict.kind, Verdict.rating)
    )
    return [
        {
            "measure": StatisticsMeasure.PUBLICATIONS,
            "month": m,
            "centre_id": c,
            "province_code": p,
            "kind": kind,
            "rating": rating,
            "count": n,
        }
        for m, c, p, kind, rating, n in rows
    ]


def _takedown_rows(start: datetime, end: datetime) -> list[dict]:
    month = figures.local_bucket(TakedownRequest.requested_at, "month")
    rows = db.session.execute(
        select(
            month,
            TakedownRequest.centre_id,
            TakedownRequest.status,
            TakedownRequest.removed_at,
            TakedownRequest.due_at,
        ).where(TakedownRequest.requested_at >= start, TakedownRequest.requested_at < end)
    )
    counts: dict[tuple, int] = {}
    for m, centre_id, status, removed_at, due_at in rows:
        on_time = removed_at is not None and removed_at <= due_at
        key = (m, centre_id, status, on_time)
        counts[key] = counts.get(key, 0) + 1
    return [
        {
            "measure": StatisticsMeasure.TAKEDOWNS,
            "month": m,
            "centre_id": c,
            "takedown_status": status,
            "removed_on_time": on_time,
            "count": n,
        }
        for (m, c, status, on_time), n in counts.items()
    ]


def rebuild_summary(now: datetime) -> StatisticsSnapshot:
    """Count everything /statistics shows for the 12 months ending now, as a new snapshot (the
    older ones beyond KEPT_SNAPSHOTS are deleted). Flushes."""
    start = window_start(now)
    snapshot = StatisticsSnapshot(computed_at=now)
    db.session.add(snapshot)
    db.session.flush()
    rows = [
        *_report_rows(start, now),
        *_case_rows(start, now),
        *_publication_rows(start, now),
        *_takedown_rows(start, now),
    ]
    if rows:
        db.session.execute(
            StatisticsCount.__table__.insert(),
            [{**EMPTY_ROW, "snapshot_id": snapshot.id, **row} for row in rows],
        )
    kept = (
        select(StatisticsSnapshot.id)
        .order_by(StatisticsSnapshot.computed_at.desc(), StatisticsSnapshot.id.desc())
        .limit(KEPT_SNAPSHOTS + 1)
    )
    old = select(StatisticsSnapshot.id).where(StatisticsSnapshot.id.not_in(kept))
    db.session.execute(delete(StatisticsCount).where(StatisticsCount.snapshot_id.in_(old)))
    db.session.execute(delete(StatisticsSnapshot).where(StatisticsSnapshot.id.in_(old)))
    return snapshot


def fresh_snapshot(now: datetime) -> StatisticsSnapshot | None:
    """The newest snapshot, if it was computed less than STATISTICS_MAX_AGE_SECONDS ago."""
    oldest = now - timedelta(seconds=current_app.config["STATISTICS_MAX_AGE_SECONDS"])
    return db.session.scalar(
        select(StatisticsSnapshot)
        .where(StatisticsSnapshot.computed_at > oldest, StatisticsSnapshot.computed_at <= now)
        .order_by(StatisticsSnapshot.computed_at.desc(), StatisticsSnapshot.id.desc())
        .limit(1)
    )


def current_snapshot(now: datetime) -> StatisticsSnapshot:
    """The snapshot to show: the fresh one, or one rebuilt now. Flushes."""
    return fresh_snapshot(now) or rebuild_summary(now)
