"""Forms of the takedown pages; the rules are checked once, in takedowns/service.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from tingia.i18n import TAKEDOWN_CHANNEL_LABELS, TAKEDOWN_STATUS_LABELS, AppForm
from tingia.models import TakedownChannel, TakedownStatus

OUTCOMES = [status for status in TakedownStatus if status != TakedownStatus.REQUESTED]


class TakedownForm(AppForm):
    """Record a removal request sent to a platform."""

    url = StringField(_l("Link to remove"))
    channel = SelectField(
        _l("Sent by"),
        choices=[SelectChoice(code, TAKEDOWN_CHANNEL_LABELS[code]) for code in TakedownChannel],
        validate_choice=False,
    )
    note = TextAreaField(
        _l("Note"),
        description=_l("Whom you contacted, the platform's reference number…"),
        render_kw={"rows": 2},
    )


class OutcomeForm(AppForm):
    """What the platform did."""

    status = SelectField(
        _l("Outcome"),
        choices=[SelectChoice(code, TAKEDOWN_STATUS_LABELS[code]) for code in OUTCOMES],
        validate_choice=False,
    )
    note = TextAreaField(_l("Note"), render_kw={"rows": 2})


class TakedownFilterForm(AppForm):
    """Filters of the takedown list (GET, no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Any"))]
        + [SelectChoice(code, TAKEDOWN_STATUS_LABELS[code]) for code in TakedownStatus],
    )
    overdue = BooleanField(_l("Overdue only"))
