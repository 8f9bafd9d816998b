"""Fixtures: the app on a real database (SQLite or PostgreSQL) and a real Redis.

TEST_DATABASE_URL selects PostgreSQL (the suite owns that database: it builds the schema with the
migrations and empties the tables after every test); unset, a SQLite file in a temporary folder is
used. TEST_REDIS_URL names a Redis the suite may flush; unset, a redis-server is started on a free
port for the session.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq import SimpleWorker
from rq.job import Job
from sqlalchemy import inspect, text

from tests import factories
from tingia import create_app
from tingia.extensions import db as _db

KEPT_TABLES = {"provinces", "centres", "alembic_version"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Cheap argon2id parameters: the suite creates hundreds of accounts (production keeps the
    RFC 9106 profile of tingia.auth.service)."""
    from argon2 import PasswordHasher

    from tingia.auth import service

    original = service.password_hasher
    service.password_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    service.password_hasher = original


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis: TEST_REDIS_URL, or a redis-server started for this session."""
    if os.environ.get("TEST_REDIS_URL"):
        yield os.environ["TEST_REDIS_URL"]
        return
    server = shutil.which("redis-server")
    if server is None:
        pytest.exit("redis-server not found: install it or set TEST_REDIS_URL", returncode=2)
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except Exception:  # noqa: BLE001  (not up yet)
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """TEST_DATABASE_URL (PostgreSQL), or a SQLite file for this session."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'tingia-test.db'}"


class Mailbox:
    """What a real local SMTP server (aiosmtpd) received: parsed messages and their envelopes."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelope_recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        message = BytesParser(policy=email_policy.default).parsebytes(envelope.content)
        self.messages.append(message)
        self.envelope_recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        self.messages.clear()
        self.envelope_recipients.clear()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[str, int, Mailbox]]:
    """A real SMTP server on a free local port for the session: (host, port, mailbox)."""
    from aiosmtpd.controller import Controller

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller.hostname, controller.port, box
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    """The messages the SMTP server received during this test."""
    box = smtp_server[2]
    box.clear()
    return box


def make_config(database_url: str, redis_url: str, upload_dir: Path, **extra) -> dict:
    """Settings for a test app (mail is not sent unless `extra` points it at a server)."""
    return {
        "ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "UPLOAD_DIR": str(upload_dir),
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "tingia.test",
        "RQ_QUEUE": "tingia-test",
        "JOB_RETRIES": 0,  # a failing job fails the test at once instead of being retried
        "MAIL_SUPPRESS_SEND": True,
        **extra,
    }


@pytest.fixture(scope="session")
def _schema(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Build the schema once with the migrations (so they are tested too), then seed provinces."""
    from flask_migrate import downgrade, upgrade

    from tingia.centres.service import seed_provinces_and_centres

    app = create_app(make_config(database_url, redis_url, tmp_path_factory.mktemp("uploads")))
    with app.app_context():
        # Start from nothing even if an earlier run left tables behind.
        _db.session.execute(text("SELECT 1"))
        if inspect(_db.engine).has_table("alembic_version"):
            downgrade(revision="base")
        _db.drop_all()
        upgrade()
        seed_provinces_and_centres()
        _db.session.commit()
        _db.engine.dispose()


def _empty_tables(app: Flask) -> None:
    with app.app_context():
        _db.session.remove()
        tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name not in KEPT_TABLES]
        if _db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            _db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                _db.session.execute(table.delete())
        _db.session.commit()


@pytest.fixture
def app_config(database_url: str, redis_url: str, tmp_path: Path, smtp_server) -> dict:
    """The settings the `app` fixture is built with (override in a module to change them); mail
    goes to the session's SMTP server."""
    host, port, _box = smtp_server
    return make_config(
        database_url,
        redis_url,
        tmp_path / "uploads",
        MAIL_SERVER=host,
        MAIL_PORT=port,
        MAIL_SUPPRESS_SEND=False,
    )


class FreshContextClient(FlaskClient):
    """Runs every request in its own app context, as in production: its own `g` (locale) and
    database session; the test's session then sees what the request committed."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _db.session.expire_all()
        return response


@pytest.fixture
def app(_schema, app_config: dict) -> Iterator[Flask]:
    """A fresh app per test, with an app context pushed, on emptied tables and a flushed Redis."""
    app = create_app(app_config)
    app.test_client_class = FreshContextClient
    Redis.from_url(app_config["REDIS_URL"]).flushdb()
    with app.app_context():
        yield app
        _db.session.remove()
    _empty_tables(app)
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def db(app: Flask):
    """The Flask-SQLAlchemy extension, bound to the test app."""
    return _db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def redis(app: Flask) -> Redis:
    """The app's Redis connection."""
    from tingia.jobs.queue import get_redis

    return get_redis()


@pytest.fixture
def run_worker(app: Flask):
    """Run the real RQ worker in burst mode on the app's queue; returns how many jobs ran."""
    from tingia.jobs.queue import get_queue, get_redis

    def run() -> int:
        queue = get_queue()
        finished_before = queue.finished_job_registry.count
        SimpleWorker([queue], connection=get_redis()).work(burst=True)
        _db.session.expire_all()
        failed = [
            Job.fetch(job_id, connection=get_redis())
            for job_id in queue.failed_job_registry.get_job_ids()
        ]
        if failed:
            raise AssertionError(
                "jobs failed:\n" + "\n".join(str(job.latest_result().exc_string) for job in failed)
            )
        return queue.finished_job_registry.count - finished_before

    return run


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """A controllable clock for the app and the test: `clock.shift(timedelta(minutes=31))`."""
    with time_machine.travel(datetime.now(UTC), tick=True) as traveller:
        yield traveller


@pytest.fixture
def make():
    """Factories for test data (see tests/factories.py)."""
    return factories


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium package (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Flask, app_config: dict) -> Iterator[str]:
    """The app served over HTTP on a free port (same database and Redis as the test)."""
    from tests.browser_support import serve

    # A real browser sends real CSRF tokens: protection stays on here.
    server_app = create_app({**app_config, "SERVER_NAME": None, "WTF_CSRF_ENABLED": True})
    with serve(server_app) as base_url:
        yield base_url


@pytest.fixture
def page(browser, live_server: str):
    """A fresh browser page (own cookies) pointed at the live server."""
    context = browser.new_context(base_url=live_server, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
