"""After triage, end to end: a verifier triages a case from a page's post as harmful and records
a removal request in a real browser; the lead marks it removed; the dashboard, the quarterly
page, the XLSX and the API agree with the database; five harmful cases of the page flag it;
another province sees none of it."""

import io

import pytest
from openpyxl import load_workbook

from tests.browser_support import sign_in
from tingia.database import utcnow
from tingia.models import Case, Source, TakedownRequest, TakedownStatus
from tingia.statistics.periods import quarter_of

pytestmark = pytest.mark.browser

POST = "https://www.facebook.com/trangkichdong/posts/7001?fbclid=IwAR0xyz"
CANONICAL = "https://facebook.com/trangkichdong/posts/7001"
CONTENT = (
    "Kêu gọi mọi người tụ tập trước trụ sở UBND thành phố sáng Chủ nhật, mang theo gậy gộc, "
    "kèm lời lẽ xúc phạm lực lượng chức năng"
)


def sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login**")


def test_takedown_from_triage_to_the_quarterly_report(page, client, db, make, run_worker):
    created = client.post(
        "/api/v1/reports",
        json={"content": CONTENT, "url": POST, "platform": "facebook", "province": "01"},
    )
    assert created.status_code == 201
    run_worker()
    make.user("verifier", "01", email="kcv@hanoi.test", name="Kiểm chứng viên")
    lead = make.user("lead", "01", email="truongnhom@hanoi.test", name="Trưởng nhóm")
    outsider = make.user("lead", "79", email="truongnhom@hcm.test")
    db.session.commit()

    # The verifier triages the case as harmful and records a removal request by email.
    sign_in(page, "kcv@hanoi.test")
    page.get_by_test_id("queue-row").first.get_by_test_id("case-link").click()
    page.get_by_test_id("triage-harmful").click()
    assert page.get_by_test_id("case-category").inner_text().strip() == "Tin xấu độc"
    panel = page.get_by_test_id("takedowns-panel")
    assert "trangkichdong" in panel.get_by_test_id("case-sources").inner_text()
    page.get_by_test_id("takedown-url").fill(POST)
    page.get_by_test_id("takedown-channel").select_option("email")
    page.get_by_test_id("takedown-submit").click()
    page.wait_for_url("**/staff/takedowns/*")
    assert page.get_by_test_id("takedown-status").get_attribute("data-status") == "requested"
    assert page.get_by_test_id("takedown-link").inner_text() == CANONICAL
    letter = page.get_by_test_id("letter-body").inner_text()
    assert CANONICAL in letter and "Nghị định số 147/2024/NĐ-CP" in letter and "24 giờ" in letter
    sign_out(page)

    # The lead finds it among the centre's requests and marks it removed.
    sign_in(page, "truongnhom@hanoi.test")
    page.get_by_test_id("nav-takedowns").click()
    row = page.get_by_test_id("takedown-row").first
    assert row.get_attribute("data-overdue") == "false"
    row.get_by_role("link").first.click()
    page.get_by_test_id("outcome-status").select_option("removed")
    page.get_by_test_id("outcome-submit").click()
    assert page.get_by_test_id("takedown-status").get_attribute("data-status") == "removed"
    assert page.get_by_test_id("takedown-on-time").get_attribute("data-on-time") == "true"

    # What the database holds...
    takedown = db.session.query(TakedownRequest).one()
    case = db.session.get(Case, takedown.case_id)
    assert (takedown.status, takedown.on_time, case.category) == (
        TakedownStatus.REMOVED,
        True,
        "harmful",
    )
    open_cases = db.session.query(Case).filter(Case.status.in_(("open", "triaged"))).count()

    # ... is what the dashboard shows,
    page.get_by_test_id("nav-dashboard").click()
    assert page.get_by_test_id("open-cases").inner_text() == str(open_cases)
    assert page.get_by_test_id("takedowns-open").inner_text() == "0"
    assert page.get_by_test_id("takedowns-overdue").inner_text() == "0"
    # the quarterly page,
    quarter = quarter_of(utcnow(), "Asia/Ho_Chi_Minh")
    page.goto(f"/staff/reports/quarterly?quarter={quarter}")
    figures = dict(
        zip(
            page.locator("[data-testid=report-figures] th").all_inner_texts(),
            page.get_by_test_id("figure").all_inner_texts(),
            strict=True,
        )
    )
    assert figures["Phản ánh đã tiếp nhận"] == "1"
    assert figures["Vụ việc: Tin xấu độc"] == "1"
    assert figures["Yêu cầu gỡ bỏ"] == "1" and figures["Nội dung đã được gỡ bỏ"] == "1"
    assert figures["Tỷ lệ gỡ bỏ"] == "100.0%" and figures["Gỡ bỏ trong 24 giờ"] == "100.0%"
    # the XLSX and the API.
    headers = make.auth_headers(lead)
    api = client.get(f"/api/v1/statistics/quarterly?quarter={quarter}", headers=headers).get_json()
    assert api["reports_received"] == 1 and api["by_category"]["harmful"] == 1
    assert api["takedowns"] == {
        "requested": 1,
        "removed": 1,
        "removal_rate": 1.0,
        "on_time_rate": 1.0,
    }
    xlsx = client.get(
        f"/api/v1/statistics/quarterly?quarter={quarter}&format=xlsx",
        headers={**headers, "Accept-Language": "vi"},
    )
    cells = {
        label: value
        for label, value in load_workbook(io.BytesIO(xlsx.data))
        .worksheets[0]
        .iter_rows(min_row=2, values_only=True)
    }
    assert {label: str(value) for label, value in cells.items()} == figures

    # Four more harmful cases from posts of the same page: five in 30 days flag it.
    verifier = db.session.query(type(lead)).filter_by(email="kcv@hanoi.test").one()
    for number in range(4):
        make.harmful_case(verifier, f"https://m.facebook.com/trangkichdong/posts/{7100 + number}")
    db.session.commit()
    source = db.session.query(Source).filter_by(handle="trangkichdong").one()
    flagged = client.get("/api/v1/sources?flagged=true", headers=headers).get_json()["items"]
    assert [(item["id"], item["violations_30d"], item["flagged"]) for item in flagged] == [
        (source.id, 5, True)
    ]
    page.goto("/staff/sources?flagged=y")
    assert page.get_by_test_id("source-row").first.get_attribute("data-flagged") == "true"
    page.get_by_test_id("source-row").first.get_by_role("link").first.click()
    assert page.get_by_test_id("source-flagged").is_visible()
    assert page.get_by_test_id("violations-30d").inner_text() == "5"

    # Another province sees none of it.
    other = make.auth_headers(outsider)
    make.login(client, outsider)
    for url in (
        f"/staff/cases/{case.id}",
        f"/staff/takedowns/{takedown.id}",
        f"/staff/sources/{source.id}",
        f"/staff/reports/quarterly?quarter={quarter}&centre=01",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/api/v1/takedowns/{takedown.id}",
        f"/api/v1/sources/{source.id}",
        f"/api/v1/statistics/quarterly?quarter={quarter}&centre=01",
    ):
        assert client.get(url, headers=other).status_code == 404, url
    assert client.get("/api/v1/takedowns", headers=other).get_json()["items"] == []
    assert client.get("/api/v1/sources", headers=other).get_json()["items"] == []
    theirs = client.get(f"/api/v1/statistics/quarterly?quarter={quarter}", headers=other).get_json()
    assert theirs["reports_received"] == 0 and theirs["takedowns"]["requested"] == 0
    assert 'data-testid="takedowns-open">0<' in client.get("/staff/dashboard").text
