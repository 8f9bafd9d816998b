"""In a real browser: every kind of page loads under the Content-Security-Policy without a single
violation (no inline script or style sneaks in), and a lead enrols in two-factor sign-in by
scanning the server-drawn QR code (here: reading the key printed beside it)."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser_support import sign_in
from tests.factories import PASSWORD
from tests.test_security_headers import VERDICT, WARNING
from tingia.publishing import service as publishing
from tingia.triage import service as triage

pytestmark = pytest.mark.browser


@pytest.fixture
def console(page):
    """Every console message and page error of the page, as text."""
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    return messages


def violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m or m.startswith("pageerror")]


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response.status < 400, (path, response.status)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
    page.wait_for_load_state("load")


@pytest.fixture
def site(db, make):
    """A published verdict (with a public image) and warning, a case with a contact, staff."""
    verifier, lead = make.user("verifier", "01"), make.user("lead", "01", email="tn@hanoi.test")
    shown = make.report("Bộ Y tế khuyến cáo uống nước chanh ấm", images=[make.png_bytes()])
    verdict_case = make.case(shown)
    publishing.set_publishable(shown.attachments[0], True, verifier)
    triage.triage(verdict_case, "verifiable", verifier)
    publishing.save_publication(verdict_case, VERDICT, verifier)
    verdict = publishing.publish(verdict_case, lead)
    warning_case = make.case(make.report("Ngân hàng yêu cầu xác thực tại http://gia.top"))
    triage.triage(warning_case, "fraud", verifier)
    publishing.save_publication(warning_case, WARNING, verifier)
    warning = publishing.publish(warning_case, lead)
    open_case = make.case(
        make.report(
            "Tin đồn sữa bột nhiễm độc",
            images=[make.png_bytes(color="blue")],
            contact_email="nguoibao@example.vn",
            contact_consent=True,
        )
    )
    db.session.commit()
    return {"verdict": verdict, "warning": warning, "case": open_case, "report": shown}


def test_pages_load_without_csp_violations(page, console, site):
    public = [
        "/",
        "/report",
        "/track",
        f"/track/{site['report'].tracking_code}",
        "/verdicts",
        f"/verdicts/{site['verdict'].slug}",  # carries JSON-LD and a public image
        "/warnings",
        f"/warnings/{site['warning'].slug}",
        "/login",
    ]
    for path in public:
        visit(page, path)
    sign_in(page, "tn@hanoi.test")
    staff = [
        "/staff/",
        f"/staff/cases/{site['case'].id}",
        f"/staff/cases/{site['case'].id}/verdict",
        "/staff/team",
        "/staff/account/tokens",
        "/staff/account/sessions",
        "/account/password",
        "/staff/account/two-factor",
        "/staff/account/two-factor?renew=1",  # the QR code, last
    ]
    for path in staff:
        visit(page, path)
    assert page.locator(".qr svg").count() == 1 and page.locator(".qr svg").is_visible()
    assert violations(console) == []
    # Control: the browser does enforce the policy: an inline script added to the page is refused.
    with pytest.raises(PlaywrightError, match="Content Security Policy"):
        page.add_script_tag(content="document.title = 'inline ran'")
    assert page.title() != "inline ran"


def test_a_lead_enrols_in_two_factor_at_first_sign_in(page, console, db, make):
    make.user("lead", "01", email="moi@hanoi.test", two_factor=False)
    db.session.commit()
    page.goto("/login")
    page.fill("#email", "moi@hanoi.test")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/login/two-factor/setup")
    assert page.get_by_test_id("totp-qr").locator("svg").is_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.get_by_test_id("confirm-two-factor").click()
    assert page.get_by_test_id("recovery-code").count() == 10
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/staff/")
    assert page.get_by_test_id("nav-queue").is_visible()
    page.get_by_test_id("nav-security").click()
    assert page.get_by_test_id("session-row").count() == 1
    assert violations(console) == []


def test_the_console_check_sees_a_violation(browser, app, app_config):
    """Control for the check above: under a policy refusing the site's stylesheet, the browser
    reports the violation on the console and the check catches it."""
    from tests.browser_support import serve
    from tingia import create_app

    strict = create_app(
        {**app_config, "SERVER_NAME": None, "CONTENT_SECURITY_POLICY": "style-src 'none'"}
    )
    with serve(strict) as base_url:
        context = browser.new_context(base_url=base_url)
        page = context.new_page()
        messages: list[str] = []
        page.on("console", lambda message: messages.append(message.text))
        page.goto("/")
        page.wait_for_load_state("load")
        context.close()
    assert violations(messages), messages
