"""Login and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from tingia.auth.service import password_problem
from tingia.i18n import ROLE_LABELS, AppForm
from tingia.models import Role


class PasswordPolicy:
    """The password policy (tingia.auth.service.password_problem) as a form validator; the
    account's email comes from the form's `email` field or from `email_of(form)`."""

    def __init__(self, email_of=None):
        self.email_of = email_of or (lambda form: form.email.data if "email" in form else None)

    def __call__(self, form: Form, field: Field) -> None:
        problem = password_problem(field.data or "", self.email_of(form))
        if problem:
            raise ValidationError(str(problem))


class LoginForm(AppForm):
    """Email and password."""

    # No format check: it only has to match an account (and demo accounts use .local domains,
    # which email-validator rejects as special-use).
    email = StringField(_l("Email"), [DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), [DataRequired()])


class CodeForm(AppForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        [DataRequired(), Length(max=40)],
        description=_l("The 6 digits your authenticator app shows, or one of your recovery codes."),
    )


class EnrolForm(AppForm):
    """The first code of a newly scanned secret."""

    code = StringField(_l("Code from the app"), [DataRequired(), Length(max=12)])


class PasswordConfirmForm(AppForm):
    """One's password, to confirm a change of the sign-in settings."""

    password = PasswordField(_l("Your password"), [DataRequired()])


class ChangePasswordForm(AppForm):
    """The current password, then the new one twice."""

    current_password = PasswordField(_l("Current password"), [DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        [DataRequired(), PasswordPolicy(email_of=lambda form: form.account_email)],
        description=_l(
            "At least 12 characters; a few unrelated words are easy to remember and hard to guess."
        ),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        [DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )

    def __init__(self, account_email: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email


class NewUserForm(AppForm):
    """A new staff account; leads create verifiers of their centre, admins anyone anywhere."""

    email = StringField(_l("Email"), [DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), [Length(max=200)])
    password = PasswordField(
        _l("Initial password"),
        [DataRequired(), PasswordPolicy()],
        description=_l("Tell it to the colleague in person; they change it after signing in."),
    )
    role = SelectField(_l("Role"), choices=[SelectChoice(role, ROLE_LABELS[role]) for role in Role])
    centre_id = SelectField(_l("Centre"), coerce=int, choices=[])


class UserUpdateForm(AppForm):
    """Admins: an account's role and centre."""

    role = SelectField(_l("Role"), choices=[SelectChoice(role, ROLE_LABELS[role]) for role in Role])
    centre_id = SelectField(_l("Centre"), coerce=int, choices=[])


class ActiveForm(AppForm):
    """Deactivate ("0") or reactivate ("1") an account."""

    active = HiddenField()


class TokenForm(AppForm):
    """A new API token: what it is for."""

    name = StringField(
        _l("What the token is for"),
        [DataRequired(), Length(max=100)],
        description=_l("For example: the newsroom's case dashboard."),
    )
