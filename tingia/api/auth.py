"""Bearer-token authentication for staff endpoints (never the session cookie).

Using a token records its `last_used_at` in the request's own unit of work: an action commits it
with its changes (or rolls it back with them when the rules refuse the action); a read commits it
after the response is built, alone (`commit_token_use`).
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
from tingia.models import ApiToken, User

BEARER = [{"bearerAuth": []}]


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
    """Commit the token's `last_used_at` when it is the only change left in the session (a read);
    anything else pending was neither committed nor meant to be, and is left to roll back."""
    if g.get("api_user") is not None:
        session = db.session
        pending = session.new | session.deleted | session.dirty
        if pending and all(isinstance(item, ApiToken) for item in pending):
            session.commit()
    return response
