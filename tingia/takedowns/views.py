"""Staff pages of removal requests under /staff/: record one on a case, the centre's list by
age, a request with its letter and outcome (blueprint `takedowns`)."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tingia.centres.scoping import get_case_or_404, get_takedown_or_404
from tingia.database import utcnow
from tingia.models import TakedownChannel, TakedownStatus
from tingia.models.enums import member_or_none
from tingia.pagination import paginate_page
from tingia.takedowns import service
from tingia.takedowns.forms import OutcomeForm, TakedownFilterForm
from tingia.takedowns.forms import TakedownForm as RequestForm
from tingia.web import run_case_action

bp = Blueprint("takedowns", __name__)
PER_PAGE = 50


@bp.before_request
@login_required
def _staff_only() -> None:
    """Every page here needs a signed-in user: enforced here, so no route can forget it."""


@bp.post("/cases/<int:case_id>/takedowns")
def request_takedown(case_id: int):
    """Record that removal of a link of the case was requested from its platform."""
    case = get_case_or_404(current_user, case_id)
    form = RequestForm()
    return run_case_action(
        case.id,
        lambda: service.request_takedown(
            case, form.url.data, form.channel.data, current_user, form.note.data
        ),
        lambda takedown: _(
            "Removal requested: the platform has until %(due)s.",
            due=format_datetime(takedown.due_at, "short"),
        ),
        back_to=lambda takedown: url_for("takedowns.detail", takedown_id=takedown.id),
    )


@bp.get("/takedowns")
def listing():
    """The centre's removal requests, oldest first; overdue ones stand out."""
    form = TakedownFilterForm(formdata=request.args)
    form.validate()
    status = member_or_none(TakedownStatus, form.status.data)
    query = service.takedown_query(current_user, status, bool(form.overdue.data))
    return render_template(
        "takedowns/list.html", form=form, page=paginate_page(query, PER_PAGE), now=utcnow()
    )


@bp.get("/takedowns/<int:takedown_id>")
def detail(takedown_id: int):
    """A removal request: its clock, its letter (email requests) and its outcome."""
    takedown = get_takedown_or_404(current_user, takedown_id)
    letter = service.letter(takedown) if takedown.channel == TakedownChannel.EMAIL else None
    return render_template(
        "takedowns/detail.html",
        takedown=takedown,
        letter=letter,
        form=OutcomeForm(),
        next_statuses=service.NEXT_STATUSES[takedown.status],
        now=utcnow(),
    )


@bp.post("/takedowns/<int:takedown_id>")
def update(takedown_id: int):
    """Record the platform's answer."""
    takedown = get_takedown_or_404(current_user, takedown_id)
    form = OutcomeForm()
    back = url_for("takedowns.detail", takedown_id=takedown.id)
    return run_case_action(
        takedown.case_id,
        lambda: service.update_takedown(takedown, form.status.data, current_user, form.note.data),
        _("Outcome saved."),
        back,
    )
