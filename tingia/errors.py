"""Error pages for people and JSON errors for the API, chosen by the request path."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/"

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


def api_error(
    status: int, message: str, fields: dict[str, str] | None = None, code: str | None = None
):
    """A JSON error response in the API's shape: {"error": {"code", "message", "fields"}}."""
    body = {
        "error": {
            "code": code or ERROR_CODES.get(status, "error"),
            "message": message,
            "fields": fields or {},
        }
    }
    return jsonify(body), status


def field_messages(messages: Any) -> dict[str, str]:
    """webargs' validation messages, {location: {field: [message, …]}}, as {field: message}."""
    fields: dict[str, str] = {}
    for by_field in (messages or {}).values():
        if isinstance(by_field, dict):
            fields.update({str(name): _joined(problem) for name, problem in by_field.items()})
    return fields


def _joined(problem: Any) -> str:
    if isinstance(problem, dict):  # a list's items or a nested object: by index or key
        return "; ".join(f"{key}: {_joined(value)}" for key, value in problem.items())
    if isinstance(problem, list | tuple):
        return " ".join(_joined(item) for item in problem)
    return str(problem)


def _api_http_error(error: HTTPException):
    """An HTTP error in the API's shape; the details webargs' abort() attached (message, field
    messages, headers) when the error comes from reading the request."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    fields = field_messages(data.get("messages"))
    default = "Some fields are invalid." if fields else error.description or error.name
    response, status = api_error(status, data.get("message") or default, fields)
    response.headers.extend(data.get("headers") or {})
    return response, status


def _seconds_until_reset() -> int:
    """Seconds until the limit this request broke lets requests through again.

    Rate-limit headers are not sent on every answer (RATELIMIT_HEADERS_ENABLED: reading the
    window costs two Redis round trips per request), only this one, when a limit was hit.
    """
    for limiter in current_app.extensions.get("limiter", ()):
        current = limiter.current_limit
        if current is not None:
            return max(1, int(current.reset_at - time.time()))
    return 60


def register_error_handlers(app: Flask) -> None:
    """Answer HTTP errors as JSON under /api/ and as a page elsewhere."""

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        if request.path.startswith(API_PREFIX):
            response, status = _api_http_error(error)
        else:
            status = error.code or 500
            response = make_response(render_template("error.html", status=status, error=error))
        # The error's own headers: Allow on a 405, WWW-Authenticate, Retry-After…
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        if isinstance(error, RateLimitExceeded):
            response.headers["Retry-After"] = str(_seconds_until_reset())
        return response, status

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if request.path.startswith(API_PREFIX):
            return api_error(500, "Internal server error")
        return render_template("error.html", status=500, error=None), 500
