"""Staff pages of offending sources under /staff/sources: the list with flags, a source with its
cases, verdicts and removal requests, the white and black lists (blueprint `sources`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from tingia.cases.rules import WorkflowError
from tingia.centres.scoping import get_proposal_or_404, get_source_or_404, scoped_sources
from tingia.extensions import db
from tingia.models import SourceList, SourceListProposal, TakedownRequest
from tingia.models.enums import member_or_none
from tingia.pagination import paginate_page
from tingia.sources import service
from tingia.sources.forms import DecisionForm, ListForm, ProposalForm, SourceFilterForm

bp = Blueprint("sources", __name__)
PER_PAGE = 50


@bp.before_request
@login_required
def _staff_only() -> None:
    """Every page here needs a signed-in user: enforced here, so no route can forget it."""


def _run(action: Callable[[], Any], success: str, back: str):
    """Run a rule: commit and say so, or roll back and say why not (403 is an error page)."""
    try:
        action()
    except WorkflowError as error:
        db.session.rollback()
        if error.status == 403:
            abort(403)
        flash(error.describe(), "error")
        return redirect(back)
    db.session.commit()
    flash(success, "success")
    return redirect(back)


@bp.get("/sources")
def listing():
    """Sources of the user's cases, most violations first; flagged ones stand out."""
    form = SourceFilterForm(formdata=request.args)
    list_kind = member_or_none(SourceList, form.list_kind.data)
    query = service.source_rows(
        scoped_sources(current_user), current_user, bool(form.flagged.data), list_kind
    )
    page = paginate_page(query, PER_PAGE)
    return render_template(
        "sources/list.html",
        form=form,
        page=page,
        rows=service.rows_for(list(page.items), current_user),
        proposals=service.pending_proposals(current_user),
        may_keep_lists=service.may_keep_lists(current_user),
        decision_form=DecisionForm(),
    )


@bp.get("/sources/<int:source_id>")
def detail(source_id: int):
    """A source: its violations, cases, verdicts, removal requests and lists."""
    source = get_source_or_404(current_user, source_id)
    cases = service.cases_of_source(source, current_user)
    case_ids = [case.id for case in cases]
    takedowns = db.session.scalars(
        select(TakedownRequest)
        .where(TakedownRequest.source_id == source.id, TakedownRequest.case_id.in_(case_ids))
        .order_by(TakedownRequest.requested_at.desc())
    ).all()
    proposals = db.session.scalars(
        select(SourceListProposal)
        .where(SourceListProposal.source_id == source.id)
        .order_by(SourceListProposal.created_at.desc())
    ).all()
    visible = [
        p for p in proposals if current_user.is_national or p.centre_id == current_user.centre_id
    ]
    return render_template(
        "sources/detail.html",
        row=service.source_row(source, current_user),
        cases=cases,
        takedowns=takedowns,
        proposals=visible,
        may_keep_lists=service.may_keep_lists(current_user),
        list_form=ListForm(list_kind=source.list_kind or ""),
        proposal_form=ProposalForm(),
        decision_form=DecisionForm(),
    )


@bp.post("/sources/<int:source_id>/list")
def set_list(source_id: int):
    """National leads: put the source on the white or black list, or take it off."""
    source = get_source_or_404(current_user, source_id)
    form = ListForm()
    return _run(
        lambda: service.set_list(source, form.list_kind.data, form.reason.data, current_user),
        _("Lists updated."),
        url_for("sources.detail", source_id=source.id),
    )


@bp.post("/sources/<int:source_id>/proposals")
def propose(source_id: int):
    """Propose the source for a national list."""
    source = get_source_or_404(current_user, source_id)
    form = ProposalForm()
    return _run(
        lambda: service.propose(source, form.list_kind.data, form.reason.data, current_user),
        _("Proposal sent to the national centre."),
        url_for("sources.detail", source_id=source.id),
    )


@bp.post("/sources/proposals/<int:proposal_id>")
def decide(proposal_id: int):
    """National leads: accept or reject a province's proposal."""
    proposal = get_proposal_or_404(current_user, proposal_id)
    accept = DecisionForm().decision.data == "accept"
    return _run(
        lambda: service.decide(proposal, accept, current_user),
        _("Proposal accepted.") if accept else _("Proposal rejected."),
        url_for("sources.detail", source_id=proposal.source_id),
    )
