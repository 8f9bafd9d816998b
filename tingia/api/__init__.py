"""JSON API v1: reports for citizens and partner apps, cases for staff, its OpenAPI document.

Shapes are defined once, as marshmallow schemas (tingia/api/schemas.py), with flask-smorest:
`@bp.arguments` reads and checks the body or query string (webargs), `@bp.response` serialises
the answer, and apispec generates /api/v1/openapi.json from the same routes and schemas, so the
document cannot drift from the code. flask-smorest was chosen because it works on a plain Flask
blueprint (the app, its error pages, Flask-Login, Flask-WTF and Flask-Limiter stay as they are;
APIFlask would replace the app class), it is the marshmallow project's own, maintained together
with marshmallow, webargs and apispec, and marshmallow schemas serialise ORM objects directly
(spectree with pydantic would add a second modelling library next to SQLAlchemy's).
"""

from __future__ import annotations

from flask import Flask

from tingia.api.blueprint import URL_PREFIX, IdConverter, RelativePaths, TingiaApi, bp
from tingia.api.fields import Timestamp, Uri
from tingia.extensions import csrf

API_INFO = {
    "description": "Report suspected fake news and follow reports; staff endpoints need a "
    "bearer token from `flask tokens create`."
}


def init_api(app: Flask) -> TingiaApi:
    """Register the API blueprint under /api/v1 and build its OpenAPI document."""
    from tingia.api import cases, openapi, reports, takedowns, workflow  # noqa: F401  (routes)

    app.url_map.converters["id"] = IdConverter
    api = TingiaApi(
        app,
        spec_kwargs={
            "title": "Tingia API",
            "version": "1.0.0",
            "openapi_version": "3.0.3",
            "info": API_INFO,
            "flask_plugin": RelativePaths(),
        },
    )
    api.register_field(Uri, "string", "uri")
    api.register_field(Timestamp, "string", "date-time")
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(bp, url_prefix=URL_PREFIX)
    # The API authenticates with bearer tokens only, never the session cookie: no CSRF.
    csrf.exempt(bp)
    return api
