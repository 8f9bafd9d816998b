"""The instant answer: a report matching a published verdict or warning, of any centre, is told
"this has already been checked" on the confirmation page and in the API's 201, before the worker
has run; nothing else is matched (drafts, other stories)."""

import io
import re

import pytest
from sqlalchemy import select

from tingia.models import Report
from tingia.publishing import service as publishing
from tingia.triage import service as triage

STORY = (
    "Khẩn cấp: Bộ Y tế khuyến cáo người dân uống nước chanh ấm pha muối mỗi sáng để diệt virus "
    "cúm A đang bám trong cổ họng trước khi nó xuống phổi, bác sĩ Bạch Mai xác nhận hiệu quả 100%"
)
VERDICT = {
    "rating": "fake",
    "title": "Nước chanh muối không diệt được virus cúm A",
    "claim": "Uống nước chanh ấm pha muối mỗi sáng diệt virus cúm A trong cổ họng.",
    "summary": "Bộ Y tế không khuyến cáo như vậy.",
    "explanation": "Virus cúm không bị nước chanh tiêu diệt.",
    "sources": ["https://moh.gov.vn/"],
}
WARNING = {
    "title": "Cảnh báo tin nhắn giả mạo Ngân hàng Nhà nước",
    "summary": "Ngân hàng không gửi đường dẫn.",
    "explanation": "Kẻ gian gửi đường dẫn tới trang giả.",
    "advice": "Không bấm vào đường dẫn lạ.",
}
SCAM = (
    "Ngân hàng Nhà nước thông báo: tài khoản của quý khách sẽ bị khoá trong 24 giờ nếu không cập "
    "nhật sinh trắc học tại đường dẫn sbv-xacthuc.top, vui lòng thực hiện ngay để tránh gián đoạn"
)


@pytest.fixture
def answered(db, make, run_worker):
    """A verdict published by Hồ Chí Minh City's centre and a warning by Hà Nội's, their
    reports grouped by the worker (so in the shared index)."""
    verifier_hcm, lead_hcm = make.user("verifier", "79"), make.user("lead", "79")
    verifier_hn, lead_hn = make.user("verifier", "01"), make.user("lead", "01")
    story = make.report(STORY, province="79", url="https://www.facebook.com/groups/9/posts/77")
    scam = make.report(SCAM, province="01", platform="sms", images=[make.png_bytes(400, 300)])
    draft = make.report("Tin đồn về giá vàng: từ tuần sau mỗi người chỉ được mua một chỉ vàng " * 3)
    db.session.commit()
    run_worker()
    triage.triage(story.case, "verifiable", verifier_hcm)
    publishing.save_publication(story.case, VERDICT, verifier_hcm)
    verdict = publishing.publish(story.case, lead_hcm)
    triage.triage(scam.case, "fraud", verifier_hn)
    publishing.save_publication(scam.case, WARNING, verifier_hn)
    warning = publishing.publish(scam.case, lead_hn)
    triage.triage(draft.case, "verifiable", verifier_hn)
    publishing.save_publication(draft.case, {**VERDICT, "title": "Bản nháp"}, verifier_hn)
    db.session.commit()
    return {"verdict": verdict, "warning": warning, "draft": draft}


def post(client, **fields):
    body = {"platform": "facebook", "province": "01", **fields}
    return client.post("/api/v1/reports", json=body)


def test_api_says_a_story_of_another_centre_was_already_checked(client, db, answered):
    # Typed without diacritics, in another province than the centre that answered it.
    from tingia.text import fold_diacritics

    response = post(client, content="Moi nguoi oi: " + fold_diacritics(STORY))
    assert response.status_code == 201
    body = response.get_json()
    verdict = answered["verdict"]
    assert body["matches"] == [
        {
            "kind": "verdict",
            "rating": "fake",
            "title": verdict.title,
            "url": f"http://tingia.test/verdicts/{verdict.slug}",
        }
    ]
    # Before the worker: the report is still waiting to be grouped.
    report = db.session.scalar(select(Report).where(Report.tracking_code == body["tracking_code"]))
    assert report.processed_at is None and report.case_id is None


def test_the_same_link_or_image_finds_the_answer(client, db, make, answered):
    by_link = post(client, url="https://m.facebook.com/groups/9/posts/77/?fbclid=xyz")
    assert [m["kind"] for m in by_link.get_json()["matches"]] == ["verdict"]
    image = make.png_bytes(400, 300)  # the very bytes of the warning's screenshot
    by_image = client.post(
        "/api/v1/reports",
        data={
            "platform": "zalo",
            "province": "48",
            "images": [(io.BytesIO(image), "a.png")],
        },
        content_type="multipart/form-data",
    )
    assert by_image.status_code == 201
    [match] = by_image.get_json()["matches"]
    assert match["kind"] == "warning" and match["rating"] is None
    assert match["url"].endswith(f"/warnings/{answered['warning'].slug}")


def test_drafts_and_other_stories_are_no_answer(client, db, answered):
    assert (
        post(
            client,
            content="Tin đồn về giá vàng: từ tuần sau mỗi người chỉ được mua một chỉ vàng " * 3,
        ).get_json()["matches"]
        == []
    )
    assert (
        post(
            client, content="Hôm nay trời mưa to ở Hà Nội, nhiều tuyến phố ngập nước sâu"
        ).get_json()["matches"]
        == []
    )


def test_the_confirmation_page_says_it_at_once(client, db, answered):
    response = client.post(
        "/report",
        data={
            "content": STORY,
            "platform": "facebook",
            "province": "01",
            "category_hint": "unsure",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert 'data-testid="instant-answer"' in page
    assert "Tin này đã được kiểm chứng" in page
    assert re.search(rf'href="http://tingia.test/verdicts/{answered["verdict"].slug}"', page)
