"""Settings: defaults for the embedded setup, overridden from the environment.

`DATABASE_URL`, `REDIS_URL` and `SECRET_KEY` are read as they are; every other key can be set as
`TINGIA_<KEY>` (for example `TINGIA_RATELIMIT_ENABLED=false`). Values are parsed as JSON when they
look like JSON (numbers, booleans, lists), otherwise kept as strings.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

ENVIRONMENTS = ("production", "development", "testing")
# bandit B105 accepted: a file name, not a secret.
SECRET_KEY_FILE = "secret_key"  # nosec B105


class DefaultConfig:
    """Defaults: a working single-machine setup with SQLite and a local Redis."""

    ENV = "production"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in from the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    # A pooled database connection idle longer than this is pinged before use (a restarted
    # server is then reconnected to without an error); not one used more recently (a round trip
    # per request and per job otherwise). tingia.database.ping_idle_connections.
    DATABASE_PING_AFTER_IDLE_SECONDS = 1.0
    REDIS_URL = "redis://localhost:6379/0"

    # Intake limits.
    UPLOAD_DIR: str | None = None  # default: <instance>/uploads
    MAX_IMAGES = 5
    MAX_IMAGE_BYTES = 10 * 1024 * 1024
    # The one pixel limit: intake refuses larger images (from the header, before decoding) and
    # the worker never decodes one (a 50 MP phone photo is the largest real upload; screenshots
    # are ~3 MP). Keep it under Pillow's bomb limit (89 MP).
    MAX_IMAGE_PIXELS = 50_000_000
    # Images are stored re-encoded, downscaled to this many pixels when larger (4900 x 3270: more
    # than any screen shows; a 50 MP JPEG decodes straight at half size).
    STORED_MAX_PIXELS = 16_000_000
    # The whole request may carry 5 images plus form fields; Werkzeug answers 413 past this.
    MAX_CONTENT_LENGTH = 5 * 10 * 1024 * 1024 + 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    MAX_CONTENT_CHARS = 20_000
    # Images chosen on a form that came back with errors are kept this long for the citizen.
    PENDING_UPLOAD_HOURS = 24
    PENDING_UPLOAD_PURGE_INTERVAL_SECONDS = 3600

    # Background jobs.
    RQ_QUEUE = "tingia"
    # Committing a new report enqueues its processing (tingia/jobs/dispatch.py); benchmarks that
    # process reports in-process turn it off.
    JOBS_ENQUEUE_ON_COMMIT = True
    JOB_TIMEOUT = 120  # seconds a process_report job may run (OCR of 5 screenshots included)
    JOB_RETRIES = 3
    # The worker fingerprints images downscaled to about this many pixels (hashes work on 32 px,
    # OCR at 1000 px wide), each within a time budget: longer than Tesseract's own 30 s timeout,
    # which kills its process, so the budget only cuts what runs in this process.
    FINGERPRINT_MAX_PIXELS = 2_000_000
    IMAGE_TIME_BUDGET_SECONDS = 40
    JOB_RETRY_INTERVALS = [10, 60, 300]
    # Attempts at one report (counted when a worker starts one, retries and sweeps included)
    # after which it is given up on: listed for admins at /staff/admin/jobs, skipped by the sweep.
    JOB_MAX_ATTEMPTS = 6
    # A report still `received` this long after acceptance is re-enqueued by the sweep (unless
    # its job is still queued or running); the sweep runs every SWEEP_INTERVAL_SECONDS, so a
    # report lost with Redis is processed at most about 90 s after Redis is back.
    SWEEP_AFTER_SECONDS = 30
    SWEEP_INTERVAL_SECONDS = 60
    # A worker process refreshes its alive key every third of this; a job started by a process
    # whose key expired was abandoned and is redone by the next sweep.
    WORKER_ALIVE_SECONDS = 15
    # Fork a work horse per job (isolation) instead of running jobs in the worker process (speed).
    WORKER_FORK = False
    # A worker takes this many queued report jobs at once after each one (tingia/jobs/worker.py);
    # 1 turns batching off.
    JOB_BATCH_SIZE = 20

    # Privacy: reporters' contact details are erased this many days after their case is closed
    # or published (checked by a periodic job every PRIVACY_PURGE_INTERVAL_SECONDS).
    CONTACT_RETENTION_DAYS = 90
    PRIVACY_PURGE_INTERVAL_SECONDS = 3600
    # /statistics reads a summary the worker rebuilds every STATISTICS_REFRESH_SECONDS; the page
    # rebuilds it itself when the newest is older than STATISTICS_MAX_AGE_SECONDS (no worker).
    STATISTICS_REFRESH_SECONDS = 300
    STATISTICS_MAX_AGE_SECONDS = 900
    RATELIMIT_CONTACT_ERASURE = "5 per hour;20 per day"

    # Matching (see tingia/matching/scoring.py for how the defaults were chosen).
    MATCH_AUTO_THRESHOLD: float | None = None
    MATCH_SUGGEST_THRESHOLD: float | None = None
    MATCH_OCR_ENABLED = True

    # Web.
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ["vi", "en"]
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI: str | None = None  # default: REDIS_URL
    RATELIMIT_REPORTS = "10 per minute;100 per day"
    RATELIMIT_TRACKING = "60 per minute"  # tracking-code look-ups, page and API, per address
    # X-RateLimit-* headers on every answer cost two Redis round trips per request; a 429 says
    # when to come back (Retry-After, tingia/errors.py).
    RATELIMIT_HEADERS_ENABLED = False
    # If Redis is down, limits fall back to per-process memory instead of failing the request:
    # a citizen's report must be accepted during a Redis outage.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    WTF_CSRF_TIME_LIMIT = None  # a citizen may take a long time to fill in the form
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    # Staff sign-in (tingia/auth/). Sessions live in the database (staff_sessions): the cookie
    # holds only a random key, so sign-out, a password change or a deactivation ends them.
    STAFF_SESSION_IDLE_MINUTES = 30
    STAFF_SESSION_MAX_HOURS = 12
    STAFF_SESSION_TOUCH_SECONDS = 60  # last_seen_at is written at most this often
    # No "remember me" is offered; should a remember cookie ever be set, it is bounded like this.
    REMEMBER_COOKIE_DURATION = timedelta(hours=12)
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Per-account back-off (counted in the database, whatever address the guesses come from):
    # this many failures are free, then each one locks the account for twice as long as the last.
    LOGIN_FREE_FAILURES = 5
    LOGIN_BACKOFF_SECONDS = 30
    LOGIN_BACKOFF_MAX_SECONDS = 15 * 60
    LOGIN_FAILURES_FORGOTTEN_HOURS = 24
    # Between the password and the second factor.
    TWO_FACTOR_STEP_SECONDS = 5 * 60
    TOTP_ISSUER = "Tingia"
    # Response headers (tingia/__init__.py); HSTS only when ENV is production.
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    REFERRER_POLICY = "same-origin"
    HSTS_SECONDS = 365 * 24 * 3600
    API_PER_PAGE = 20
    API_MAX_PER_PAGE = 100
    CASE_CLOCK_HOURS = 24
    # Decree 147/2024: platforms remove violating content within 24 hours of a request.
    TAKEDOWN_CLOCK_HOURS = 24
    # Surge alert: a case with at least SURGE_MIN_REPORTS reports in the last SURGE_WINDOW_HOURS,
    # at least twice as many as in the window before.
    SURGE_WINDOW_HOURS = 6
    SURGE_MIN_REPORTS = 5
    PUBLIC_BASE_URL: str | None = None  # absolute URLs in feeds, ClaimReview and emails

    # Email to reporters (Flask-Mail), sent by the worker only. The worker needs PUBLIC_BASE_URL
    # (or SERVER_NAME) to write the links.
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Tingia <no-reply@tingia.gov.vn>"
    MAIL_SUPPRESS_SEND = False
    MAIL_JOB_TIMEOUT = 60  # seconds a send_notification job may take
    MAIL_MAX_ATTEMPTS = 10  # then the notification is marked failed (never retried again)


def _parse_env_value(raw: str) -> Any:
    """Parse an environment value: JSON literals become Python values, anything else a string."""
    lowered = raw.strip().lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the settings dict: defaults, then environment, then explicit overrides."""
    settings = {key: getattr(DefaultConfig, key) for key in dir(DefaultConfig) if key.isupper()}
    env = os.environ
    for name, raw in env.items():
        if name.startswith("TINGIA_") and len(name) > len("TINGIA_"):
            settings[name[len("TINGIA_") :]] = _parse_env_value(raw)
    if env.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = env["DATABASE_URL"]
    if env.get("REDIS_URL"):
        settings["REDIS_URL"] = env["REDIS_URL"]
    if env.get("SECRET_KEY"):
        settings["SECRET_KEY"] = env["SECRET_KEY"]
    settings.update(overrides or {})

    if settings["ENV"] not in ENVIRONMENTS:
        raise RuntimeError(f"TINGIA_ENV must be one of {', '.join(ENVIRONMENTS)}")
    secret_file = Path(instance_path) / SECRET_KEY_FILE
    if not settings["SECRET_KEY"] and secret_file.is_file():
        settings["SECRET_KEY"] = secret_file.read_text(encoding="utf-8").strip()
    if settings["ENV"] in ("development", "testing"):
        settings["SECRET_KEY"] = settings["SECRET_KEY"] or "dev-only-not-secret"
        settings["SESSION_COOKIE_SECURE"] = False
        settings["REMEMBER_COOKIE_SECURE"] = False
    if not settings["SECRET_KEY"]:
        raise RuntimeError(
            f"SECRET_KEY must be set (or put one in instance/{SECRET_KEY_FILE}, "
            "or TINGIA_ENV=development for local use)"
        )

    uri = settings["SQLALCHEMY_DATABASE_URI"] or f"sqlite:///{Path(instance_path) / 'tingia.db'}"
    settings["SQLALCHEMY_DATABASE_URI"] = _prefer_psycopg3(uri)
    settings["UPLOAD_DIR"] = settings["UPLOAD_DIR"] or str(Path(instance_path) / "uploads")
    settings["RATELIMIT_STORAGE_URI"] = settings["RATELIMIT_STORAGE_URI"] or settings["REDIS_URL"]
    return settings


def _prefer_psycopg3(uri: str) -> str:
    """Use the psycopg 3 driver for plain `postgresql://` URLs (psycopg2 is not installed)."""
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            return "postgresql+psycopg://" + uri[len(prefix) :]
    return uri
