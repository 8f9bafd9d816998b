"""The queue of cases and its bulk actions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from tingia.cases.rules import WorkflowError
from tingia.centres.scoping import scoped_cases
from tingia.database import MAX_ID
from tingia.extensions import db
from tingia.i18n import CATEGORY_LABELS
from tingia.models import Case, Category
from tingia.models.enums import member_or_none
from tingia.pagination import paginate_page
from tingia.triage import service
from tingia.triage.forms import BulkForm, QueueFilterForm
from tingia.triage.queue import (
    BulkAction,
    SavedView,
    active_filter_count,
    current_view,
    linked_stories_query,
    queue_query,
    queue_rows,
    saved_views,
)
from tingia.triage.views import bp
from tingia.triage.views.common import (
    assignee_from_choice,
    bulk_assignee_choices,
    province_choices,
)
from tingia.web import is_same_site

QUEUE_PER_PAGE = 25  # the linked stories' page


@bp.get("/")
def queue():
    """The centre's cases to work on, filtered, sorted and a page at a time."""
    form = QueueFilterForm(formdata=request.args)
    if current_user.is_national:
        form.province.choices = form.province.choices[:1] + province_choices()
    wanted = form.filters()
    query = queue_query(current_user, wanted, form.order())
    # A search finds all its matches to sort them: its count comes with the page's rows.
    page = paginate_page(query, form.page_size(), counted=bool(wanted.q))
    bulk = BulkForm()
    bulk.assignee.choices = bulk_assignee_choices(page.items)
    return render_template(
        "staff/queue.html",
        form=form,
        page=page,
        rows=queue_rows(page.items),
        bulk=bulk,
        views=_view_links(),
        active_filters=active_filter_count(request.args),
    )


def _view_links() -> list[tuple[SavedView, str, bool]]:
    """(view, its address keeping the sort and page size, whether it is the current one)."""
    keep = {name: request.args[name] for name in ("sort", "per_page") if request.args.get(name)}
    shown = current_view(request.args)
    return [
        (view, url_for("staff.queue", **view.args, **keep), view.key == shown)
        for view in saved_views(current_user)
    ]


@bp.get("/linked")
def linked():
    """National staff: the stories several centres handle (cases linked by the matcher)."""
    if not current_user.is_national:
        abort(403)
    page = paginate_page(linked_stories_query(), QUEUE_PER_PAGE)
    return render_template("staff/linked.html", page=page, rows=queue_rows(page.items))


@bp.post("/bulk")
def bulk():
    """Triage or assign the cases ticked in the queue, and say exactly what was done."""
    form = BulkForm()
    ids = set(form.case_ids.data or [])
    if any(not 0 < case_id <= MAX_ID for case_id in ids):
        abort(404)  # no case has that number
    back = request.referrer if is_same_site(request.referrer) else url_for("staff.queue")
    action = member_or_none(BulkAction, form.action.data)
    problem = _bulk_problem(ids, action, form)
    if problem:
        flash(problem, "error")
        return redirect(back)
    cases = db.session.scalars(scoped_cases(current_user).where(Case.id.in_(ids))).all()
    if len(cases) != len(ids):
        abort(404)
    try:
        if action == BulkAction.ASSIGN:
            assignee = assignee_from_choice(form.assignee.data)
            result = service.bulk_assign(cases, assignee, current_user)
        else:
            category, reason = form.category.data, form.reason.data
            result = service.bulk_triage(cases, category, current_user, reason)
    except WorkflowError as error:
        db.session.rollback()
        flash(error.describe(), "error")
        return redirect(back)
    db.session.commit()
    for category, message in bulk_messages(action, result):
        flash(message, category)
    return redirect(back)


def _bulk_problem(ids: set[int], action: BulkAction | None, form: BulkForm) -> str | None:
    """Why the bulk form cannot be run as sent (None: it can)."""
    if not ids:
        return _("Tick at least one case.")
    if action is None:
        return _("Choose what to do with the ticked cases: triage them or assign them.")
    if action == BulkAction.TRIAGE and not form.category.data:
        return _("Choose the category to triage the ticked cases as.")
    if action == BulkAction.ASSIGN and not form.assignee.data:
        return _("Choose whom to assign the ticked cases to.")
    return None


def bulk_messages(action: BulkAction, result: service.BulkResult) -> list[tuple[str, str]]:
    """(flash category, message) saying what a bulk action did and what it left alone."""
    n = len(result.done)
    messages = []
    if n and action == BulkAction.TRIAGE:
        category = result.done[0].category
        label = CATEGORY_LABELS[category]
        if category == Category.OUT_OF_SCOPE:
            text = ngettext(
                "%(num)d case triaged as “%(category)s” and closed.",
                "%(num)d cases triaged as “%(category)s” and closed.",
                n,
                category=label,
            )
        else:
            text = ngettext(
                "%(num)d case triaged as “%(category)s”.",
                "%(num)d cases triaged as “%(category)s”.",
                n,
                category=label,
            )
        messages.append(("success", text))
    elif n:
        assignee = result.done[0].assignee
        if assignee is None:
            text = ngettext("%(num)d case unassigned.", "%(num)d cases unassigned.", n)
        else:
            text = ngettext(
                "%(num)d case assigned to %(name)s.",
                "%(num)d cases assigned to %(name)s.",
                n,
                name=assignee.display_name,
            )
        messages.append(("success", text))
    else:
        messages.append(("error", _("No case was changed.")))
    if result.wrong_state:
        messages.append(
            (
                "error",
                _(
                    "Left alone, not in a state that allows it: %(cases)s",
                    cases=_numbers(result.wrong_state),
                ),
            )
        )
    if result.other_centre:
        messages.append(
            (
                "error",
                _(
                    "Left alone, the person is not on the staff of their centre: %(cases)s",
                    cases=_numbers(result.other_centre),
                ),
            )
        )
    return messages


def _numbers(case_ids: list[int]) -> str:
    return ", ".join(f"#{case_id}" for case_id in sorted(case_ids))
