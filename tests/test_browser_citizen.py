"""The citizen's whole path in Chromium, on a phone-sized screen: the report form with a
screenshot (previews, checks before sending, upload progress, one report per click), the
instant answer for a story already checked, the email when the verdict is out, the public page
and the tracking page; the same form without JavaScript; Vietnamese content marked as such on
English pages."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.browser_support import VIEWPORTS, save_screenshot
from tingia.models import Report
from tingia.publishing import service as publishing
from tingia.triage import service as triage

pytestmark = pytest.mark.browser

KNOWN_STORY = (
    "Khẩn: Ngân hàng Nhà nước thông báo từ ngày 15 mọi tài khoản chưa cập nhật sinh trắc học "
    "sẽ bị khoá vĩnh viễn và số dư bị chuyển vào kho bạc, bà con chia sẻ gấp cho người thân"
)
KNOWN_VERDICT = {
    "rating": "fake",
    "subject_area": "economy_finance",
    "title": "Ngân hàng Nhà nước không chuyển số dư tài khoản vào kho bạc",
    "claim": "Tài khoản chưa cập nhật sinh trắc học bị khoá và số dư bị chuyển vào kho bạc.",
    "summary": "Không có quy định nào như vậy; tài khoản chỉ bị hạn chế giao dịch trực tuyến.",
    "explanation": "Thông tư của Ngân hàng Nhà nước chỉ yêu cầu xác thực khi giao dịch.",
    "sources": ["Ngân hàng Nhà nước Việt Nam | https://www.sbv.gov.vn/"],
}
NEW_STORY = (
    "Chia sẻ trên nhóm Zalo: uống nước lá ổi đun sôi ba lần mỗi ngày chữa khỏi hoàn toàn "
    "bệnh tiểu đường sau hai tuần, không cần dùng thuốc của bác sĩ nữa"
)
NEW_VERDICT = {
    "rating": "fake",
    "subject_area": "health",
    "title": "Nước lá ổi không chữa khỏi bệnh tiểu đường",
    "claim": "Uống nước lá ổi đun sôi mỗi ngày chữa khỏi hoàn toàn bệnh tiểu đường sau hai tuần.",
    "summary": "Không có nghiên cứu nào cho thấy nước lá ổi chữa khỏi tiểu đường.",
    "explanation": "Người bệnh tiểu đường cần điều trị theo chỉ định của bác sĩ.",
    "sources": ["Bộ Y tế | https://moh.gov.vn/"],
}
VIETNAMESE_LETTERS = "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"


def noisy_png(width: int, height: int, seed: int) -> bytes:
    """A PNG that does not compress (so it takes a while to upload on a slow link)."""
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def staff(db, make):
    return {
        "hcm": (make.user("verifier", "79"), make.user("lead", "79")),
        "hue": (make.user("verifier", "46"), make.user("lead", "46")),
    }


@pytest.fixture
def known_story(db, make, staff, run_worker):
    """A story Hồ Chí Minh City's centre has already answered."""
    report = make.report(KNOWN_STORY, province="79", platform="zalo")
    db.session.commit()
    run_worker()
    verifier, lead = staff["hcm"]
    triage.triage(report.case, "verifiable", verifier)
    publishing.save_publication(report.case, KNOWN_VERDICT, verifier)
    verdict = publishing.publish(report.case, lead)
    db.session.commit()
    return verdict


def slow_upload(page, bytes_per_second: int) -> None:
    """Throttle the page's uploads (Chromium's network emulation), as on a weak 3G link."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 50,
            "downloadThroughput": -1,
            "uploadThroughput": bytes_per_second,
        },
    )


def fill_report(page, content: str, province: str = "46") -> None:
    page.fill("#content", content)
    page.select_option("#platform", "zalo")
    page.select_option("#province", province)


def test_citizen_reports_sees_progress_hears_back_and_reads_the_verdict(
    page, db, make, staff, known_story, run_worker, mailbox, tmp_path
):
    page.set_viewport_size(VIEWPORTS["360"])
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    screenshot = tmp_path / "nhom-zalo.png"
    screenshot.write_bytes(noisy_png(320, 320, seed=1))  # ~300 KB
    not_an_image = tmp_path / "ghi-chu.txt"
    not_an_image.write_text("không phải ảnh")

    page.goto("/report")
    fill_report(page, NEW_STORY)
    page.fill("#contact_name", "Lê Văn Huế")
    page.fill("#contact_email", "le.hue@example.vn")
    page.check("#contact_consent")
    # Checked before sending: the text file is left out with a message, the image previewed.
    page.set_input_files("#images", [str(not_an_image), str(screenshot)])
    message = page.locator("[data-upload-message]").inner_text()
    assert message == "ghi-chu.txt không phải là ảnh JPEG, PNG hoặc WebP."
    assert page.get_by_test_id("upload-preview").count() == 1
    assert "nhom-zalo.png" in page.get_by_test_id("upload-preview").inner_text()
    assert page.evaluate("() => document.querySelector('#images').files.length") == 1
    save_screenshot(page, "report-previews")

    # A slow link: the progress bar moves while the report uploads; a second press sends nothing.
    slow_upload(page, 60_000)
    page.get_by_test_id("send-report").click()
    progress = page.get_by_test_id("upload-progress")
    progress.wait_for(state="visible")
    page.wait_for_function(
        "() => { const v = document.querySelector('#upload-progress-bar').value;"
        " return v > 0 && v < 100; }"
    )
    save_screenshot(page, "report-uploading")
    page.get_by_test_id("send-report").click(force=True)  # impatient second press
    page.wait_for_url("**/track/**", timeout=30_000)
    assert db.session.scalar(select(func.count(Report.id))) == 2  # the known story's and this

    # The confirmation: the code, copied with one press.
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    page.get_by_test_id("copy-code").click()
    assert page.evaluate("() => navigator.clipboard.readText()") == code
    assert page.locator("#code-copied").inner_text() == "Đã sao chép mã."
    assert page.get_by_test_id("instant-answer").count() == 0  # a new story: nothing known yet
    steps = page.get_by_test_id("report-status")
    assert steps.get_attribute("data-status") == "received"
    assert "gửi thư điện tử cho bạn" in steps.inner_text()
    save_screenshot(page, "confirmation-new-story")
    report = db.session.scalar(select(Report).where(Report.tracking_code == code))
    assert len(report.attachments) == 1 and report.contact_email == "le.hue@example.vn"

    # The worker groups it; Huế's centre checks and publishes; the worker sends the email.
    run_worker()
    verifier, lead = staff["hue"]
    db.session.refresh(report)
    triage.triage(report.case, "verifiable", verifier)
    db.session.commit()
    page.reload()
    assert page.get_by_test_id("report-status").get_attribute("data-status") == "triaged"
    publishing.save_publication(report.case, NEW_VERDICT, verifier)
    verdict = publishing.publish(report.case, lead)
    db.session.commit()
    assert mailbox.messages == []  # sent by the worker, not by publishing
    run_worker()
    [message] = mailbox.messages
    assert str(message["To"]) == "le.hue@example.vn"
    assert message["Subject"] == f"Phản ánh {code}: trung tâm đã công bố kết quả xác minh"
    body = message.get_content()
    assert "Xin chào Lê Văn Huế," in body and f"Mã tra cứu của phản ánh là {code}." in body
    [link] = re.findall(r"http://\S+/verdicts/\S+", body)
    assert link.endswith(f"/verdicts/{verdict.slug}")
    assert known_story.title not in body  # nothing of anyone else's report

    # The public page (the email's link, on this server) and the tracking page show the verdict.
    page.goto(re.sub(r"^http://[^/]+", "", link))
    assert page.get_by_test_id("verdict-title").inner_text() == NEW_VERDICT["title"]
    assert "le.hue@example.vn" not in page.content() and "Lê Văn Huế" not in page.content()
    save_screenshot(page, "verdict-from-email")
    page.goto(f"/track/{code}")
    assert page.get_by_test_id("report-status").get_attribute("data-status") == "published"
    assert page.get_by_test_id("outcome-rating").get_attribute("data-rating") == "fake"
    save_screenshot(page, "track-published")

    # Another citizen reports the story Hồ Chí Minh City already answered: told at once.
    page.goto("/report")
    fill_report(page, "Mọi người ơi có đúng không: " + KNOWN_STORY, province="01")
    page.get_by_test_id("send-report").click()
    page.wait_for_url("**/track/**")
    answer = page.get_by_test_id("instant-answer")
    assert "Tin này đã được kiểm chứng" in answer.inner_text()
    assert answer.get_by_test_id("instant-answer-link").inner_text() == KNOWN_VERDICT["title"]
    newest = db.session.scalar(select(Report).order_by(Report.id.desc()))
    assert newest.processed_at is None  # before the worker ran
    save_screenshot(page, "confirmation-instant-answer")
    answer.get_by_test_id("instant-answer-link").click()
    assert page.get_by_test_id("verdict-title").inner_text() == KNOWN_VERDICT["title"]


def test_without_javascript_chosen_images_survive_an_error(browser, live_server, db, tmp_path):
    context = browser.new_context(base_url=live_server, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    try:
        screenshot = tmp_path / "tin-nhan.png"
        screenshot.write_bytes(noisy_png(120, 200, seed=2))
        page.goto("/report")
        page.fill("#content", NEW_STORY)
        page.set_input_files("#images", str(screenshot))
        page.click("button[type=submit]")  # no platform, no province: sent back with errors
        assert page.locator(".error-summary").is_visible()
        kept = page.get_by_test_id("kept-image")
        assert kept.count() == 1 and "tin-nhan.png" in kept.inner_text()
        assert kept.locator("img").evaluate("img => img.naturalWidth") == 120  # its thumbnail
        save_screenshot(page, "report-errors-kept-image-nojs")
        page.select_option("#platform", "zalo")
        page.select_option("#province", "46")
        page.click("button[type=submit]")
        page.wait_for_url("**/track/**")
        code = page.get_by_test_id("tracking-code").inner_text().strip()
        report = db.session.scalar(select(Report).where(Report.tracking_code == code))
        assert [a.original_name for a in report.attachments] == ["tin-nhan.png"]
        # The browser's back-and-resend makes no second report.
        page.go_back()
        page.click("button[type=submit]")
        page.wait_for_url("**/track/**")
        assert page.get_by_test_id("tracking-code").inner_text().strip() == code
        assert db.session.scalar(select(func.count(Report.id))) == 1
    finally:
        context.close()


def test_vietnamese_content_on_english_pages_is_marked_lang_vi(page, db, make, known_story):
    report = make.report(KNOWN_STORY, province="01")
    db.session.commit()
    page.goto("/?lang=en")
    paths = [
        "/",
        "/report",
        "/verdicts",
        f"/verdicts/{known_story.slug}",
        "/warnings",
        f"/track/{report.tracking_code}?new=1",
        "/about",
        "/privacy",
    ]
    unmarked = {}
    for path in paths:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "en"
        found = page.evaluate(
            """(letters) => {
              const vietnamese = new RegExp('[' + letters + ']', 'i');
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              const bad = [];
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const text = node.textContent.trim();
                if (!text || !vietnamese.test(text)) continue;
                const marked = node.parentElement.closest('[lang]');
                if (!marked || !marked.lang.startsWith('vi')) bad.push(text.slice(0, 60));
              }
              return bad;
            }""",
            VIETNAMESE_LETTERS,
        )
        if found:
            unmarked[path] = found
    assert unmarked == {}
    # And dates in the English format, not CLDR's short one.
    page.goto(f"/verdicts/{known_story.slug}")
    assert re.search(r"Published \d{1,2} [A-Z][a-z]+ \d{4} by", page.inner_text("main"))
