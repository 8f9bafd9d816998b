"""TOTP two-factor sign-in (RFC 6238, pyotp): required for leads and admins, optional for
verifiers; a code is accepted once; ten single-use recovery codes, stored as digests; enrolment
with a QR code drawn on the server (segno, inline SVG: nothing for the CSP to allow).

A secret being set up stays in the browser's signed session cookie until confirmed, so two
browsers enrolling the same account can never see each other's secret.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import delete, or_, update

from tingia.auth import events, sessions
from tingia.auth.service import AccountError, AccountForbidden, check_password
from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import AuthAction, RecoveryCode, Role, User

STEP_SECONDS = 30
# Codes of the previous and next 30-second steps count too (clock drift, typing time).
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_CODE = re.compile(r"\d{6}")


def new_secret() -> str:
    """A random base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an authenticator app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["TOTP_ISSUER"]
    )


def qr_svg(uri: str, title: str) -> Markup:
    """The URI as a QR code, an inline SVG element (no script, no style attribute)."""
    qr = segno.make(uri, error="m")
    # bandit B704 accepted: segno writes only path data and the title, which it escapes.
    return Markup(qr.svg_inline(scale=5, dark="#000", light="#fff", title=title))  # nosec B704


def enrolment(user: User, secret: str) -> dict[str, str | Markup]:
    """What an enrolment page shows: the QR code, and the secret to type in instead."""
    uri = provisioning_uri(user, secret)
    return {
        "qr": qr_svg(uri, str(_l("QR code for your authenticator app"))),
        "secret": grouped(secret),
    }


def matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step (within the allowed drift) whose code this is, or None."""
    code = re.sub(r"\s", "", code)
    if not _CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    """Record `step` as the user's last accepted one unless it or a later one was used already;
    one UPDATE, so two processes given the same code cannot both accept it."""
    result = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_counter.is_(None), User.totp_last_counter < step),
        )
        .values(totp_last_counter=step),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(user, ["totp_last_counter"])
    return result.rowcount == 1


def normalise_recovery_code(code: str) -> str:
    """Recovery codes compare without case, spaces or dashes."""
    return re.sub(r"[\s-]", "", code).lower()


def _code_digest(user: User, code: str) -> str:
    return hashlib.sha256(f"{user.id}:{normalise_recovery_code(code)}".encode()).hexdigest()


def _use_recovery_code(user: User, code: str) -> bool:
    result = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _code_digest(user, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1


def verify(user: User, code: str) -> bool:
    """Whether a TOTP code or an unused recovery code of the user is good; uses it up."""
    if user.totp_secret is None:
        return False
    step = matching_step(user.totp_secret, code, time.time())
    if step is not None:
        return _claim_step(user, step)
    if len(normalise_recovery_code(code)) == 16 and _use_recovery_code(user, code):
        events.record(AuthAction.RECOVERY_CODE_USED, user)
        return True
    return False


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; returns them (shown once)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()  # 80 bits
        code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_code_digest(user, code)))
        codes.append(code)
    db.session.flush()
    return codes


def confirm_enrolment(user: User, secret: str, code: str) -> list[str] | None:
    """Make `secret` the user's (replacing any earlier one) if `code` is its current code;
    returns new recovery codes, or None when the code is wrong."""
    step = matching_step(secret, code, time.time())
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_enrolled_at = utcnow()
    user.totp_last_counter = step  # this code is used
    events.record(AuthAction.TWO_FACTOR_ENROLLED, user)
    return new_recovery_codes(user)


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_counter = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable(user: User, password: str) -> None:
    """Turn off one's own optional two-factor sign-in (the password first)."""
    if user.two_factor_required:
        raise AccountForbidden(_l("Leads and admins must sign in with two-factor."))
    if not check_password(user, password):
        raise AccountError(_l("Wrong password."))
    _clear(user)
    events.record(AuthAction.TWO_FACTOR_DISABLED, user)


def renew_recovery_codes(user: User, password: str) -> list[str]:
    """New recovery codes for oneself (the password first); the old ones stop working."""
    if not check_password(user, password):
        raise AccountError(_l("Wrong password."))
    events.record(AuthAction.RECOVERY_CODES_RENEWED, user)
    return new_recovery_codes(user)


def reset(target: User, actor: User) -> None:
    """Admins: clear an account's two-factor (lost phone) and end its sessions; a lead or admin
    sets it up again at the next sign-in."""
    if actor.role != Role.ADMIN:
        raise AccountForbidden(_l("Only admins reset two-factor sign-in"))
    _clear(target)
    ended = sessions.revoke_all(target)
    events.record(AuthAction.TWO_FACTOR_RESET, target, actor)
    events.record(
        AuthAction.SESSIONS_REVOKED, target, actor, reason="two_factor_reset", sessions=ended
    )
