"""Login, logout and password change."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from tingia.auth.forms import ChangePasswordForm, LoginForm
from tingia.auth.service import check_password, find_user_by_email, hash_password
from tingia.database import utcnow
from tingia.extensions import db, limiter

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow `next` within this site, never to another host."""
    # Browsers read "//host" and "/\\host" as another host.
    local = target and target.startswith("/") and not target.startswith(("//", "/\\"))
    if local and not urlsplit(target).netloc:
        return target
    return url_for("staff.queue")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    """Staff sign-in."""
    if current_user.is_authenticated:
        return redirect(_safe_next(None))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is not None and user.active and check_password(user, form.password.data):
            user.last_login_at = utcnow()
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong email or password."))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST, so a link elsewhere can't sign staff out)."""
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not check_password(current_user, form.current_password.data):
            form.current_password.errors.append(_("Wrong password."))
        else:
            current_user.password_hash = hash_password(form.new_password.data)
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(_safe_next(None))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200
