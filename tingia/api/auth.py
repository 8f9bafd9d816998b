"""Bearer-token authentication for staff endpoints (never the session cookie).

Using a token records its `last_used_at` in the request's own unit of work, never in a commit of
its own: an action commits it with its changes (a refused action drops it with them); a read,
which changes nothing else, commits it after its response is built (`commit_token_use`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, g, request

from tingia.api.blueprint import bp
from tingia.auth.service import user_for_token
from tingia.errors import api_error
from tingia.extensions import db
from tingia.models import AuditEntry, User

BEARER = [{"bearerAuth": []}]
READ_METHODS = ("GET", "HEAD")


def current_api_user() -> User:
    """The user the request's token acts as (inside a `token_required` endpoint)."""
    return g.api_user


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Reject the request with 401 unless it carries a live staff token."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            response, status = api_error(401, "A valid staff API token is required.")
            response.headers["WWW-Authenticate"] = 'Bearer realm="tingia"'
            return response, status
        g.api_user = user
        return view(*args, **kwargs)

    wrapper.requires_token = True  # type: ignore[attr-defined]  (lets tests list staff routes)
    return bp.doc(security=BEARER)(bp.errors(401)(wrapper))


@bp.after_request
def commit_token_use(response: Response) -> Response:
    """A read (GET, HEAD) changes nothing but the token's `last_used_at`: commit it. An action
    commits it with its own changes, once, or drops it with them. Either way, the views of
    contact details its answer showed are committed (tingia.audit)."""
    answered_contacts = any(isinstance(item, AuditEntry) for item in db.session.new)
    if g.get("api_user") is not None and (request.method in READ_METHODS or answered_contacts):
        db.session.commit()
    return response
