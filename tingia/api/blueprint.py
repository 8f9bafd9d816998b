"""The API blueprint on flask-smorest: how bodies are read, ids in URLs, errors documented.

Request bodies are read by `ApiParser` (webargs): a body that is not a JSON object (an array,
invalid or too deeply nested JSON, another content type) answers 400 before any schema runs;
schema errors answer 422 through tingia.errors, in the API's error shape.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from copy import deepcopy
from threading import Lock
from typing import Any

import flask_smorest
from flask import Request
from flask_smorest.spec.plugins import FlaskPlugin
from marshmallow import Schema, fields
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.routing import IntegerConverter, ValidationError

from tingia.api.fields import MAX_ID

URL_PREFIX = "/api/v1"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
NOT_AN_OBJECT = "The body is not a JSON object."

ERROR_DESCRIPTIONS = {
    400: "The body is not a JSON object (invalid or too deeply nested JSON, an array, another "
    "content type).",
    401: "No valid token.",
    403: "The user's role does not allow this action.",
    404: "No such object in the user's scope.",
    409: "Not allowed in the case's current state; the message says why.",
    413: "An image or the whole request is too large.",
    415: "Unsupported body or image type.",
    422: "Invalid fields or query parameters; `fields` names them.",
    429: "Too many requests from this address.",
}


class ErrorDetailSchema(Schema):
    """What went wrong."""

    code = fields.String(required=True, metadata={"example": "validation_failed"})
    message = fields.String(required=True)
    field_errors = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        data_key="fields",
        metadata={"description": "Problem by field name; empty when no field is at fault."},
    )


class ErrorSchema(Schema):
    """Every error answer of the API."""

    error = fields.Nested(ErrorDetailSchema, required=True)


class ApiParser(FlaskParser):
    """webargs' Flask parser with the API's body rules, and the `report` location (a JSON object
    or a form, as POST /reports accepts)."""

    __location_map__ = {**FlaskParser.__location_map__, "report": "load_report"}

    def load_json(self, req: Request, schema: Schema) -> Any:
        """The JSON object sent; an empty body counts as no fields."""
        return json_object(req, empty=core.missing)

    def load_report(self, req: Request, schema: Schema) -> Any:
        """A report as a JSON object or as form fields (files are read by the intake form)."""
        if req.mimetype in FORM_TYPES:
            return self._makeproxy(req.form, schema)
        if is_json_request(req):
            return json_object(req)
        abort(415, message="Send multipart/form-data or application/json.")


def json_object(req: Request, empty: Any = None) -> Any:
    """The body as a JSON object, or `empty` for an empty body (None: refused); 400 otherwise."""
    raw = req.get_data(cache=True)
    if not raw and empty is not None:
        return empty
    if not is_json_request(req):
        abort(400, message=NOT_AN_OBJECT)
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested beyond Python's stack
        abort(400, message="The body is not valid JSON.")
    if not isinstance(payload, dict):
        abort(400, message=NOT_AN_OBJECT)
    return payload


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id from 1 to MAX_ID; anything else matches no route (404)."""

    def __init__(self, map: Any) -> None:
        super().__init__(map, min=1, max=MAX_ID)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(MAX_ID)):  # int() refuses very long digit strings
            raise ValidationError()
        return super().to_python(value)


class ApiBlueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint with the API's parser and shorthands for documented errors."""

    ARGUMENTS_PARSER = ApiParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "report": "application/json",
    }

    def arguments(self, schema: type[Schema] | Schema, **kwargs: Any) -> Callable[[Any], Any]:
        """flask-smorest's `arguments`, with the schema made once per route: given a class,
        webargs would build an instance (deep copies of every field) on every request."""
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)

    def errors(self, *statuses: int, **notes: str) -> Callable[[Any], Any]:
        """Document error answers; `notes` (e.g. e404="…") replace the standard descriptions."""

        def decorator(view: Any) -> Any:
            for status in statuses:
                description = notes.get(f"e{status}", ERROR_DESCRIPTIONS[status])
                view = self.alt_response(status, schema=ErrorSchema, description=description)(view)
            return view

        return decorator

    def body(self, schema: type[Schema], **kwargs: Any) -> Callable[[Any], Any]:
        """Read and check a JSON body with `schema` (400 not an object, 422 invalid fields)."""

        def decorator(view: Any) -> Any:
            return self.errors(400, 422)(self.arguments(schema, **kwargs)(view))

        return decorator

    def query(self, schema: type[Schema]) -> Callable[[Any], Any]:
        """Read and check the query string with `schema` (422 invalid parameters)."""

        def decorator(view: Any) -> Any:
            return self.errors(422)(self.arguments(schema, location="query")(view))

        return decorator


class RelativePaths(FlaskPlugin):
    """Paths relative to the document's server URL (…/api/v1), as clients use them; the path's
    parameters are listed in each operation (a path item holds only its operations)."""

    def path_helper(self, rule: Any, operations: Any, parameters: Any, **kwargs: Any) -> str:
        path = super().path_helper(rule, operations, parameters, **kwargs)
        for operation in operations.values():
            operation["parameters"] = deepcopy(parameters) + operation.get("parameters", [])
        parameters.clear()
        return path.removeprefix(URL_PREFIX)


class TingiaApi(flask_smorest.Api):
    """flask-smorest's Api, documenting errors in the API's shape (tingia.errors answers them).

    The document is built when first asked for, not in create_app: building it costs more than
    the rest of the app factory, and most apps (workers, commands, tests) never serve it."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None  # every error status is documented where it can happen

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._undocumented: list[flask_smorest.Blueprint] = []
        self._documenting = Lock()
        super().__init__(*args, **kwargs)
        # flask-smorest's `flask openapi print` reads the spec as built so far, which is nothing
        # until first asked for: the document is served at /api/v1/openapi.json.
        self._app.cli.commands.pop("openapi", None)

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        """Register the blueprint now; its routes are documented on the first `document()`."""
        self._app.extensions["flask-smorest"]["blp_name_to_api"][blp.name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append(blp)

    def document(self) -> dict[str, Any]:
        """The OpenAPI document (inside an app context: settings-based bounds are documented as
        configured)."""
        with self._documenting:
            while self._undocumented:
                blp = self._undocumented.pop(0)
                blp.register_views_in_doc(
                    self, self._app, self.spec, name=blp.name, parameters=None
                )
                self.spec.tag({"name": blp.name, "description": blp.description})
        return self.spec.to_dict()

    def _register_error_handlers(self) -> None:
        """tingia.errors answers errors (JSON under /api/, pages elsewhere): register nothing."""

    def _register_etag_headers(self) -> None:
        """The API uses no ETags: document none."""

    def _register_pagination_header(self) -> None:
        """Pages are in the body (`next`), not in a header: document none."""


bp = ApiBlueprint("api", __name__)
