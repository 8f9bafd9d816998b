"""Page-number pagination (`?page=&per_page=`) answering `{"items", "next"}`, on db.paginate."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_app_context, request, url_for
from marshmallow import fields, pre_load, validate
from sqlalchemy import Select

from tingia.api.fields import MAX_ID
from tingia.api.schemas import InputSchema
from tingia.config import DefaultConfig
from tingia.extensions import db


class SettingRange(validate.Range):
    """A Range whose maximum is an app setting, read when validating and when documenting."""

    def __init__(self, minimum: int, setting: str) -> None:
        self.setting = setting
        super().__init__(min=minimum, max=None)

    @property
    def max(self) -> int:
        if has_app_context():
            return current_app.config[self.setting]
        return getattr(DefaultConfig, self.setting)

    @max.setter
    def max(self, value: Any) -> None:
        """The maximum is the setting's (Range.__init__ assigns one)."""


class PageArgsSchema(InputSchema):
    """Which page: `page` from 1 (past the last page: no items), `per_page` up to the maximum."""

    # A row count never exceeds the id range, so neither can a page number; this keeps the
    # offset inside 64 bits for every database.
    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_ID))
    per_page = fields.Integer(
        load_default=lambda: current_app.config["API_PER_PAGE"],
        validate=SettingRange(1, "API_MAX_PER_PAGE"),
        metadata={"default": DefaultConfig.API_PER_PAGE},
    )

    @pre_load
    def drop_empty(self, data: Any, **kwargs: Any) -> dict[str, Any]:
        """`?status=` means no filter, `?page=` the first page."""
        return {key: value for key, value in data.items() if value != ""}


def paginated(query: Select[Any], args: dict[str, Any], endpoint: str) -> dict[str, Any]:
    """`{"items", "next"}`: one page of `query` and the absolute URL of the next (None: last)."""
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
    next_url = None
    if page.has_next:
        values = {**request.args.to_dict(), "page": page.page + 1, "per_page": page.per_page}
        next_url = url_for(endpoint, _external=True, **values)
    return {"items": page.items, "next": next_url}
