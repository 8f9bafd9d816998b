"""Forms of the staff pages. They carry the CSRF token and parse the input; the rules (what is
required, which values are allowed) are checked once, in triage/service.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from tingia.cases.filters import ASSIGNED_TO_ME, UNASSIGNED, UNCATEGORISED, CaseFilter
from tingia.i18n import CATEGORY_LABELS, PLATFORM_LABELS, AppForm
from tingia.models import CaseStatus, Category, Platform
from tingia.models.enums import member_or_none
from tingia.triage.queue import PAGE_SIZES, STATUS_FILTERS, BulkAction, QueueOrder

ORDER_LABELS = {
    QueueOrder.DEMAND: _l("Most reported first"),
    QueueOrder.AGE: _l("Oldest first"),
    QueueOrder.RECENT: _l("Latest report first"),
}
STATUS_FILTER_LABELS = {
    "active": _l("To do (open and triaged)"),
    CaseStatus.OPEN: _l("Open"),
    CaseStatus.TRIAGED: _l("Triaged"),
    CaseStatus.PUBLISHED: _l("Published"),
    CaseStatus.CLOSED: _l("Closed"),
    "all": _l("All"),
}


class QueueFilterForm(AppForm):
    """The queue's filters (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(key, STATUS_FILTER_LABELS[key]) for key in STATUS_FILTERS],
    )
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice("", _l("Any")), SelectChoice(UNCATEGORISED, _l("Not triaged yet"))]
        + [SelectChoice(code, CATEGORY_LABELS[code]) for code in Category],
    )
    platform = SelectField(
        _l("Platform"),
        choices=[SelectChoice("", _l("Any"))]
        + [SelectChoice(p, PLATFORM_LABELS[p]) for p in Platform],
    )
    assignee = SelectField(
        _l("Assignee"),
        choices=[
            SelectChoice("", _l("Anyone")),
            SelectChoice(ASSIGNED_TO_ME, _l("Me")),
            SelectChoice(UNASSIGNED, _l("Nobody")),
        ],
    )
    province = SelectField(_l("Centre"), choices=[SelectChoice("", _l("All centres"))])
    q = SearchField(
        _l("Search"),
        description=_l("Words (accents optional), a link, a tracking code or a case number"),
    )
    overdue = BooleanField(_l("Overdue only"))
    review = BooleanField(_l("Drafts awaiting my review"))
    sort = SelectField(
        _l("Sort by"),
        choices=[SelectChoice(order, ORDER_LABELS[order]) for order in QueueOrder],
    )
    per_page = SelectField(
        _l("Per page"),
        choices=[SelectChoice(str(n), _l("%(num)d per page", num=n)) for n in PAGE_SIZES],
    )

    def filters(self) -> CaseFilter:
        """The filter the query string asks for; an unknown value is ignored, not an error."""
        self.validate()
        given = {
            name: field.data
            for name, field in self._fields.items()
            if field.data and not field.errors
        }
        for field in self:
            field.errors = []
        return CaseFilter(
            statuses=STATUS_FILTERS[given.get("status", "active")],
            category=given.get("category"),
            platform=given.get("platform"),
            assignee=given.get("assignee"),
            province=given.get("province"),
            q=(given.get("q") or "").strip(),
            overdue=bool(given.get("overdue")),
            awaiting_review=bool(given.get("review")),
        )

    def order(self) -> QueueOrder:
        """The sort order asked for (most reported first by default)."""
        return member_or_none(QueueOrder, self.sort.data) or QueueOrder.DEMAND

    def page_size(self) -> int:
        """Cases per page: one of PAGE_SIZES."""
        size = self.per_page.data
        return int(size) if size in {str(n) for n in PAGE_SIZES} else PAGE_SIZES[0]


class BulkForm(AppForm):
    """An action on the cases ticked in the queue: nothing is chosen until the user chooses."""

    case_ids = SelectMultipleField(coerce=int, validate_choice=False)
    action = RadioField(
        _l("Action"),
        choices=[
            SelectChoice(BulkAction.TRIAGE, _l("Triage as")),
            SelectChoice(BulkAction.ASSIGN, _l("Assign to")),
        ],
        validate_choice=False,
    )
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice("", _l("Choose a category"))]
        + [SelectChoice(code, CATEGORY_LABELS[code]) for code in Category],
        validate_choice=False,
    )
    reason = StringField(_l("Reason (required for out of scope)"))
    assignee = SelectField(_l("Assignee"), choices=[], validate_choice=False)


class AssignForm(AppForm):
    """Give the case to a colleague ("" = nobody)."""

    assignee = SelectField(_l("Assign to"), choices=[], validate_choice=False)


class TriageForm(AppForm):
    """The category comes from the button pressed."""

    category = HiddenField()
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Required when the report is out of scope."),
        render_kw={"rows": 2},
    )


class EscalateForm(AppForm):
    """Hand the case to the national centre."""

    reason = StringField(_l("Why the national centre should handle it"))


class CentreForm(AppForm):
    """National staff: give the case to another centre."""

    centre_id = SelectField(_l("Centre"), coerce=int, choices=[], validate_choice=False)


class NoteForm(AppForm):
    """An internal note."""

    text = TextAreaField(_l("Internal note"), render_kw={"rows": 3})


class MergeForm(AppForm):
    """Another case to merge into this one."""

    case_id = IntegerField(
        _l("Case number to merge into this one"), [Optional()], render_kw={"min": 1}
    )


class CloseForm(AppForm):
    """Close a harmful, fraud or out-of-scope case."""

    action_taken = TextAreaField(
        _l("Action taken"),
        description=_l(
            "For example: removal requested from the platform, passed on to the police."
        ),
        render_kw={"rows": 2},
    )


class DecisionForm(AppForm):
    """Confirm or reject a suggestion: the button pressed says which."""

    decision = HiddenField()


class ActionForm(AppForm):
    """A button with no fields (publish, reopen, split): only the CSRF token."""
