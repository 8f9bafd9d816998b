"""Role checks for staff pages (sign-in itself is required by the staff blueprint as a whole)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from tingia.models import LEAD_ROLES, Role


def role_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Answer 403 unless the signed-in user has one of the roles (sign-in required first)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


lead_required = role_required(*LEAD_ROLES)
admin_required = role_required(Role.ADMIN)
