"""The history of a case: every change is recorded with who made it (None: the system)."""

from __future__ import annotations

from typing import Any

from tingia.extensions import db
from tingia.models import Case, CaseAction, CaseEvent, User


def record(case: Case, action: CaseAction, actor: User | None = None, **detail: Any) -> CaseEvent:
    """Add an entry to the case's history (actor None = the system)."""
    event = CaseEvent(
        case_id=case.id, actor_id=actor.id if actor else None, action=action, detail=detail
    )
    db.session.add(event)
    return event
