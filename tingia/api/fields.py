"""marshmallow fields for the API's edge: text cleaned of control characters, bounded ids, URIs,
and values computed from the object being dumped."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from marshmallow import fields, validate

# Rows have 32-bit integer ids (PostgreSQL `integer`): a bigger id can name no row.
MAX_ID = 2**31 - 1
# C0 control characters other than tab, line feed and carriage return, and DEL. PostgreSQL
# refuses NUL in text; the others only ever arrive by accident or malice.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    """The text without control characters (tab, line feed and carriage return are kept)."""
    return CONTROL_CHARACTERS.sub("", value)


class Text(fields.String):
    """A string, accepted cleaned of control characters; a lone surrogate is refused (it cannot
    be stored as UTF-8)."""

    default_error_messages = {"surrogate": "Not valid Unicode text (a lone surrogate was sent)."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise self.make_error("surrogate") from error
        return clean_text(text)


class Id(fields.Integer):
    """A row id in a JSON body: an integer (marshmallow refuses booleans; strict refuses strings
    and floats) from 1 to MAX_ID."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


class Uri(fields.String):
    """An absolute URI (documented as format `uri`)."""


class Timestamp(fields.Field):
    """A moment in UTC as 2025-01-31T08:00:00Z (documented as format `date-time`)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


class Computed:
    """Mixin: the value comes from `source(obj)`, not from an attribute (dump only)."""

    def __init__(self, *args: Any, source: Callable[[Any], Any], **kwargs: Any) -> None:
        super().__init__(*args, dump_only=True, **kwargs)
        self.source = source

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        return self.source(obj)


class ComputedString(Computed, fields.String):
    """A string computed from the object."""


class ComputedUri(Computed, Uri):
    """A URI computed from the object (typically with url_for)."""


class ComputedNested(Computed, fields.Nested):
    """A nested object computed from the object."""
