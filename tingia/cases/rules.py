"""What every case rule shares: the error it raises and the checks it makes on its input."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l

from tingia.models import Case, CaseStatus

# The states in which a case is still being worked on (its 24-hour clock runs).
WORKABLE = (CaseStatus.OPEN, CaseStatus.TRIAGED)
MAX_NOTE = 5000


class WorkflowError(Exception):
    """An action the rules refuse. `status`: 403 not allowed for this user, 409 not in this state,
    422 invalid input (`fields` names the fields)."""

    def __init__(self, message: Any, status: int = 409, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.fields = fields or {}

    def __str__(self) -> str:
        return str(self.message)

    def describe(self) -> str:
        """What to tell a person: each field's problem (sentences), else the message."""
        return " ".join(self.fields.values()) if self.fields else str(self)


class MembershipError(WorkflowError):
    """A grouping change that is not allowed in the case's state (409); the message says why."""


def invalid(field: str, message: Any) -> WorkflowError:
    """A 422 naming the field that is wrong."""
    return WorkflowError(_l("Some fields are invalid."), 422, {field: str(message)})


def require_status(case: Case, allowed: Iterable[CaseStatus], message: Any) -> None:
    """Refuse (409) unless the case is in one of the allowed states."""
    if case.status not in allowed:
        raise WorkflowError(message, 409)


def required_text(
    value: str | None, field: str, missing: Any = None, maximum: int = MAX_NOTE
) -> str:
    """The stripped text of a required field, at most `maximum` characters (422 otherwise);
    `missing` says what to write when it is empty."""
    text = (value or "").strip()
    if not text:
        raise invalid(field, missing or _l("This field is required."))
    if len(text) > maximum:
        raise invalid(field, _l("This text is too long: at most %(n)d characters.", n=maximum))
    return text
