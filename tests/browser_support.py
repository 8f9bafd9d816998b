"""A live server and Debian's Chromium driven by Playwright, for the browser tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
# As root Chromium needs --no-sandbox; the rest keep it off this machine's closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve the app on a free local port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


def sign_in(page, email: str, password: str | None = None) -> None:
    """Sign in through the login page; for an account with two-factor, type its current code."""
    from sqlalchemy import func, select

    from tests import factories
    from tingia.extensions import db
    from tingia.models import User

    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password or factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/staff/" in url or "/login/two-factor" in url)
    if "/login/two-factor" in page.url and "/setup" not in page.url:
        user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
        page.fill("#code", factories.totp_code(user))
        page.click("button[type=submit]")
        page.wait_for_url("**/staff/**")
