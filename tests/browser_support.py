"""A live server and Debian's Chromium driven by Playwright, for the browser tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page
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


# --- accessibility (axe-core, installed by scripts/test.sh from tests/axe/package-lock.json) ---

AXE_SCRIPT = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0-2.2 A and AA, plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING_IMPACTS = ("serious", "critical")


@cache
def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        raise RuntimeError(
            f"{AXE_SCRIPT} is missing: run `npm ci` in tests/axe (scripts/test.sh does it)"
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Page, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[dict]:
    """Run axe-core on the page as it is now; the violations of these impacts.

    The script is evaluated through the DevTools protocol, which a Content-Security-Policy
    without 'unsafe-inline' does not block (a <script> tag would be).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [item for item in result["violations"] if item["impact"] in impacts]


def describe_violations(violations: list[dict]) -> str:
    """A readable list: rule, impact, help and the first few offending elements."""
    lines = []
    for item in violations:
        lines.append(f"{item['id']} ({item['impact']}): {item['help']}")
        for node in item["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '')!r}")
    return "\n".join(lines)


def assert_no_serious_axe_violations(page: Page) -> None:
    """Fail with axe's findings when the page has a serious or critical accessibility violation."""
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url}:\n{describe_violations(violations)}"


# --- screenshots (artefacts of the browser suite, looked at by people) ---

SCREENSHOT_DIR = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"
VIEWPORTS = {"360": {"width": 360, "height": 780}, "1280": {"width": 1280, "height": 900}}


def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG as test-results/screenshots/<name>-<width>.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}-{page.viewport_size['width']}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !scrolls(el)) {
      const classes = typeof el.className === 'string' ? el.className.trim() : '';
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
      found.push(name + (classes ? '.' + classes.split(/\\s+/).join('.') : '')
        + ' right=' + Math.round(box.right));
    }
  }
  return found.slice(0, 20);
}"""


def horizontal_overflow(page: Page) -> list[str]:
    """Elements reaching past the viewport's right edge outside a scrolling box (what makes a
    phone scroll sideways), described as tag#id.classes."""
    return page.evaluate(OVERFLOW_JS)
