"""What the workflow's views share: reading an assignee choice and listing who can take a case."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from tingia.cases.filters import ASSIGNED_TO_ME, NATIONAL, UNASSIGNED
from tingia.database import parse_id
from tingia.extensions import db
from tingia.models import Case, Province, User
from tingia.triage import service


def assignee_from_choice(value: str | None) -> int | str | None:
    """The assignee picked in a select: "" or "nobody" nobody, "me", or a user id."""
    if not value or value == UNASSIGNED:
        return None
    if value == ASSIGNED_TO_ME:
        return current_user.id
    if value.isascii() and value.isdigit():
        return parse_id(value) or 0  # 0: beyond any id, no colleague has it
    return value


def assignee_value(case: Case) -> str:
    """The option of the assignee select that stands for the case's assignee now."""
    if case.assignee_id is None:
        return ""
    return ASSIGNED_TO_ME if case.assignee_id == current_user.id else str(case.assignee_id)


def _person(user: User, optgroup: str | None = None) -> SelectChoice:
    if user.id == current_user.id:
        return SelectChoice(
            ASSIGNED_TO_ME, _("Me (%(name)s)", name=user.display_name), optgroup=optgroup
        )
    return SelectChoice(str(user.id), user.display_name, optgroup=optgroup)


def _people_first_me(users: Iterable[User]) -> list[User]:
    return sorted(users, key=lambda user: user.id != current_user.id)


def case_assignee_choices(case: Case) -> list[SelectChoice]:
    """Who the case can go to: nobody, or the staff of its centre (the user first, as "Me")."""
    users = db.session.scalars(service.eligible_assignees(case)).all()
    return [SelectChoice("", _("Nobody"))] + [_person(user) for user in _people_first_me(users)]


def bulk_assignee_choices(cases: Iterable[Case]) -> list[SelectChoice]:
    """Who the ticked cases can go to: the staff of the centres of the cases listed (grouped by
    centre when there are several), "nobody" to unassign; "" is the unchosen placeholder."""
    names = {case.centre_id: case.centre.name for case in cases}
    centre_ids = set(names) or {current_user.centre_id}
    users = db.session.scalars(service.staff_of_centres(centre_ids)).all()
    grouped = len(centre_ids) > 1
    people = [
        _person(user, names[user.centre_id] if grouped else None)
        for user in _people_first_me(users)
    ]
    if grouped:  # optgroups must be contiguous: one centre after the other
        people.sort(key=lambda choice: choice.optgroup or "")
    return [
        SelectChoice("", _("Choose a person")),
        SelectChoice(UNASSIGNED, _("Nobody (unassign)")),
        *people,
    ]


def province_choices() -> list[SelectChoice]:
    """The national centre, then every province by name (national staff's centre filter)."""
    provinces = db.session.execute(select(Province.code, Province.name).order_by(Province.name))
    return [SelectChoice(NATIONAL, _("National centre"))] + [
        SelectChoice(code, name) for code, name in provinces
    ]
