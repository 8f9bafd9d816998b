"""The staff path in a real browser: a provincial verifier triages and drafts, the lead publishes,
the verdict appears on the public page and on the reporter's tracking page."""

import json

import pytest

from tests.browser_support import sign_in

pytestmark = pytest.mark.browser

CLAIM = (
    "Bộ Y tế khuyến cáo người dân uống nước chanh ấm pha muối mỗi sáng để diệt virus cúm A "
    "đang bám trong cổ họng trước khi nó xuống phổi, bác sĩ xác nhận hiệu quả 100%"
)


def sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login**")


def test_verifier_drafts_lead_publishes_reporter_sees_verdict(page, client, db, make, run_worker):
    response = client.post(
        "/api/v1/reports",
        json={
            "content": CLAIM,
            "platform": "facebook",
            "province": "01",
            "contact_email": "nguoibao@example.vn",
            "contact_consent": True,
        },
    )
    code = response.get_json()["tracking_code"]
    run_worker()
    make.user("verifier", "01", email="kcv@hanoi.test", name="Kiểm chứng viên")
    make.user("lead", "01", email="truongnhom@hanoi.test", name="Trưởng nhóm")
    db.session.commit()

    # The verifier finds the case in the queue, sees the reporter's contact, triages and drafts.
    sign_in(page, "kcv@hanoi.test")
    row = page.get_by_test_id("queue-row").first
    assert "nước chanh" in row.get_by_test_id("representative").inner_text()
    row.get_by_test_id("case-link").click()
    assert "nguoibao@example.vn" in page.get_by_test_id("reporter-contact").inner_text()
    page.get_by_test_id("triage-verifiable").click()
    page.get_by_test_id("draft-verdict").click()
    page.check("input[name=rating][value=fake]")
    page.fill("#title", "Uống nước chanh muối không diệt được virus cúm A")
    page.select_option("#subject_area", "health")
    page.fill("#claim", "Uống nước chanh ấm pha muối mỗi sáng diệt virus cúm A trong cổ họng.")
    page.fill("#summary", "Không có bằng chứng nào cho thấy nước chanh muối diệt được virus cúm.")
    page.fill(
        "#explanation", "Virus cúm xâm nhập tế bào đường hô hấp; đồ uống không tiêu diệt được."
    )
    page.fill("#sources", "https://moh.gov.vn/\nhttps://www.who.int/news-room/fact-sheets")
    page.get_by_test_id("save-verdict").click()
    assert page.get_by_test_id("verdict-status").get_attribute("data-status") == "draft"
    assert page.get_by_test_id("publish").count() == 0  # verifiers don't publish
    sign_out(page)

    # The lead reviews and publishes.
    sign_in(page, "truongnhom@hanoi.test")
    page.get_by_test_id("queue-row").first.get_by_test_id("case-link").click()
    page.get_by_test_id("publish").click()
    # The preview: the public page as it will be, and nothing published yet.
    preview = page.get_by_test_id("public-preview")
    assert "Uống nước chanh muối" in preview.get_by_test_id("verdict-title").inner_text()
    assert "/verdicts/uong-nuoc-chanh-muoi" in page.get_by_test_id("changes").inner_text()
    page.get_by_test_id("confirm-publish").click()
    assert page.get_by_test_id("verdict-status").get_attribute("data-status") == "published"
    history = page.get_by_test_id("history").inner_text()
    assert "Trưởng nhóm" in history

    # The public page carries the verdict and valid ClaimReview markup, and no personal data.
    page.get_by_test_id("public-link").click()
    assert "Uống nước chanh muối" in page.get_by_test_id("verdict-title").inner_text()
    markup = json.loads(page.locator("script[type='application/ld+json']").first.inner_text())
    assert markup["@type"] == "ClaimReview"
    assert markup["reviewRating"]["alternateName"] == "Tin giả"
    assert "nguoibao@example.vn" not in page.content()

    # The reporter's tracking page shows the outcome.
    sign_out(page)
    page.goto(f"/track/{code}")
    assert page.get_by_test_id("report-status").get_attribute("data-status") == "published"
    assert page.get_by_test_id("outcome-rating").get_attribute("data-rating") == "fake"
    page.get_by_test_id("outcome-link").click()
    assert "Uống nước chanh muối" in page.get_by_test_id("verdict-title").inner_text()
