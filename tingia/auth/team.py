"""Staff accounts: a lead manages the verifiers of their centre (/staff/team), admins manage every
account (/staff/admin/users), everyone their own API tokens (/staff/account/tokens)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from tingia.auth import sessions, two_factor
from tingia.auth.decorators import admin_required, lead_required
from tingia.auth.forms import ActiveForm, NewUserForm, TokenForm, UserUpdateForm
from tingia.auth.service import (
    AccountError,
    AccountForbidden,
    create_api_token,
    create_user,
    get_token_or_404,
    may_manage,
    revoke_api_token,
    set_active,
    update_user,
)
from tingia.centres.scoping import get_user_or_404, scoped_users
from tingia.centres.service import centres_in_order
from tingia.database import parse_id
from tingia.extensions import db
from tingia.models import ApiToken, Centre, Role, User
from tingia.pagination import paginate_page

bp = Blueprint("team", __name__)
USERS_PER_PAGE = 50


@bp.before_request
@login_required
def _staff_only() -> None:
    """Every account page needs a signed-in user: enforced here, so no route can forget it."""


def _centre_choices() -> list[SelectChoice]:
    return [SelectChoice(centre.id, centre.name) for centre in centres_in_order()]


def _create(form: NewUserForm, role: str, centre: Centre) -> bool:
    """Create the account from a validated form; False (form errors set) when a rule refuses."""
    try:
        user = create_user(form.email.data, form.password.data, role, centre, name=form.name.data)
    except AccountError as error:
        db.session.rollback()
        form.email.errors = [*form.email.errors, str(error)]
        return False
    db.session.commit()
    flash(_("Account %(email)s created.", email=user.email), "success")
    return True


@bp.route("/team", methods=["GET", "POST"])
@lead_required
def members():
    """The centre's staff; a lead adds verifiers here."""
    form = NewUserForm()
    del form.role, form.centre_id  # a lead creates verifiers of their own centre only
    if form.validate_on_submit() and _create(form, Role.VERIFIER, current_user.centre):
        return redirect(url_for("team.members"))
    users = db.session.scalars(
        scoped_users(current_user)
        .where(User.centre_id == current_user.centre_id)
        .order_by(User.active.desc(), User.role, User.email)
    ).all()
    status = 400 if form.errors else 200
    return render_template(
        "staff/team.html",
        form=form,
        users=users,
        tokens=_live_tokens([user.id for user in users]),
        sessions=sessions.live_sessions([user.id for user in users]),
        may_manage=may_manage,
        active_form=ActiveForm(),
    ), status


def _live_tokens(user_ids: list[int]) -> dict[int, list[ApiToken]]:
    tokens: dict[int, list[ApiToken]] = {}
    for token in db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id.in_(user_ids), ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at)
    ):
        tokens.setdefault(token.user_id, []).append(token)
    return tokens


@bp.route("/account/tokens", methods=["GET", "POST"])
def tokens():
    """One's own API tokens: create one (shown once) or revoke one."""
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token = create_api_token(current_user, name=form.name.data.strip())
        db.session.commit()
        form = TokenForm(formdata=None)
    own = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == current_user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
    ).all()
    status = 400 if form.errors else 200
    return render_template(
        "staff/tokens.html", form=form, tokens=own, new_token=new_token, action_form=ActiveForm()
    ), status


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    """Revoke a token: one's own, or one of an account the user manages."""
    token = get_token_or_404(current_user, token_id)
    revoke_api_token(token)
    db.session.commit()
    flash(_("Token %(prefix)s… revoked.", prefix=token.prefix), "success")
    back = request.referrer if (request.referrer or "").startswith(request.host_url) else None
    return redirect(back or url_for("team.tokens"))


@bp.post("/team/<int:user_id>/active")
@lead_required
def set_user_active(user_id: int):
    """Deactivate or reactivate an account the user manages."""
    target = get_user_or_404(current_user, user_id)
    active = ActiveForm().active.data == "1"
    try:
        set_active(target, active, current_user)
    except AccountForbidden:
        abort(403)
    except AccountError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        message = _("%(email)s can sign in again.") if active else _("%(email)s is deactivated.")
        flash(message % {"email": target.email}, "success")
    back = request.referrer if (request.referrer or "").startswith(request.host_url) else None
    return redirect(back or url_for("team.members"))


@bp.route("/admin/users", methods=["GET", "POST"])
@admin_required
def admin_users():
    """Every staff account, by centre; admins create accounts of any role in any centre."""
    form = NewUserForm()
    form.centre_id.choices = _centre_choices()
    if form.validate_on_submit():
        centre = db.session.get(Centre, form.centre_id.data)
        if centre is not None and _create(form, form.role.data, centre):
            return redirect(url_for("team.admin_users"))
    centre_filter = parse_id(request.args.get("centre"))
    query = scoped_users(current_user).order_by(User.centre_id, User.role, User.email)
    if centre_filter is not None:
        query = query.where(User.centre_id == centre_filter)
    page = paginate_page(query, USERS_PER_PAGE)
    status = 400 if form.errors else 200
    return render_template(
        "staff/admin_users.html",
        form=form,
        page=page,
        centres=form.centre_id.choices,  # SelectChoice(value=id, label=name)
        centre_filter=str(centre_filter or ""),
        update_form=UserUpdateForm(),
        active_form=ActiveForm(),
    ), status


@bp.post("/admin/users/<int:user_id>")
@admin_required
def update(user_id: int):
    """Change an account's role and centre."""
    target = get_user_or_404(current_user, user_id)
    form = UserUpdateForm()
    form.centre_id.choices = _centre_choices()
    centre = db.session.get(Centre, form.centre_id.data or 0) if form.validate_on_submit() else None
    if centre is None:
        flash(_("Choose a role and a centre."), "error")
        return redirect(url_for("team.admin_users"))
    try:
        update_user(target, form.role.data, centre, current_user)
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Account %(email)s updated.", email=target.email), "success")
    return redirect(url_for("team.admin_users", centre=request.args.get("centre", "")))


@bp.post("/admin/users/<int:user_id>/two-factor/reset")
@admin_required
def reset_two_factor(user_id: int):
    """Clear an account's two-factor (a lost phone) and end its sessions."""
    target = get_user_or_404(current_user, user_id)
    two_factor.reset(target, current_user)
    db.session.commit()
    flash(_("Two-factor sign-in of %(email)s is reset.", email=target.email), "success")
    back = request.referrer if (request.referrer or "").startswith(request.host_url) else None
    return redirect(back or url_for("team.admin_users"))
