"""Login and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from tingia.auth.service import MIN_PASSWORD_LENGTH
from tingia.i18n import ROLE_LABELS
from tingia.models import Role


class LoginForm(FlaskForm):
    """Email and password."""

    # No format check: it only has to match an account (and demo accounts use .local domains,
    # which email-validator rejects as special-use).
    email = StringField(_l("Email"), [DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), [DataRequired()])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ChangePasswordForm(FlaskForm):
    """The current password, then the new one twice."""

    current_password = PasswordField(_l("Current password"), [DataRequired()])
    new_password = PasswordField(
        _l("New password"), [DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        [DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )


class NewUserForm(FlaskForm):
    """A new staff account; leads create verifiers of their centre, admins anyone anywhere."""

    email = StringField(_l("Email"), [DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), [Length(max=200)])
    password = PasswordField(
        _l("Initial password"),
        [DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        description=_l("Tell it to the colleague in person; they change it after signing in."),
    )
    role = SelectField(_l("Role"), choices=[SelectChoice(role, ROLE_LABELS[role]) for role in Role])
    centre_id = SelectField(_l("Centre"), coerce=int, choices=[])


class UserUpdateForm(FlaskForm):
    """Admins: an account's role and centre."""

    role = SelectField(_l("Role"), choices=[SelectChoice(role, ROLE_LABELS[role]) for role in Role])
    centre_id = SelectField(_l("Centre"), coerce=int, choices=[])


class ActiveForm(FlaskForm):
    """Deactivate ("0") or reactivate ("1") an account."""

    active = HiddenField()


class TokenForm(FlaskForm):
    """A new API token: what it is for."""

    name = StringField(
        _l("What the token is for"),
        [DataRequired(), Length(max=100)],
        description=_l("For example: the newsroom's case dashboard."),
    )
