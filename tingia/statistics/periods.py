"""Reporting periods (quarters and years) in the centre's time zone, as UTC bounds. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """Not a quarter like 2026-Q4 nor a year like 2026."""


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC of a quarter or a year of the centre's calendar."""

    label: str  # "2026-Q4" or "2026"
    start: datetime
    end: datetime
    first_day: date
    last_day: date

    def contains(self, moment: datetime) -> bool:
        """Whether the moment falls within the period."""
        return self.start <= moment < self.end


def _bounds(label: str, first: date, after: date, zone: ZoneInfo) -> Period:
    start = datetime.combine(first, datetime.min.time(), zone).astimezone(UTC)
    end = datetime.combine(after, datetime.min.time(), zone).astimezone(UTC)
    return Period(label, start, end, first, after - timedelta(days=1))


def parse_period(text: str | None, zone_name: str) -> Period:
    """A quarter ("2026-Q4") or a year ("2026") in the named time zone."""
    try:
        return _parse(text, ZoneInfo(zone_name))
    except (ValueError, OverflowError) as error:  # year 0, year 9999's last quarter...
        raise PeriodError(text) from error


def _parse(text: str | None, zone: ZoneInfo) -> Period:
    value = (text or "").strip()
    if match := _QUARTER.match(value):
        year, quarter = int(match.group(1)), int(match.group(2))
        first = date(year, 3 * quarter - 2, 1)
        after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return _bounds(f"{year}-Q{quarter}", first, after, zone)
    if match := _YEAR.match(value):
        year = int(match.group(1))
        return _bounds(str(year), date(year, 1, 1), date(year + 1, 1, 1), zone)
    raise PeriodError(value)


def quarter_of(moment: datetime, zone_name: str) -> str:
    """The label of the quarter a moment falls in ("2026-Q4")."""
    local = moment.astimezone(ZoneInfo(zone_name))
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def last_days(today: date, count: int) -> list[date]:
    """The `count` days ending with `today`, oldest first."""
    return [today - timedelta(days=offset) for offset in range(count - 1, -1, -1)]


def last_months(today: date, count: int) -> list[str]:
    """The `count` months ("2026-12") ending with today's, oldest first."""
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def hours_between(start: datetime, end: datetime) -> float:
    """Hours from start to end."""
    return (end - start).total_seconds() / 3600
