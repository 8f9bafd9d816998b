"""A database outage answers 503 with Retry-After (JSON under /api/, a page elsewhere), never a
500 with a traceback: the request can simply be tried again once the database is back."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from werkzeug.exceptions import ServiceUnavailable

from tingia.errors import API_PREFIX, api_error
from tingia.extensions import db

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "The service is briefly unavailable; please try again in a few seconds."


def _database_unavailable(error: Exception):
    db.session.rollback()
    # The error's text only names the failure; never its SQL parameters (personal data).
    log.warning("database unavailable on %s %s: %s", request.method, request.path, type(error))
    if request.path.startswith(API_PREFIX):
        response, status = api_error(503, MESSAGE)
    else:
        page = render_template("error.html", status=503, error=ServiceUnavailable(MESSAGE))
        response, status = page, 503
    return response, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def init_app(app: Flask) -> None:
    """Answer database outages with 503."""
    for error in (OperationalError, InterfaceError, DisconnectionError):
        app.register_error_handler(error, _database_unavailable)
