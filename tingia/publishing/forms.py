"""Forms of the publication pages: the verdict and warning editors, unpublishing, public images.
They carry the CSRF token and parse the input; the rules are checked once, in
publishing/service.py and publishing/content.py (for the API too)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from tingia.i18n import RATING_LABELS, SUBJECT_AREA_LABELS, AppForm
from tingia.models import Rating, SubjectArea
from tingia.models.enums import member_or_none
from tingia.publishing.public import PublicFilters


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


class ReasonForm(AppForm):
    """Unpublish with a reason."""

    reason = StringField(_l("Reason"))


class PublishableForm(AppForm):
    """Show an image on the public page, or stop showing it."""

    publishable = HiddenField()


class VerdictForm(AppForm):
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


class WarningForm(AppForm):
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


def _parse_day(raw: str | None) -> date | None:
    """A yyyy-mm-dd date (what <input type=date> sends); ValueError for anything else."""
    return date.fromisoformat(raw) if raw else None


class PublicSearchForm(AppForm):
    """Search and filters of the public verdict and warning lists (GET, nothing changes)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), [Length(max=200)], render_kw={"type": "search"})
    rating = SelectField(_l("Rating"), validate_choice=False)
    subject_area = SelectField(_l("Subject area"), validate_choice=False)
    province = SelectField(_l("Province or city"), validate_choice=False)
    published_from = StringField(_l("Published from"), render_kw={"type": "date"})
    published_to = StringField(_l("to"), render_kw={"type": "date"})

    def __init__(self, *args, provinces: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        anything = SelectChoice("", _l("All"))
        self.rating.choices = [anything] + [
            SelectChoice(code, RATING_LABELS[code]) for code in Rating
        ]
        self.subject_area.choices = [anything] + [
            SelectChoice(code, SUBJECT_AREA_LABELS[code]) for code in SubjectArea
        ]
        self.province.choices = [anything] + [
            SelectChoice(code, name, render_kw={"lang": "vi"}) for code, name in provinces
        ]
        self.province_codes = {code for code, _ in provinces}

    def validate_rating(self, field: SelectField) -> None:
        if field.data and member_or_none(Rating, field.data) is None:
            raise ValidationError(_l("Choose one of the ratings."))

    def validate_subject_area(self, field: SelectField) -> None:
        if field.data and member_or_none(SubjectArea, field.data) is None:
            raise ValidationError(_l("Choose one of the subject areas."))

    def validate_province(self, field: SelectField) -> None:
        if field.data and field.data not in self.province_codes:
            raise ValidationError(_l("Choose one of the 34 provinces and cities."))

    def validate_published_from(self, field: StringField) -> None:
        try:
            _parse_day(field.data)
        except ValueError:
            raise ValidationError(_l("Enter a date as day/month/year.")) from None

    validate_published_to = validate_published_from

    def filters(self) -> PublicFilters:
        """The filters of the fields that are valid (a wrong field is ignored, and shown)."""

        def valid(name: str) -> str | None:
            field = self[name]
            return field.data or None if not field.errors else None

        first, last = valid("published_from"), valid("published_to")
        return PublicFilters(
            words=valid("q") or "",
            rating=member_or_none(Rating, valid("rating")),
            subject_area=member_or_none(SubjectArea, valid("subject_area")),
            province_code=valid("province"),
            published_from=_parse_day(first),
            published_to=_parse_day(last),
        )
