"""One's own sign-in settings under /staff/account/: open sessions (revoke one, or all others)
and two-factor (set up, set up again on a new phone, new recovery codes, turn off if optional)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tingia.auth import events, sessions, two_factor
from tingia.auth.forms import ActiveForm, EnrolForm, PasswordConfirmForm
from tingia.auth.service import AccountError, AccountForbidden, get_session_or_404
from tingia.extensions import db
from tingia.models import AuthAction

bp = Blueprint("account", __name__)
SETUP_KEY = "totp_setup"  # the secret being set up, in this browser's session cookie only


@bp.before_request
@login_required
def _staff_only() -> None:
    """Every account page needs a signed-in user: enforced here, so no route can forget it."""


def _back(default: str) -> str:
    same_site = (request.referrer or "").startswith(request.host_url)
    return request.referrer if same_site else url_for(default)


@bp.get("/account/sessions")
def sessions_page():
    """One's open sessions, this one marked, and the state of two-factor sign-in."""
    live = sessions.live_sessions([current_user.id]).get(current_user.id, [])
    return render_template(
        "staff/sessions.html",
        sessions=live,
        current=sessions.current_session(),
        action_form=ActiveForm(),
    )


@bp.post("/account/sessions/<int:session_id>/revoke")
def revoke_session(session_id: int):
    """End a session: one's own, or one of an account the user manages."""
    staff_session = get_session_or_404(current_user, session_id)
    sessions.revoke(staff_session)
    events.record(AuthAction.SESSION_REVOKED, staff_session.user, current_user)
    db.session.commit()
    flash(_("The session has ended."), "success")
    return redirect(_back("account.sessions_page"))


@bp.post("/account/sessions/revoke-others")
def revoke_other_sessions():
    """Sign out everywhere but here."""
    ended = sessions.revoke_all(current_user, keep=sessions.current_session())
    events.record(
        AuthAction.SESSIONS_REVOKED, current_user, reason="signed_out_elsewhere", sessions=ended
    )
    db.session.commit()
    flash(_("%(n)d other sessions ended.", n=ended), "success")
    return redirect(url_for("account.sessions_page"))


def _two_factor_page(status: int = 200, **forms):
    """The two-factor page: the setup in progress (if any) and the forms of an enabled account."""
    secret = session.get(SETUP_KEY)
    setup = two_factor.enrolment(current_user, secret) if secret else {}
    forms = {
        "form": EnrolForm(formdata=None),
        "codes_form": PasswordConfirmForm(formdata=None, prefix="codes"),
        "disable_form": PasswordConfirmForm(formdata=None, prefix="disable"),
        **forms,
    }
    return render_template("staff/two_factor.html", **forms, **setup), status


@bp.route("/account/two-factor", methods=["GET", "POST"])
def two_factor_page():
    """Set up two-factor (or again, on a new phone: ?renew=1): scan, then confirm a code."""
    user = current_user._get_current_object()
    if request.method == "GET":
        if user.two_factor_enabled and not request.args.get("renew"):
            session.pop(SETUP_KEY, None)
        else:
            session[SETUP_KEY] = two_factor.new_secret()
    form, secret = EnrolForm(), session.get(SETUP_KEY)
    if form.validate_on_submit() and secret:
        codes = two_factor.confirm_enrolment(user, secret, form.code.data)
        if codes is not None:
            session.pop(SETUP_KEY)
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, next_url=None)
        form.code.errors.append(_("This code is not valid (or was used already)."))
    return _two_factor_page(400 if request.method == "POST" else 200, form=form)


@bp.post("/account/two-factor/recovery-codes")
def renew_recovery_codes():
    """New recovery codes (the old ones stop working), shown once."""
    if not current_user.two_factor_enabled:
        abort(404)
    form = PasswordConfirmForm(prefix="codes")
    try:
        codes = two_factor.renew_recovery_codes(current_user, form.password.data or "")
    except AccountError as error:
        form.password.errors = [str(error)]
        return _two_factor_page(400, codes_form=form)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, next_url=None)


@bp.post("/account/two-factor/disable")
def disable_two_factor():
    """Verifiers may turn their optional two-factor sign-in off again (with their password)."""
    if not current_user.two_factor_enabled:
        abort(404)
    form = PasswordConfirmForm(prefix="disable")
    try:
        two_factor.disable(current_user, form.password.data or "")
    except AccountForbidden:
        abort(403)
    except AccountError as error:
        form.password.errors = [str(error)]
        return _two_factor_page(400, disable_form=form)
    db.session.commit()
    flash(_("Two-factor sign-in is off."), "success")
    return redirect(url_for("account.sessions_page"))
