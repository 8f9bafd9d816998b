"""Forms of the source pages; the rules are checked once, in sources/service.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice

from tingia.i18n import SOURCE_LIST_LABELS, AppForm
from tingia.models import SourceList

LIST_CHOICES = [SelectChoice(code, SOURCE_LIST_LABELS[code]) for code in SourceList]


class ListForm(AppForm):
    """National leads: put the source on a list, or take it off ("")."""

    list_kind = SelectField(
        _l("List"),
        choices=[SelectChoice("", _l("On no list")), *LIST_CHOICES],
        validate_choice=False,
    )
    reason = TextAreaField(_l("Reason"), render_kw={"rows": 2})


class ProposalForm(AppForm):
    """Propose the source for a national list."""

    list_kind = SelectField(_l("List"), choices=LIST_CHOICES, validate_choice=False)
    reason = TextAreaField(_l("Reason"), render_kw={"rows": 2})


class DecisionForm(AppForm):
    """Accept or reject a proposal: the button pressed says which."""

    decision = HiddenField()


class SourceFilterForm(AppForm):
    """Filters of the source list (GET, no CSRF token)."""

    class Meta:
        csrf = False

    flagged = BooleanField(_l("Flagged for an account lock"))
    list_kind = SelectField(
        _l("List"), choices=[SelectChoice("", _l("Any")), *LIST_CHOICES], validate_choice=False
    )
