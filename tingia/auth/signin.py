"""The sign-in flow: the password, then, for accounts that have two-factor or must have it, a TOTP
code or a recovery code (or, for a lead or admin without it, enrolment). Both steps are throttled
per account and recorded in the sign-in audit; the session starts only after the last step.

Between the steps the browser's signed session cookie holds `signin`: the account, when the
password was given (the second step must follow within TWO_FACTOR_STEP_SECONDS), where to go next
and, when enrolling, the secret being set up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, session
from flask_login import current_user, logout_user

from tingia.auth import events, sessions, throttle, two_factor
from tingia.auth.service import authenticate, find_user_by_email
from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import AuthAction, User


@dataclass
class StepOutcome:
    """A sign-in step's result: the user when it passed, else how long the account is locked."""

    user: User | None = None
    wait_seconds: int = 0


def password_step(email: str, password: str) -> StepOutcome:
    """Check the password, unless the account name is locked out."""
    wait = throttle.locked_seconds(email)
    if wait:
        events.record(AuthAction.LOGIN_THROTTLED, find_user_by_email(email), step="password")
        return StepOutcome(wait_seconds=wait)
    user, ok = authenticate(email, password)
    if not ok:
        throttle.record_failure(email)
        events.record(AuthAction.LOGIN_FAILED, user, step="password")
        return StepOutcome()
    return StepOutcome(user=user)


def needs_second_step(user: User) -> bool:
    """Accounts with two-factor give a code; leads and admins without it enrol first."""
    return user.two_factor_enabled or user.two_factor_required


def begin_second_step(user: User, next_url: str | None) -> None:
    """Remember, in this browser only, that the password was right."""
    pending: dict[str, Any] = {"user": user.id, "at": utcnow().timestamp(), "next": next_url}
    if not user.two_factor_enabled:
        pending["secret"] = two_factor.new_secret()
    session["signin"] = pending


def pending_sign_in() -> tuple[User, dict[str, Any]] | None:
    """The account whose password this browser gave, while the second step may still follow."""
    pending = session.get("signin")
    if not isinstance(pending, dict):
        return None
    age = utcnow().timestamp() - float(pending.get("at", 0))
    user = db.session.get(User, pending.get("user") or 0)
    if user is None or not user.active or age > current_app.config["TWO_FACTOR_STEP_SECONDS"]:
        session.pop("signin", None)
        return None
    return user, pending


def code_step(user: User, code: str) -> StepOutcome:
    """Check a TOTP or recovery code, unless the account is locked out."""
    wait = throttle.locked_seconds(user.email)
    if wait:
        events.record(AuthAction.LOGIN_THROTTLED, user, step="second_factor")
        return StepOutcome(wait_seconds=wait)
    if not two_factor.verify(user, code):
        throttle.record_failure(user.email)
        events.record(AuthAction.SECOND_FACTOR_FAILED, user)
        return StepOutcome()
    return StepOutcome(user=user)


def complete(user: User, second_factor: bool) -> None:
    """Every step passed: start the session, forget the failures, record the sign-in."""
    sessions.sign_in(user, second_factor)
    throttle.clear_failures(user.email)
    events.record(AuthAction.LOGIN_SUCCEEDED, user, second_factor=second_factor)


def sign_out() -> None:
    """End this browser's session."""
    staff_session = sessions.current_session()
    if staff_session is not None:
        sessions.revoke(staff_session)
        events.record(AuthAction.LOGOUT, current_user._get_current_object())
    logout_user()
