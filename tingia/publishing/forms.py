"""Forms of the publication pages: the verdict and warning editors, unpublishing, public images.
They carry the CSRF token and parse the input; the rules are checked once, in
publishing/service.py and publishing/content.py (for the API too)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from tingia.i18n import RATING_LABELS, SUBJECT_AREA_LABELS
from tingia.models import Rating, SubjectArea


def _subject_area_field() -> SelectField:
    return SelectField(
        _l("Subject area"),
        choices=[SelectChoice("", _l("Choose…"))]
        + [SelectChoice(code, SUBJECT_AREA_LABELS[code]) for code in SubjectArea],
        description=_l("Readers filter verdicts and warnings by it."),
        validate_choice=False,  # the service checks it, for the API too
    )


SOURCES_HINT = _l(
    'One source per line: "Title | web address", or just the web address (http:// or https://).'
)


class ReasonForm(FlaskForm):
    """Unpublish with a reason."""

    reason = StringField(_l("Reason"))


class PublishableForm(FlaskForm):
    """Show an image on the public page, or stop showing it."""

    publishable = HiddenField()


class VerdictForm(FlaskForm):
    """A verdict on a verifiable case."""

    rating = RadioField(
        _l("Rating"),
        choices=[SelectChoice(code, RATING_LABELS[code]) for code in Rating],
        validate_choice=False,  # the service checks it, for the API too
    )
    title = StringField(_l("Title"), render_kw={"maxlength": 300})
    subject_area = _subject_area_field()
    claim = TextAreaField(
        _l("The claim as checked"),
        description=_l("The claim as it circulated, in one or two sentences; required."),
        render_kw={"rows": 2},
    )
    summary = TextAreaField(_l("Summary"), render_kw={"rows": 3})
    explanation = TextAreaField(_l("Explanation"), render_kw={"rows": 10})
    sources = TextAreaField(_l("Sources"), description=SOURCES_HINT, render_kw={"rows": 4})


class WarningForm(FlaskForm):
    """A fraud warning."""

    title = StringField(_l("Title"), render_kw={"maxlength": 300})
    subject_area = _subject_area_field()
    summary = TextAreaField(_l("Summary"), render_kw={"rows": 2})
    explanation = TextAreaField(_l("How the scam works"), render_kw={"rows": 8})
    advice = TextAreaField(_l("How to protect oneself"), render_kw={"rows": 6})
    sources = TextAreaField(
        _l("Sources"),
        description=_l(
            'Optional. One source per line: "Title | web address", or just the address.'
        ),
        render_kw={"rows": 3},
    )
