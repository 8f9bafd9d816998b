"""The audit log's search form (GET, so it changes nothing and needs no CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from tingia.audit.labels import action_label
from tingia.audit.search import action_filters, user_id_for_email
from tingia.database import parse_id
from tingia.i18n import AppForm


class AuditSearchForm(AppForm):
    """Who, which case, what, between which days."""

    class Meta:
        csrf = False

    user = StringField(_l("Staff email"), [Optional(), Length(max=254)])
    case = StringField(_l("Case number"), [Optional(), Length(max=12)])
    action = SelectField(_l("Action"), [Optional()])
    since = DateField(_l("From"), [Optional()])
    until = DateField(_l("To"), [Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [SelectChoice("", _l("Any action"))] + [
            SelectChoice(value, action_label(value)) for value in action_filters()
        ]
        self.user_id: int | None = None
        self.case_id: int | None = None

    def validate_user(self, field: StringField) -> None:
        if field.data:
            self.user_id = user_id_for_email(field.data.strip())
            if self.user_id is None:
                raise ValidationError(_l("No staff account has this email."))

    def validate_case(self, field: StringField) -> None:
        if field.data:
            self.case_id = parse_id(field.data.strip().lstrip("#"))
            if self.case_id is None:
                raise ValidationError(_l("Enter a case number."))

    def validate_until(self, field: DateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))
