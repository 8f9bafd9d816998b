"""Per-account back-off for sign-in: failures are counted per email (whether an account has it or
not, so the answers do not tell which exist), in the database, so every web process on every
machine sees the same count and a Redis outage changes nothing. A few failures are free; after
that each failure locks the name for twice as long as the previous one, up to a cap."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import LoginThrottle


def backoff_seconds(failures: int, free: int, base: int, cap: int) -> int:
    """How long `failures` consecutive failures lock an account: 0 while free, then doubling."""
    if failures < free:
        return 0
    return min(cap, base * 2 ** min(failures - free, 32))


def throttle_key(email: str) -> str:
    """The row key for an email: a digest, so no typed-in address is stored."""
    return hashlib.sha256(f"login:{email.strip().lower()}".encode()).hexdigest()


def locked_seconds(email: str, now: datetime | None = None) -> int:
    """Seconds until the email may try again (0: it may now)."""
    now = now or utcnow()
    locked_until = db.session.scalar(
        select(LoginThrottle.locked_until).where(LoginThrottle.key == throttle_key(email))
    )
    if locked_until is None or locked_until <= now:
        return 0
    return math.ceil((locked_until - now).total_seconds())


def record_failure(email: str, now: datetime | None = None) -> int:
    """Count a failed attempt (atomically, whatever other processes do) and lock the name if it is
    past its free failures; returns the number of consecutive failures."""
    config = current_app.config
    now = now or utcnow()
    key = throttle_key(email)
    forgotten = now - timedelta(hours=config["LOGIN_FAILURES_FORGOTTEN_HOURS"])
    db.session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == key, LoginThrottle.last_failure_at < forgotten)
        .values(failures=0, locked_until=None),
        execution_options={"synchronize_session": False},
    )
    failures = _increment(key, now)
    if failures is None:
        # A new name: first drop the rows nobody failed with for a day, so guessing many names
        # does not grow the table for ever.
        db.session.execute(
            delete(LoginThrottle).where(
                LoginThrottle.last_failure_at < forgotten,
                or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
            ),
            execution_options={"synchronize_session": False},
        )
        try:
            with db.session.begin_nested():
                db.session.add(LoginThrottle(key=key, failures=1, last_failure_at=now))
            failures = 1
        except IntegrityError:  # another process inserted it first: count on its row
            failures = _increment(key, now)
    wait = backoff_seconds(
        failures or 1,
        config["LOGIN_FREE_FAILURES"],
        config["LOGIN_BACKOFF_SECONDS"],
        config["LOGIN_BACKOFF_MAX_SECONDS"],
    )
    if wait:
        db.session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(locked_until=now + timedelta(seconds=wait)),
            execution_options={"synchronize_session": False},
        )
    return failures or 1


def _increment(key: str, now: datetime) -> int | None:
    result = db.session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == key)
        .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
        .returning(LoginThrottle.failures),
        execution_options={"synchronize_session": False},
    )
    return result.scalar()


def clear_failures(email: str) -> None:
    """Forget the failures of a name once its owner has signed in completely."""
    db.session.execute(
        delete(LoginThrottle).where(LoginThrottle.key == throttle_key(email)),
        execution_options={"synchronize_session": False},
    )
