"""Helpers shared by the staff views of every feature: running a case action and saying how it
went, and checking where a redirect may go."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from tingia.cases.rules import WorkflowError
from tingia.extensions import db


def run_case_action(
    case_id: int,
    action: Callable[[], Any],
    success: str | Callable[[Any], str],
    back_to: str | Callable[[Any], str] | None = None,
) -> Response:
    """Run a service action on a case: commit and say so, or roll back and say why not; then
    back to the case page (or `back_to`, which may depend on the action's result).

    A refusal for the user's role (403) is an error page: the button is not even shown to them.
    """
    try:
        result = action()
    except WorkflowError as error:
        db.session.rollback()
        return refusal(case_id, error, None if callable(back_to) else back_to)
    db.session.commit()
    flash(success(result) if callable(success) else success, "success")
    if callable(back_to):
        return redirect(back_to(result))
    return redirect(back_to or url_for("staff.case", case_id=case_id))


def refusal(case_id: int, error: WorkflowError, back_to: str | None = None) -> Response:
    """Say why an action (or its preview) is refused, back on the case page (or `back_to`);
    a refusal for the user's role is a 403 page."""
    if error.status == 403:
        abort(403)
    flash(error.describe(), "error")
    return redirect(back_to or url_for("staff.case", case_id=case_id))


def is_same_site(url: str | None) -> bool:
    """True for an absolute URL on this site (safe to redirect back to)."""
    return bool(url) and url.startswith(request.host_url)
