"""Error pages for people and JSON errors for the API, chosen by the request path."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
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


def register_error_handlers(app: Flask) -> None:
    """Answer HTTP errors as JSON under /api/ and as a page elsewhere."""

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        if request.path.startswith(API_PREFIX):
            return api_error(status, error.description or error.name)
        return render_template("error.html", status=status, error=error), status

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if request.path.startswith(API_PREFIX):
            return api_error(500, "Internal server error")
        return render_template("error.html", status=500, error=None), 500
