"""Hostile input is cleaned or refused at the edge, before any view or form sees it.

- Text of pages' query strings, form fields and upload file names, and JSON strings, loses NUL
  and the other C0 control characters (tab, line feed and carriage return are kept in bodies; a
  query string is one line, so there they become spaces: no CR reaches a redirect) and lone
  surrogates. PostgreSQL refuses NUL in text; the others only ever arrive by accident or
  malice. (The API's schemas clean and check its own query strings and forms, field by field.)
- JSON nested too deeply for Python's parser is a 400, like any JSON that cannot be read.
- `<int:...>` in a route matches only ids a row can have (PostgreSQL `integer`); anything
  longer or larger matches no route: 404, as for a missing object.
- A path with a control character is a 404; JSON posted to a page (not the API) is a 415.
- Safety net: a value the database cannot hold (OverflowError, DataError) answers 400.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from flask import Flask, Request, request
from sqlalchemy.exc import DataError
from werkzeug.datastructures import FileStorage, ImmutableMultiDict
from werkzeug.exceptions import BadRequest, NotFound, UnsupportedMediaType
from werkzeug.routing import IntegerConverter, ValidationError
from werkzeug.utils import cached_property

from tingia.database import MAX_ID
from tingia.errors import API_PREFIX
from tingia.extensions import db

log = logging.getLogger(__name__)

# C0 controls but tab, line feed and carriage return, DEL, and UTF-16 surrogates (never valid
# alone in text: they cannot be encoded as UTF-8).
UNSAFE_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
LINE_BREAKS = re.compile(r"[\t\r\n]")


def clean_text(value: str) -> str:
    """The text without control characters (tab, line feed and carriage return kept) and lone
    surrogates."""
    return UNSAFE_CHARACTERS.sub("", value)


def clean_line(value: str) -> str:
    """One line of text: also tab, line feed and carriage return become spaces."""
    return LINE_BREAKS.sub(" ", clean_text(value))


def _clean_value(value: Any, clean: Any = clean_text) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, FileStorage) and value.filename:
        value.filename = clean_line(value.filename)
    return value


class CleanMultiDict(ImmutableMultiDict):
    """Form fields and files as parsed, their names and text values cleaned."""

    clean = staticmethod(clean_text)

    def __init__(self, mapping: Any = None) -> None:
        if mapping is None:
            super().__init__()
            return
        items = mapping.items(multi=True) if hasattr(mapping, "items") else mapping
        super().__init__(
            (self.clean(key) if isinstance(key, str) else key, _clean_value(value, self.clean))
            for key, value in items
        )


class CleanLineMultiDict(CleanMultiDict):
    """Query-string parameters: each value one line."""

    clean = staticmethod(clean_line)


def _clean_json(document: Any) -> Any:
    """Every string of a parsed JSON document cleaned, without recursion (any depth)."""

    def clean(value: Any) -> Any:
        return clean_text(value) if isinstance(value, str) else value

    root: list[Any] = [document]
    stack: list[Any] = [root]
    while stack:
        container = stack.pop()
        pairs = list(container.items()) if isinstance(container, dict) else enumerate(container)
        if isinstance(container, dict):
            container.clear()
        for key, value in pairs:
            value = clean(value)
            container[clean(key)] = value
            if isinstance(value, dict | list):
                stack.append(value)
    return root[0]


class CleanJSON:
    """What requests parse JSON with: the app's JSON provider, except that JSON too deep to
    parse is unreadable JSON (a ValueError, so a 400) rather than a RecursionError, and strings
    come out cleaned."""

    def __init__(self, provider: Any = json) -> None:
        self.provider = provider

    def loads(self, data: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON and clean every string in it."""
        try:
            document = self.provider.loads(data, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        return _clean_json(document)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialise as the provider does."""
        return self.provider.dumps(obj, **kwargs)


class GuardedRequest(Request):
    """Flask's request with its input cleaned (see the module's docstring).

    The API's schemas clean and check its query strings and forms themselves, with an error per
    field (a parameter that is nothing but NUL is a 422 there), so those are left to them.
    """

    @property
    def json_module(self) -> CleanJSON:  # type: ignore[override]
        """The app's JSON provider (Flask sets it on each request), wrapped by CleanJSON."""
        return CleanJSON(self.__dict__.get("_json_provider", json))

    @json_module.setter
    def json_module(self, provider: Any) -> None:
        self.__dict__["_json_provider"] = provider

    @property
    def is_api(self) -> bool:
        """True under /api/ (the API validates its own input)."""
        return self.path.startswith(API_PREFIX)

    @cached_property
    def args(self) -> ImmutableMultiDict[str, str]:  # type: ignore[override]
        """The query string's parameters, each value one clean line."""
        raw = super().args
        return raw if self.is_api else CleanLineMultiDict(raw)

    def _load_form_data(self) -> None:
        """Parse the body's form fields and files, then clean them (pages only)."""
        super()._load_form_data()
        if not self.is_api and not isinstance(self.__dict__["form"], CleanMultiDict):
            self.__dict__["form"] = CleanMultiDict(self.__dict__["form"])
            self.__dict__["files"] = CleanMultiDict(self.__dict__["files"])


class IdConverter(IntegerConverter):
    """`<int:name>`: 0 to MAX_ID, at most 10 digits; anything else matches no route (404)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(MAX_ID)):  # int() refuses digit strings beyond 4300 digits
            raise ValidationError()
        return super().to_python(value)


def _refuse_control_characters_in_path() -> None:
    if UNSAFE_CHARACTERS.search(request.path):
        raise NotFound()


def _refuse_json_outside_the_api() -> None:
    # Pages take form posts only; Flask-WTF would read a JSON body as form data, values of any
    # JSON type included.
    if request.is_json and request.method != "GET" and not request.path.startswith(API_PREFIX):
        raise UnsupportedMediaType("Pages accept form posts, not JSON.")


def init_app(app: Flask) -> None:
    """Clean every request of the app (call before blueprints are registered: converters)."""
    app.request_class = GuardedRequest
    app.url_map.converters["int"] = IdConverter
    app.before_request(_refuse_control_characters_in_path)
    app.before_request(_refuse_json_outside_the_api)

    def unstorable(error: Exception):
        # A value that fits no column (an id beyond 32 or 64 bits...): the request's fault. The
        # value itself is not logged (it may be personal data).
        db.session.rollback()
        log.warning(
            "refused a value the database cannot store (%s) on %s %s",
            type(error).__name__,
            request.method,
            request.url_rule or "?",
        )
        return app.handle_http_exception(BadRequest("A value in the request is out of range."))

    app.register_error_handler(OverflowError, unstorable)
    app.register_error_handler(DataError, unstorable)
