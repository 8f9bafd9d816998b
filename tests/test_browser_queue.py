"""The verifier's pages in a real browser: the queue at 1280×900 and 360 px, its keyboard
shortcuts and select-all, the case page and the verdict form on a phone."""

from datetime import timedelta

import pytest

from tests.staff_browser import overflow, sign_in
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
        measured = overflow(page)
        assert measured["scroll"] <= 360, (path, measured)
    context.close()
