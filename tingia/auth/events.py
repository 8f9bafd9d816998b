"""The sign-in audit trail: every sign-in attempt, sign-out, session revocation and two-factor
change, with who, when and from which address.

Entries go to the `auth_events` table in the request's transaction (the view commits). This is the
one place that writes them, so pointing it at a shared audit log later is a change here only.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from tingia.extensions import db
from tingia.models import AuthAction, AuthEvent, User


def client_address() -> str:
    """The requesting address ("" outside a request)."""
    return (request.remote_addr or "")[:45] if has_request_context() else ""


def client_agent() -> str:
    """The requesting browser's User-Agent, cut to the column's size ("" outside a request)."""
    return (request.user_agent.string or "")[:255] if has_request_context() else ""


def record(
    action: AuthAction, user: User | None = None, actor: User | None = None, **detail: Any
) -> AuthEvent:
    """Add an audit entry about `user` (None: no such account); `actor` when someone else acted."""
    event = AuthEvent(
        action=action,
        user_id=user.id if user is not None else None,
        actor_id=actor.id if actor is not None else None,
        ip=client_address(),
        user_agent=client_agent(),
        detail=detail,
    )
    db.session.add(event)
    return event
