"""JSON API v1: reports for citizens and partner apps, cases for staff, its OpenAPI document."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from tingia.api import cases, openapi, reports, workflow  # noqa: E402,F401  (routes on bp)
