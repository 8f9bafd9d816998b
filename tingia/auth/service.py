"""Rules for staff accounts: password hashing, user creation, API tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from tingia.centres.scoping import get_user_or_404
from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import ApiToken, Centre, Role, User
from tingia.models.enums import member_or_none

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
password_hasher = PasswordHasher()
# bandit B105 accepted: the visible prefix of API tokens, not a secret.
TOKEN_PREFIX = "tg_"  # nosec B105
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A request about accounts that breaks a rule; the message says which."""


class AccountForbidden(AccountError):
    """The acting user may not manage this account."""


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return password_hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    """True if the password is the user's; upgrades the stored hash when parameters changed."""
    try:
        password_hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if password_hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


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
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"passwords have at least {MIN_PASSWORD_LENGTH} characters")
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
    """Deactivate (sign-ins and tokens stop working at once) or reactivate an account."""
    if not may_manage(actor, target):
        raise AccountForbidden(_l("You may not manage this account"))
    if target.id == actor.id:
        raise AccountError(_l("You cannot deactivate your own account"))
    target.active = active


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
