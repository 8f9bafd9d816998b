"""/staff/admin/audit: admins search the audit log."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user, login_required

from tingia.audit.forms import AuditSearchForm
from tingia.audit.labels import action_label
from tingia.audit.search import AuditFilter, audit_query
from tingia.models import AuditEntry, Role
from tingia.pagination import paginate_page

bp = Blueprint("audit", __name__)
ENTRIES_PER_PAGE = 50


@bp.before_request
@login_required
def _admins_only() -> None:
    """The audit log is for admins only (it shows who looked at which reporter's details)."""
    if current_user.role != Role.ADMIN:
        abort(403)


def entry_action(entry: AuditEntry) -> str:
    """What an entry's action is called (a referenced entry by its own action)."""
    if entry.case_event is not None:
        return action_label(f"{entry.action}:{entry.case_event.action}")
    if entry.auth_event is not None:
        return action_label(f"{entry.action}:{entry.auth_event.action}")
    return action_label(entry.action)


@bp.get("/admin/audit")
def search():
    """The audit log, newest first, filtered by user, case, action and dates."""
    form = AuditSearchForm(request.args)
    valid = form.validate() if request.args else True
    wanted = AuditFilter(
        user_id=form.user_id,
        case_id=form.case_id,
        action=form.action.data or None,
        since=form.since.data,
        until=form.until.data,
    )
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    page = paginate_page(audit_query(wanted, zone), ENTRIES_PER_PAGE) if valid else None
    return render_template(
        "staff/audit.html", form=form, page=page, entry_action=entry_action
    ), 200 if valid else 400
