"""Bearer-token authentication for staff endpoints (never the session cookie)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from tingia.auth.service import user_for_token
from tingia.errors import api_error
from tingia.extensions import db
from tingia.models import User


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
        db.session.commit()  # persist the token's last_used_at
        g.api_user = user
        return view(*args, **kwargs)

    wrapper.requires_token = True  # type: ignore[attr-defined]  (lets tests list staff routes)
    return wrapper
