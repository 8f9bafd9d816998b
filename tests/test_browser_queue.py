"""The verifier's pages in a real browser: the queue at 1280×900 and 360 px, its keyboard
shortcuts and select-all, the case page and the verdict form on a phone."""

from datetime import timedelta

import pytest

from tests.browser_support import horizontal_overflow, save_screenshot, sign_in
from tingia.database import utcnow
from tingia.triage import service

pytestmark = pytest.mark.browser

LONG_URL = (
    "https://www.facebook.com/groups/1234567890123456/permalink/98765432109876543210/"
    "?comment_id=1234567890123456789&reply_comment_id=98765432109876543&__cft__[0]="
    "AZWx9bQ7yZk3m2n4p5q6r7s8t9u0v1w2x3y4z5a6b7c8d9e0f1g2h3i4j5k6l7m8n9o0"
)


@pytest.fixture
def hanoi_cases(db, make):
    """A verifier of Hà Nội and 30 cases of varied length, one with a long link and an image."""
    verifier = make.user("verifier", "01", email="kcv@hanoi.test", name="Kiểm chứng viên")
    cases = []
    for i in range(30):
        text = (
            f"Tin đồn số {i}: " + "Ngân hàng Vietcombank chi nhánh Hoàn Kiếm thông báo khoá "
            "tài khoản của khách hàng, yêu cầu bấm vào đường dẫn để xác minh. " * (1 + i % 4)
        )
        report = make.report(
            text,
            url=LONG_URL if i == 0 else None,
            images=[make.png_bytes(320, 640)] if i == 0 else None,
            created_at=utcnow() - timedelta(hours=i),
        )
        cases.append(make.case(report))
    service.triage(cases[1], "fraud", verifier)
    db.session.commit()
    return verifier, cases


def test_staff_pages_fit_a_360px_screen(browser, live_server, hanoi_cases):
    verifier, cases = hanoi_cases
    context = browser.new_context(
        base_url=live_server, locale="vi-VN", viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    sign_in(page, verifier.email)
    for path in ("/staff/", f"/staff/cases/{cases[0].id}", f"/staff/cases/{cases[1].id}/verdict"):
        page.goto(path)
        save_screenshot(page, "fit-" + path.strip("/").replace("/", "-"))
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 360, (path, scroll_width, horizontal_overflow(page))
    context.close()


def visible_rows(page) -> int:
    """Queue rows entirely inside the viewport, without scrolling."""
    return page.evaluate(
        """() => {
          const height = window.innerHeight;
          return [...document.querySelectorAll('[data-testid=queue-row]')]
            .filter(row => { const b = row.getBoundingClientRect();
                             return b.top >= 0 && b.bottom <= height; }).length;
        }"""
    )


def test_at_1280_by_900_fifteen_cases_fit_with_clamped_text_and_thumbnails(
    browser, live_server, hanoi_cases
):
    verifier, cases = hanoi_cases
    context = browser.new_context(
        base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    sign_in(page, verifier.email)
    page.goto("/staff/?sort=age")
    save_screenshot(page, "staff-queue-30-cases")
    assert visible_rows(page) >= 15
    texts = page.locator("[data-testid=representative]")
    line_heights = texts.evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height"
        " / parseFloat(getComputedStyle(e).lineHeight))"
    )
    assert max(line_heights) <= 2.05  # long texts are clamped to two lines
    page.goto("/staff/?sort=recent")  # the newest case has a screenshot
    thumb = page.locator(f"[data-case-id='{cases[0].id}'] img.thumb")
    thumb.wait_for()
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 0")
    context.close()


def test_keyboard_shortcuts_and_select_all(browser, live_server, db, hanoi_cases):
    verifier, cases = hanoi_cases
    context = browser.new_context(
        base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    sign_in(page, verifier.email)
    page.goto("/staff/?sort=age")
    rows = page.get_by_test_id("queue-row")
    first, second = rows.nth(0), rows.nth(1)
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert "is-current" in second.get_attribute("class")
    page.keyboard.press("k")
    assert "is-current" in first.get_attribute("class")
    assert "is-current" not in (second.get_attribute("class") or "")
    assert page.evaluate("document.activeElement.dataset.testid") == "case-link"
    page.keyboard.press("x")
    assert first.get_by_test_id("select-case").is_checked()
    assert page.locator("[data-ticked-count]").inner_text() == "(1)"

    select_all = page.get_by_test_id("select-all")
    select_all.check()
    assert page.locator("[name=case_ids]:checked").count() == 25
    select_all.uncheck()
    assert page.locator("[name=case_ids]:checked").count() == 0

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("j")  # typing in the search box is not a shortcut
    assert page.get_by_test_id("queue-search").input_value() == "j"

    oldest = cases[-1]
    page.get_by_test_id("case-link").first.focus()
    page.keyboard.press("a")  # assign the current case to me
    page.wait_for_selector(".flash-success")
    assert "Đã phân công 1 vụ việc cho Kiểm chứng viên." in page.locator(".flash").inner_text()
    db.session.expire_all()
    assert oldest.assignee == verifier
    assert page.get_by_test_id("queue-row").first.get_by_test_id("assignee").inner_text() == (
        "Kiểm chứng viên"
    )
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url(f"**/staff/cases/{oldest.id}")
    context.close()
