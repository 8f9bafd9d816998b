"""Forms of the staff pages. They carry the CSRF token and parse the input; the rules (what is
required, which values are allowed) are checked once, in triage/service.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from tingia.i18n import CATEGORY_LABELS, PLATFORM_LABELS, RATING_LABELS
from tingia.models import CATEGORIES, PLATFORMS, RATINGS
from tingia.triage.queue import STATUS_FILTERS

STATUS_FILTER_LABELS = {
    "active": _l("To do (open and triaged)"),
    "open": _l("Open"),
    "triaged": _l("Triaged"),
    "published": _l("Published"),
    "closed": _l("Closed"),
    "all": _l("All"),
}


class QueueFilterForm(FlaskForm):
    """The queue's filters (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"), choices=[(key, STATUS_FILTER_LABELS[key]) for key in STATUS_FILTERS]
    )
    category = SelectField(
        _l("Category"),
        choices=[("", _l("Any")), ("none", _l("Not triaged yet"))]
        + [(code, CATEGORY_LABELS[code]) for code in CATEGORIES],
    )
    platform = SelectField(
        _l("Platform"), choices=[("", _l("Any"))] + [(p, PLATFORM_LABELS[p]) for p in PLATFORMS]
    )
    assignee = SelectField(
        _l("Assignee"),
        choices=[("", _l("Anyone")), ("me", _l("Me")), ("nobody", _l("Nobody"))],
    )
    province = SelectField(_l("Centre"), choices=[("", _l("All centres"))])
    q = SearchField(_l("Search"), description=_l("Text, link, tracking code or case number"))


class BulkForm(FlaskForm):
    """An action on the cases ticked in the queue."""

    case_ids = SelectMultipleField(coerce=int, validate_choice=False)
    action = RadioField(
        _l("Action"),
        choices=[("triage", _l("Triage as")), ("assign", _l("Assign to"))],
        default="triage",
    )
    category = SelectField(
        _l("Category"), choices=[(code, CATEGORY_LABELS[code]) for code in CATEGORIES]
    )
    reason = StringField(_l("Reason (required for out of scope)"))
    assignee = SelectField(_l("Assignee"), choices=[], validate_choice=False)


class AssignForm(FlaskForm):
    """Give the case to a colleague ("" = nobody)."""

    assignee = SelectField(_l("Assign to"), choices=[], validate_choice=False)


class TriageForm(FlaskForm):
    """The category comes from the button pressed."""

    category = HiddenField()
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Required when the report is out of scope."),
        render_kw={"rows": 2},
    )


class EscalateForm(FlaskForm):
    """Hand the case to the national centre."""

    reason = StringField(_l("Why the national centre should handle it"))


class CentreForm(FlaskForm):
    """National staff: give the case to another centre."""

    centre_id = SelectField(_l("Centre"), coerce=int, choices=[], validate_choice=False)


class NoteForm(FlaskForm):
    """An internal note."""

    text = TextAreaField(_l("Internal note"), render_kw={"rows": 3})


class MergeForm(FlaskForm):
    """Another case to merge into this one."""

    case_id = IntegerField(
        _l("Case number to merge into this one"), [Optional()], render_kw={"min": 1}
    )


class CloseForm(FlaskForm):
    """Close a harmful, fraud or out-of-scope case."""

    action_taken = TextAreaField(
        _l("Action taken"),
        description=_l(
            "For example: removal requested from the platform, passed on to the police."
        ),
        render_kw={"rows": 2},
    )


class ReasonForm(FlaskForm):
    """Unpublish with a reason."""

    reason = StringField(_l("Reason"))


class DecisionForm(FlaskForm):
    """Confirm or reject a suggestion: the button pressed says which."""

    decision = HiddenField()


class PublishableForm(FlaskForm):
    """Show an image on the public page, or stop showing it."""

    publishable = HiddenField()


class ActionForm(FlaskForm):
    """A button with no fields (publish, reopen, split): only the CSRF token."""


class VerdictForm(FlaskForm):
    """A verdict on a verifiable case."""

    rating = RadioField(
        _l("Rating"),
        choices=[(code, RATING_LABELS[code]) for code in RATINGS],
        validate_choice=False,  # the service checks it, for the API too
    )
    title = StringField(_l("Title"), render_kw={"maxlength": 300})
    claim = TextAreaField(
        _l("The claim as checked"),
        description=_l("One or two sentences; the title is used when left empty."),
        render_kw={"rows": 2},
    )
    summary = TextAreaField(_l("Summary"), render_kw={"rows": 3})
    explanation = TextAreaField(_l("Explanation"), render_kw={"rows": 10})
    sources = TextAreaField(
        _l("Sources"),
        description=_l("One web address per line (http:// or https://)."),
        render_kw={"rows": 4},
    )


class WarningForm(FlaskForm):
    """A fraud warning."""

    title = StringField(_l("Title"), render_kw={"maxlength": 300})
    summary = TextAreaField(_l("Summary"), render_kw={"rows": 2})
    explanation = TextAreaField(_l("How the scam works"), render_kw={"rows": 8})
    advice = TextAreaField(_l("How to protect oneself"), render_kw={"rows": 6})
    sources = TextAreaField(
        _l("Sources"),
        description=_l("Optional; one web address per line."),
        render_kw={"rows": 3},
    )
