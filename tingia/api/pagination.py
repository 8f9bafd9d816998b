"""Page-number pagination with a `next` link."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for
from sqlalchemy import Select

from tingia.extensions import db


class PaginationError(ValueError):
    """Bad paging parameters; `fields` maps the parameter to the problem."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("invalid paging parameters")
        self.fields = fields


def _positive_int(name: str, default: int, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        bound = f" and {maximum}" if maximum else ""
        raise PaginationError({name: f"must be a whole number between 1{bound}"})
    return int(raw)


def paginate(
    query: Select[Any], endpoint: str, **endpoint_args: Any
) -> tuple[list[Any], str | None]:
    """One page of `query` and the absolute URL of the next page (None on the last page)."""
    config = current_app.config
    page = _positive_int("page", 1)
    per_page = _positive_int("per_page", config["API_PER_PAGE"], config["API_MAX_PER_PAGE"])
    rows = db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)).all()
    next_url = None
    if len(rows) > per_page:
        args = {**request.args.to_dict(), **endpoint_args, "page": page + 1, "per_page": per_page}
        next_url = url_for(endpoint, _external=True, **args)
    return list(rows[:per_page]), next_url
