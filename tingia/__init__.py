"""Tingia: reporting and verification of fake news, harmful content and online fraud."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, has_request_context, request, session
from flask_babel import gettext

from tingia.config import load_config
from tingia.extensions import babel, csrf, db, limiter, login_manager, mail, migrate


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application; `config` overrides the environment (used by tests)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_mapping(load_config(app.instance_path, config))
    from tingia import request_guard

    request_guard.init_app(app)  # before the blueprints: their routes use its converters
    # The default SQLite database and uploads live in the instance folder.
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _init_extensions(app)
    _register_blueprints(app)
    _register_error_pages(app)
    app.after_request(_security_headers)

    from tingia.cli import register_cli

    register_cli(app)
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
    return app


def _init_extensions(app: Flask) -> None:
    import tingia.models  # noqa: F401  (registers every table on the metadata)

    db.init_app(app)
    from tingia.database import ping_idle_connections

    with app.app_context():
        ping_idle_connections(db.engine, float(app.config["DATABASE_PING_AFTER_IDLE_SECONDS"]))
    migrate.init_app(app, db, render_as_batch=True)  # batch mode: SQLite can't ALTER columns
    csrf.init_app(app)
    limiter.init_app(app)
    # Flask-Limiter keeps "storage unreachable" on the one Limiter object, not per app: an app
    # made after another's Redis outage (tests, CLI) would count in memory until a re-check.
    limiter._storage_dead = False
    babel.init_app(app, locale_selector=_select_locale)
    mail.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from tingia.auth import sessions

    # The cookie holds a server-side session's key (User.get_session_key), not the user's id.
    login_manager.id_attribute = "get_session_key"
    login_manager.user_loader(sessions.load_user)
    login_manager.login_message = sessions.SIGN_IN_MESSAGE
    login_manager.localize_callback = gettext
    app.before_request(sessions.touch_current_session)

    from tingia.i18n import compile_catalogues, register_filters, template_helpers

    compile_catalogues(Path(app.root_path) / "translations")
    app.context_processor(template_helpers)
    register_filters(app)

    from tingia.audit import init_app as init_audit

    init_audit(app)

    from tingia.jobs import dispatch

    dispatch.init_app(app)


def _select_locale() -> str:
    """?lang= switches and remembers the language; otherwise Vietnamese unless asked otherwise."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands, jobs: messages in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        # API clients get English messages unless they ask for Vietnamese.
        return request.accept_languages.best_match(languages, default="en")
    requested = request.args.get("lang")
    if requested in languages:
        session["lang"] = requested
        return requested
    if session.get("lang") in languages:
        return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _register_blueprints(app: Flask) -> None:
    from tingia.api import init_api
    from tingia.audit.views import bp as audit_bp
    from tingia.auth.account import bp as account_bp
    from tingia.auth.team import bp as team_bp
    from tingia.auth.views import bp as auth_bp
    from tingia.intake.staff_views import bp as staff_intake_bp
    from tingia.intake.views import bp as intake_bp
    from tingia.ops.health import bp as health_bp
    from tingia.ops.views import bp as ops_bp
    from tingia.publishing.staff_views import bp as editor_bp
    from tingia.publishing.views import bp as publishing_bp
    from tingia.sources.views import bp as sources_bp
    from tingia.statistics.staff_views import bp as dashboard_bp
    from tingia.statistics.views import bp as statistics_bp
    from tingia.takedowns.views import bp as takedowns_bp
    from tingia.triage.views import bp as staff_bp

    app.register_blueprint(publishing_bp)
    app.register_blueprint(intake_bp)
    app.register_blueprint(statistics_bp)
    app.register_blueprint(auth_bp)
    # Staff pages, all under /staff/: each blueprint requires sign-in for all of its routes.
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(editor_bp, url_prefix="/staff")
    app.register_blueprint(team_bp, url_prefix="/staff")
    app.register_blueprint(takedowns_bp, url_prefix="/staff")
    app.register_blueprint(sources_bp, url_prefix="/staff")
    app.register_blueprint(dashboard_bp, url_prefix="/staff")
    app.register_blueprint(staff_intake_bp, url_prefix="/staff")
    app.register_blueprint(account_bp, url_prefix="/staff")
    app.register_blueprint(ops_bp, url_prefix="/staff")
    app.register_blueprint(health_bp)
    app.register_blueprint(audit_bp, url_prefix="/staff")
    init_api(app)  # /api/v1 and its OpenAPI document


def _security_headers(response: Response) -> Response:
    """On every response: the Content-Security-Policy (no inline script or style: the templates
    have none), no framing, no MIME sniffing, no referrer to other sites, HSTS in production."""
    config = current_app.config
    headers = response.headers
    headers.setdefault("Content-Security-Policy", config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for older browsers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", config["REFERRER_POLICY"])
    if config["ENV"] == "production":
        # Sent over plain HTTP too (browsers ignore it there): behind a TLS-terminating proxy the
        # app sees HTTP while the browser uses HTTPS.
        headers.setdefault(
            "Strict-Transport-Security", f"max-age={config['HSTS_SECONDS']}; includeSubDomains"
        )
    return response


def _register_error_pages(app: Flask) -> None:
    from tingia.errors import register_error_handlers

    register_error_handlers(app)

    from tingia.ops import outage

    outage.init_app(app)
