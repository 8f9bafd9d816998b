"""The citizen's path in a real browser: report, get a code, follow it."""

import re

import pytest
from sqlalchemy import select

from tingia.models import Report

pytestmark = pytest.mark.browser


def test_citizen_reports_with_a_screenshot_and_follows_the_code(page, db, make, tmp_path):
    screenshot = tmp_path / "bai-dang.png"
    screenshot.write_bytes(make.png_bytes(300, 500, "white", "Tin gia"))
    page.goto("/report")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.fill("#content", "Nghe nói uống nước chanh muối diệt được virus cúm A")
    page.fill("#url", "facebook.com/groups/1/posts/2?fbclid=abc")
    page.select_option("#platform", "facebook")
    page.select_option("#province", "48")
    page.check("input[name=category_hint][value=fake_news]")
    page.set_input_files("#images", str(screenshot))
    page.click("button[type=submit]")

    code = page.get_by_test_id("tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert page.get_by_test_id("report-status").get_attribute("data-status") == "received"
    report = db.session.scalar(select(Report).where(Report.tracking_code == code))
    assert report.province_code == "48" and len(report.attachments) == 1

    page.goto("/track")
    page.fill("#code", code.lower().replace("-", " "))
    page.click("button[type=submit]")
    assert page.url.endswith(f"/track/{code}")


def test_errors_are_shown_next_to_fields_and_input_is_kept(page, db):
    page.goto("/report?lang=en")
    page.fill("#contact_name", "Lan")
    page.fill("#contact_email", "lan@")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-error-summary]")  # sent in the background, errors shown
    assert page.locator("#content-error").is_visible()
    assert page.locator("#platform-error").is_visible()
    assert page.locator("#province-error").is_visible()
    assert "valid email" in page.locator("#contact_email-error").inner_text()
    assert page.locator("#contact_consent-error").is_visible()
    assert page.input_value("#contact_name") == "Lan"
    assert page.locator(".error-summary").is_visible()
    assert db.session.scalar(select(Report.id)) is None
