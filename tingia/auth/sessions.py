"""Server-side staff sessions.

Signing in adds a `staff_sessions` row; the Flask session cookie carries only its random key
(Flask-Login's `_user_id`, see `User.get_session_key`). Every request with that cookie looks the
row up, so a session ends everywhere at once when it is revoked (sign-out, password change,
deactivation, a two-factor reset, the user's own sessions page), after STAFF_SESSION_IDLE_MINUTES
without a request, or STAFF_SESSION_MAX_HOURS after sign-in whatever the activity. No "remember
me": the cookie lasts as long as the browser session, the row decides the rest.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, g, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select, update

from tingia.auth.events import client_address, client_agent
from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import StaffSession, User


def N_(message: str) -> str:  # noqa: N802  (marks a message for extraction; translated later)
    return message


# Flask-Login flashes this, through gettext, when a staff page needs a sign-in.
SIGN_IN_MESSAGE = N_("Please sign in to see this page.")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def is_live(
    staff_session: StaffSession, now: datetime, idle: timedelta, longest: timedelta
) -> bool:
    """Not revoked, used within `idle`, and started within `longest`."""
    return (
        staff_session.revoked_at is None
        and now - staff_session.last_seen_at <= idle
        and now - staff_session.created_at <= longest
    )


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return (
        timedelta(minutes=config["STAFF_SESSION_IDLE_MINUTES"]),
        timedelta(hours=config["STAFF_SESSION_MAX_HOURS"]),
    )


def _new_session(user: User, second_factor: bool) -> tuple[str, StaffSession]:
    key = secrets.token_urlsafe(32)
    now = utcnow()
    staff_session = StaffSession(
        key_hash=_digest(key),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        second_factor=second_factor,
        ip=client_address(),
        user_agent=client_agent(),
    )
    db.session.add(staff_session)
    db.session.flush()
    return key, staff_session


def start_session(user: User, second_factor: bool) -> str:
    """Add a session for the user (from this request's address and browser); returns its key."""
    return _new_session(user, second_factor)[0]


def sign_in(user: User, second_factor: bool) -> None:
    """Start a session for the user and put its key in this browser's cookie."""
    user.session_key, g.staff_session = _new_session(user, second_factor)
    user.last_login_at = utcnow()
    session.pop("signin", None)
    login_user(user)


def load_user(key: str) -> User | None:
    """Flask-Login's user loader: the user of a live session with this key, or None."""
    staff_session = db.session.scalar(
        select(StaffSession).where(StaffSession.key_hash == _digest(key))
    )
    if staff_session is None or not is_live(staff_session, utcnow(), *_limits()):
        return None
    user = staff_session.user
    if not user.active or (user.two_factor_required and not staff_session.second_factor):
        # A verifier promoted to lead signed in without a second factor: sign in again.
        return None
    g.staff_session = staff_session
    user.session_key = key
    return user


def current_session() -> StaffSession | None:
    """The session this request is signed in with."""
    return g.get("staff_session") if current_user.is_authenticated else None


def touch_current_session() -> None:
    """Before each request with a sign-in cookie: load the session (ending a dead one's cookie)
    and note the activity, writing at most once every STAFF_SESSION_TOUCH_SECONDS."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    if not current_user.is_authenticated:
        logout_user()  # revoked or expired: drop the key from the cookie
        return
    staff_session = g.get("staff_session")
    now = utcnow()
    every = timedelta(seconds=current_app.config["STAFF_SESSION_TOUCH_SECONDS"])
    if staff_session is not None and now - staff_session.last_seen_at >= every:
        staff_session.last_seen_at = now
        db.session.commit()  # nothing else is pending before the view runs


def revoke(staff_session: StaffSession) -> None:
    """End one session."""
    staff_session.revoked_at = staff_session.revoked_at or utcnow()


def revoke_all(user: User, keep: StaffSession | None = None) -> int:
    """End every session of the user (but `keep`, if given); returns how many were live."""
    query = update(StaffSession).where(
        StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(StaffSession.id != keep.id)
    result = db.session.execute(
        query.values(revoked_at=utcnow()), execution_options={"synchronize_session": "fetch"}
    )
    return result.rowcount


def live_sessions(user_ids: list[int]) -> dict[int, list[StaffSession]]:
    """The live sessions of these users, most recently used first, by user id."""
    idle, longest = _limits()
    now = utcnow()
    found: dict[int, list[StaffSession]] = {}
    for staff_session in db.session.scalars(
        select(StaffSession)
        .where(
            StaffSession.user_id.in_(user_ids),
            StaffSession.revoked_at.is_(None),
            StaffSession.last_seen_at >= now - idle,
            StaffSession.created_at >= now - longest,
        )
        .order_by(StaffSession.last_seen_at.desc())
    ):
        found.setdefault(staff_session.user_id, []).append(staff_session)
    return found
