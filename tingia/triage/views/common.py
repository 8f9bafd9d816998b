"""What the workflow's views share: reading an assignee choice and listing who can take a case."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from tingia.cases.filters import NATIONAL
from tingia.database import parse_id
from tingia.extensions import db
from tingia.models import Case, Province
from tingia.triage import service


def assignee_from_choice(value: str | None) -> int | str | None:
    """The assignee picked in a select: "" nobody, "me", or a user id."""
    if not value:
        return None
    if value == "me":
        return current_user.id
    if value.isascii() and value.isdigit():
        return parse_id(value) or 0  # 0: beyond any id, no colleague has it
    return value


def colleague_choices(case: Case | None = None) -> list[SelectChoice]:
    """Who a case can go to: the case's eligible staff, or (bulk) the user's centre."""
    query = service.eligible_assignees(case) if case else service.colleagues_of(current_user)
    users = db.session.scalars(query).all()
    return [SelectChoice("", _("Nobody")), SelectChoice("me", _("Me"))] + [
        SelectChoice(str(user.id), user.display_name)
        for user in users
        if user.id != current_user.id
    ]


def province_choices() -> list[SelectChoice]:
    """The national centre, then every province by name (national staff's centre filter)."""
    provinces = db.session.execute(select(Province.code, Province.name).order_by(Province.name))
    return [SelectChoice(NATIONAL, _("National centre"))] + [
        SelectChoice(code, name) for code, name in provinces
    ]
