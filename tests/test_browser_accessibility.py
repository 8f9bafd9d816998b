"""WCAG 2.2 AA in a real browser: axe-core finds no serious or critical violation on the public,
citizen and staff pages, at phone and desktop widths; after a failed submission focus is on the
error summary. Each page is also saved as a screenshot (test-results/screenshots/)."""

from __future__ import annotations

import pytest

from tests.browser_support import (
    VIEWPORTS,
    axe_violations,
    describe_violations,
    horizontal_overflow,
    save_screenshot,
    sign_in,
)
from tingia.publishing import service as publishing
from tingia.triage import service as triage

pytestmark = pytest.mark.browser

VERDICT = {
    "rating": "fake",
    "subject_area": "health",
    "title": "Uống nước chanh muối không diệt được virus cúm A",
    "claim": "Uống nước chanh ấm pha muối mỗi sáng diệt virus cúm A trong cổ họng.",
    "summary": "Không có bằng chứng nào cho thấy nước chanh muối diệt được virus cúm.",
    "explanation": "Virus cúm xâm nhập tế bào đường hô hấp; đồ uống không tiêu diệt được.",
    "sources": ["Bộ Y tế | https://moh.gov.vn/tin-tuc/cum-a", "https://www.who.int/news-room"],
}
WARNING = {
    "subject_area": "phishing_links",
    "title": "Cảnh báo tin nhắn giả mạo ngân hàng yêu cầu cập nhật sinh trắc học",
    "summary": "Ngân hàng không bao giờ gửi đường dẫn yêu cầu cập nhật thông tin.",
    "explanation": "Kẻ gian gửi tin nhắn kèm đường dẫn tới trang web giả mạo ngân hàng.",
    "advice": "Không bấm vào đường dẫn lạ; gọi tổng đài chính thức của ngân hàng.",
    "sources": [],
}


@pytest.fixture
def site(db, make):
    """A published verdict and warning, an open case with a report, staff of Hà Nội."""
    verifier = make.user("verifier", "01", email="kcv@hanoi.test", name="Kiểm chứng viên")
    lead = make.user("lead", "01", email="lead@hanoi.test", name="Trưởng nhóm")
    verdict_case = make.case(
        make.report(
            "Bộ Y tế khuyến cáo uống nước chanh ấm pha muối mỗi sáng để diệt virus cúm A",
            url="https://www.facebook.com/groups/1/posts/2",
            contact_email="nguoibao@example.vn",
            contact_consent=True,
        )
    )
    triage.triage(verdict_case, "verifiable", verifier)
    publishing.save_publication(verdict_case, VERDICT, verifier)
    verdict = publishing.publish(verdict_case, lead)
    warning_case = make.case(
        make.report("Tin nhắn: tài khoản của quý khách bị khoá", platform="sms")
    )
    triage.triage(warning_case, "fraud", verifier)
    publishing.save_publication(warning_case, WARNING, verifier)
    warning = publishing.publish(warning_case, lead)
    open_case = make.case(
        make.report(
            "Chia sẻ: từ tháng sau mỗi người dân phải nộp phí 500.000 đồng để giữ số điện thoại",
            url="https://www.tiktok.com/@tin.nong/video/7312345678901234567?is_from_webapp=1",
        )
    )
    triage.triage(open_case, "verifiable", verifier)
    report = make.report("Tin đồn mới chưa xử lý về giá xăng tăng gấp đôi từ ngày mai")
    db.session.commit()
    return {
        "verdict": verdict,
        "warning": warning,
        "open_case": open_case,
        "report": report,
        "verifier": verifier,
    }


def check_pages(
    page, pages: list[tuple[str, str]], prefix: str, overflow: bool = True
) -> list[str]:
    """Visit each (name, path) at 360 and 1280 px: axe, sideways scrolling (unless `overflow`
    is False), a screenshot. Returns the problems found (empty when all is well)."""
    problems = []
    for width, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        for name, path in pages:
            response = page.goto(path)
            assert response is not None and response.ok, f"{path}: {response and response.status}"
            save_screenshot(page, f"{prefix}{name}")
            violations = axe_violations(page)
            if violations:
                problems.append(f"{path} at {width}px:\n{describe_violations(violations)}")
            if overflow and width == "360":
                wide = horizontal_overflow(page)
                if wide:
                    problems.append(f"{path} at 360px scrolls sideways: {wide}")
    return problems


def test_public_and_citizen_pages_pass_axe(page, site, app):
    verdict, warning, report = site["verdict"], site["warning"], site["report"]
    pages = [
        ("home", "/"),
        ("report", "/report"),
        ("track-lookup", "/track"),
        ("track", f"/track/{report.tracking_code}"),
        ("confirmation", f"/track/{report.tracking_code}?new=1"),
        ("verdicts", "/verdicts"),
        ("verdict", f"/verdicts/{verdict.slug}"),
        ("warnings", "/warnings"),
        ("warning", f"/warnings/{warning.slug}"),
        ("login", "/login"),
    ]
    for optional in ("about", "privacy", "statistics"):
        if f"/{optional}" in {rule.rule for rule in app.url_map.iter_rules()}:
            pages.append((optional, f"/{optional}"))
    problems = check_pages(page, pages, "")
    page.goto("/?lang=en")
    problems += check_pages(page, [("verdict-en", f"/verdicts/{verdict.slug}")], "")
    assert not problems, "\n".join(problems)


def test_statistics_page_passes_axe(page, site, app):
    if "/statistics" not in {rule.rule for rule in app.url_map.iter_rules()}:
        pytest.skip(
            "/statistics is not on this branch yet (issue 9 item 6, tingia/statistics/): "
            "remove this skip when it is merged"
        )
    assert not check_pages(page, [("statistics", "/statistics")], "")


def test_report_form_with_errors_passes_axe_and_focuses_the_summary(page, site):
    problems = []
    for width, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        page.goto("/report")
        page.fill("#contact_email", "lan@")
        page.click("button[type=submit]")
        page.wait_for_selector("[data-error-summary]")
        focused = page.evaluate("() => document.activeElement.dataset.testid || ''")
        assert focused == "form-errors", f"focus is on {focused!r} at {width}px"
        save_screenshot(page, "report-errors")
        violations = axe_violations(page)
        if violations:
            problems.append(f"/report with errors at {width}px:\n{describe_violations(violations)}")
        assert page.locator("[aria-invalid=None], [aria-describedby=None]").count() == 0
    assert not problems, "\n".join(problems)


def test_staff_pages_pass_axe(page, site):
    case = site["open_case"]
    sign_in(page, site["verifier"].email)
    pages = [
        ("staff-queue", "/staff/"),
        ("staff-case", f"/staff/cases/{case.id}"),
        ("staff-verdict-form", f"/staff/cases/{case.id}/verdict"),
    ]
    # Staff pages still scroll sideways at 360 px: issue 9 item 10, fixed with the staff pages.
    problems = check_pages(page, pages, "", overflow=False)
    assert not problems, "\n".join(problems)
