"""Staff accounts and their API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tingia.database import utcnow
from tingia.extensions import db
from tingia.models.enums import LEAD_ROLES, Role, enum_type
from tingia.models.province import Centre


class User(UserMixin, db.Model):
    """A member of staff of one centre."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"), default=Role.VERIFIER)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    # TOTP two-factor (tingia/auth/two_factor.py): the confirmed secret and the time step of the
    # last code accepted (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(default=None)
    totp_last_counter: Mapped[int | None] = mapped_column(default=None)

    centre: Mapped[Centre] = relationship()

    # What Flask-Login keeps in the cookie (its id_attribute, see tingia/auth/sessions.py): the
    # key of the server-side session the user signed in with, not the user's id, so that session
    # can be ended. get_id() stays the user's id: UserMixin compares users with it.
    session_key = None  # str | None, set on sign-in

    def get_session_key(self) -> str | None:
        """The key of the session being started for this user (Flask-Login's id attribute)."""
        return self.session_key

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def two_factor_required(self) -> bool:
        """Leads and admins must sign in with a second factor; verifiers may choose to."""
        return self.role in LEAD_ROLES

    @property
    def two_factor_enabled(self) -> bool:
        """The account has a confirmed TOTP secret."""
        return self.totp_secret is not None

    @property
    def is_national(self) -> bool:
        """National staff see and act on every centre's cases."""
        return self.centre.is_national

    @property
    def display_name(self) -> str:
        """Name to show colleagues: the name if set, else the email."""
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    """A bearer token acting as its user; only a SHA-256 of it is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship()
