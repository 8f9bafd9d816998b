"""Sign-in (password, then two-factor or enrolment), sign-out, password change."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tingia.auth import sessions, signin, two_factor
from tingia.auth.forms import ChangePasswordForm, CodeForm, EnrolForm, LoginForm
from tingia.auth.service import AccountError, change_password
from tingia.extensions import db, limiter

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow `next` within this site, never to another host."""
    # Browsers read "//host" and "/\\host" as another host.
    local = target and target.startswith("/") and not target.startswith(("//", "/\\"))
    if local and not urlsplit(target).netloc:
        return target
    return url_for("staff.queue")


def _locked_message(wait_seconds: int) -> str:
    wait = format_timedelta(timedelta(seconds=wait_seconds), threshold=1.1, add_direction=True)
    return _("Too many failed sign-ins for this account. Try again %(wait)s.", wait=wait)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    """Staff sign-in: the password step."""
    if current_user.is_authenticated:
        return redirect(_safe_next(None))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        outcome = signin.password_step(form.email.data, form.password.data)
        user, next_url = outcome.user, request.args.get("next")
        if user is not None and signin.needs_second_step(user):
            signin.begin_second_step(user, next_url)
            db.session.commit()
            step = "auth.two_factor" if user.two_factor_enabled else "auth.two_factor_setup"
            return redirect(url_for(step))
        if user is not None:
            signin.complete(user, second_factor=False)
            db.session.commit()
            return redirect(_safe_next(next_url))
        db.session.commit()  # the failure counts and its audit entry
        status = 429 if outcome.wait_seconds else 400
        form.password.errors.append(
            _locked_message(outcome.wait_seconds)
            if outcome.wait_seconds
            else _("Wrong email or password.")
        )
    if form.errors and status == 200:  # fields missing
        status = 400
    return render_template("auth/login.html", form=form), status


def _pending_or_restart():
    pending = signin.pending_sign_in()
    if pending is None:
        flash(_("Sign in again: the second step must follow the password within minutes."), "info")
    return pending


@bp.route("/login/two-factor", methods=["GET", "POST"], endpoint="two_factor")
@limiter.limit("10 per minute", methods=["POST"])
def two_factor_step():
    """The second step: a code from the authenticator app or a recovery code."""
    pending = _pending_or_restart()
    if pending is None or not pending[0].two_factor_enabled:
        return redirect(url_for("auth.login"))
    (user, state), form, status = pending, CodeForm(), 200
    if form.validate_on_submit():
        outcome = signin.code_step(user, form.code.data)
        if outcome.user is not None:
            signin.complete(user, second_factor=True)
            db.session.commit()
            return redirect(_safe_next(state.get("next")))
        db.session.commit()
        status = 429 if outcome.wait_seconds else 400
        form.code.errors.append(
            _locked_message(outcome.wait_seconds)
            if outcome.wait_seconds
            else _("This code is not valid (or was used already).")
        )
    return render_template("auth/two_factor.html", form=form), status


@bp.route("/login/two-factor/setup", methods=["GET", "POST"])
def two_factor_setup():
    """Leads and admins without two-factor set it up before their first staff page."""
    pending = _pending_or_restart()
    if pending is None or "secret" not in pending[1]:
        return redirect(url_for("auth.login"))
    (user, state), form = pending, EnrolForm()
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(user, state["secret"], form.code.data)
        if codes is not None:
            signin.complete(user, second_factor=True)
            db.session.commit()
            return render_template(
                "auth/recovery_codes.html", codes=codes, next_url=_safe_next(state.get("next"))
            )
        form.code.errors.append(_("This code is not valid (or was used already)."))
    return render_template(
        "auth/two_factor_setup.html", form=form, **two_factor.enrolment(user, state["secret"])
    ), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST, so a link elsewhere can't sign staff out); the session ends everywhere."""
    signin.sign_out()
    db.session.commit()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
@login_required
def change_password_page():
    """Change one's own password: every session of the account ends, this browser gets a new one."""
    form = ChangePasswordForm(current_user.email)
    if form.validate_on_submit():
        user, staff_session = current_user._get_current_object(), sessions.current_session()
        try:
            change_password(user, form.current_password.data, form.new_password.data)
        except AccountError as error:
            form.current_password.errors.append(str(error))
        else:
            sessions.sign_in(user, second_factor=staff_session.second_factor)
            db.session.commit()
            flash(_("Your password has been changed; your other sessions have ended."), "success")
            return redirect(_safe_next(None))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200
