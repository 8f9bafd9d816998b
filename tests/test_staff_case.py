"""The case page /staff/cases/<id>: what it shows and its actions, each recorded in the history."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from tingia.centres.scoping import national_centre
from tingia.database import utcnow
from tingia.models import Case, CaseEvent


def history(html: str) -> list[str]:
    return re.findall(r'data-testid="history-event" data-action="(\w+)"', html)


@pytest.fixture
def verifier(db, make, client):
    user = make.user("verifier", "01", name="Chị Hoa")
    make.login(client, user)
    client.get("/?lang=en")
    return user


@pytest.fixture
def case(db, make):
    first = make.report(
        "Bộ Y tế khuyến cáo uống nước chanh ấm",
        url="https://www.facebook.com/groups/1/posts/2",
        images=[make.png_bytes()],
        contact_name="Trần Thị Báo",
        contact_email="bao@example.vn",
        contact_phone="0912345678",
        contact_consent=True,
        created_at=utcnow() - timedelta(hours=2),
    )
    second = make.report("Bo Y te khuyen cao uong nuoc chanh am", "79", platform="zalo")
    found = make.case(first, second)
    db.session.commit()
    return found


def test_the_page_shows_every_report_in_full(client, db, verifier, case):
    first, second = case.reports
    html = client.get(f"/staff/cases/{case.id}").text
    assert len(re.findall(r'data-testid="case-report"', html)) == 2
    assert "Bộ Y tế khuyến cáo uống nước chanh ấm" in html
    assert "Bo Y te khuyen cao uong nuoc chanh am" in html
    assert 'href="https://www.facebook.com/groups/1/posts/2"' in html
    assert f"/staff/attachments/{first.attachments[0].id}" in html
    assert "Facebook" in html and "Zalo" in html
    assert "Thành phố Hà Nội" in html and "Thành phố Hồ Chí Minh" in html
    assert first.tracking_code in html and second.tracking_code in html
    # Staff of the case's centre see the reporter's contact details.
    assert "bao@example.vn" in html and "0912345678" in html and "Trần Thị Báo" in html
    assert 'data-testid="case-status" data-status="open"' in html
    assert history(html) == ["case_opened"]


def test_staff_image_route_serves_the_stored_image(client, db, make, verifier, case):
    attachment = case.reports[0].attachments[0]
    response = client.get(f"/staff/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == make.png_bytes()
    assert response.headers["Cache-Control"] == "private, no-store"


def test_assign_to_me_and_to_a_colleague(client, db, make, verifier, case):
    colleague = make.user("verifier", "01", name="Anh Nam")
    db.session.commit()
    response = client.post(f"/staff/cases/{case.id}/assign", data={"assignee": "me"})
    assert response.status_code == 302 and case.assignee == verifier
    client.post(f"/staff/cases/{case.id}/assign", data={"assignee": str(colleague.id)})
    assert case.assignee == colleague
    html = client.get(f"/staff/cases/{case.id}").text
    assert history(html)[:2] == ["assigned", "assigned"]
    assert "Anh Nam" in html and "Chị Hoa" in html  # who assigned whom
    client.post(f"/staff/cases/{case.id}/assign", data={"assignee": ""})
    assert case.assignee is None


def test_triage_buttons_and_the_out_of_scope_reason(client, db, verifier, case):
    refused = client.post(
        f"/staff/cases/{case.id}/triage",
        data={"category": "out_of_scope"},
        follow_redirects=True,
    )
    assert "Say why the report is out of scope".lower() in refused.text.lower()
    assert case.status == "open"
    client.post(f"/staff/cases/{case.id}/triage", data={"category": "verifiable"})
    assert (case.status, case.category) == ("triaged", "verifiable")
    html = client.get(f"/staff/cases/{case.id}").text
    for code in ("verifiable", "harmful", "out_of_scope", "fraud"):
        assert f'data-testid="triage-{code}"' in html
    assert 'data-testid="draft-verdict"' in html
    client.post(
        f"/staff/cases/{case.id}/triage",
        data={"category": "out_of_scope", "reason": "Không thuộc thẩm quyền"},
    )
    assert case.status == "closed" and case.category_reason == "Không thuộc thẩm quyền"
    assert history(client.get(f"/staff/cases/{case.id}").text)[:2] == ["closed", "triaged"]


def test_harmful_cases_close_with_an_action_and_reopen(client, db, verifier, case):
    client.post(f"/staff/cases/{case.id}/triage", data={"category": "harmful"})
    client.post(f"/staff/cases/{case.id}/close", data={"action_taken": ""})
    assert case.status == "triaged"
    client.post(f"/staff/cases/{case.id}/close", data={"action_taken": "Yêu cầu TikTok gỡ video"})
    assert case.status == "closed" and case.action_taken == "Yêu cầu TikTok gỡ video"
    html = client.get(f"/staff/cases/{case.id}").text
    assert "Yêu cầu TikTok gỡ video" in html and 'data-testid="reopen"' in html
    client.post(f"/staff/cases/{case.id}/reopen")
    assert case.status == "triaged"


def test_escalation_sends_the_case_to_the_national_centre(client, db, verifier, case):
    response = client.post(
        f"/staff/cases/{case.id}/escalate", data={"reason": "Tin lan ra nhiều tỉnh"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")
    assert case.centre == national_centre() and case.escalated_at is not None
    assert client.get(f"/staff/cases/{case.id}").status_code == 404  # no longer this centre's


def test_national_staff_move_a_case_back_to_a_province(client, db, make, case):
    national = make.user("lead", None)
    case.centre = national_centre()
    make.login(client, national)
    html = client.get(f"/staff/cases/{case.id}").text
    assert 'data-testid="centre-form"' in html
    hanoi = case.reports[0].province.centre
    client.post(f"/staff/cases/{case.id}/centre", data={"centre_id": hanoi.id})
    assert case.centre == hanoi


def test_notes_appear_in_the_history(client, db, verifier, case):
    client.post(f"/staff/cases/{case.id}/notes", data={"text": "Đã liên hệ Bộ Y tế"})
    html = client.get(f"/staff/cases/{case.id}").text
    assert history(html)[0] == "note" and "Đã liên hệ Bộ Y tế" in html
    client.post(f"/staff/cases/{case.id}/notes", data={"text": ""})
    assert len(history(client.get(f"/staff/cases/{case.id}").text)) == 2


def test_split_a_report_into_a_new_case(client, db, verifier, case):
    first, second = case.reports
    response = client.post(
        f"/staff/cases/{case.id}/reports/{second.id}/split", follow_redirects=True
    )
    assert "moved to a new case" in response.text
    db.session.refresh(case)
    assert case.report_count == 1 and second.case_id != case.id
    assert second.case.report_count == 1 and second.case.centre.province_code == "79"
    assert "report_moved_out" in history(response.text)
    # The last report cannot be split off.
    client.post(f"/staff/cases/{case.id}/reports/{first.id}/split")
    assert first.case_id == case.id


def test_merge_another_case_into_this_one(client, db, make, verifier, case):
    old = make.report("Nước chanh diệt cúm", created_at=utcnow() - timedelta(hours=20))
    other = make.case(old)
    last_seen = case.last_seen
    db.session.commit()
    response = client.post(f"/staff/cases/{case.id}/merge", data={"case_id": other.id})
    assert response.status_code == 302
    assert case.report_count == 3 and other.report_count == 0
    assert case.first_seen == old.created_at and case.last_seen == last_seen
    assert other.status == "closed" and other.merged_into_id == case.id
    merged_page = client.get(f"/staff/cases/{other.id}").text
    assert 'data-testid="merged-into"' in merged_page
    assert "case_merged_in" in history(client.get(f"/staff/cases/{case.id}").text)


def test_suggestions_are_shown_and_decided(client, db, make, verifier, case):
    suggested = make.report(
        "Chanh ấm pha muối diệt virus cúm", images=[make.png_bytes(color="red")]
    )
    its_case = make.case(suggested)
    suggestion = make.suggestion(case, suggested, score=71.4)
    rejected = make.report("Chuyện khác")
    make.case(rejected)
    other = make.suggestion(case, rejected, score=60.0)
    db.session.commit()
    html = client.get(f"/staff/cases/{case.id}").text
    assert html.count('data-testid="suggestion"') == 2
    assert "Chanh ấm pha muối diệt virus cúm" in html and "(71% in common)" in html
    assert f"/staff/attachments/{suggested.attachments[0].id}" in html
    client.post(f"/staff/cases/{case.id}/suggestions/{suggestion.id}", data={"decision": "confirm"})
    assert suggested.case == case and case.report_count == 3 and its_case.report_count == 0
    client.post(f"/staff/cases/{case.id}/suggestions/{other.id}", data={"decision": "reject"})
    assert other.status == "rejected" and rejected.case_id != case.id
    html = client.get(f"/staff/cases/{case.id}").text
    assert 'data-testid="suggestion"' not in html
    assert {"suggestion_confirmed", "suggestion_rejected"} <= set(history(html))
    # A suggestion of another case is not reachable through this case.
    third = make.case()
    db.session.commit()
    assert client.post(f"/staff/cases/{third.id}/suggestions/{other.id}").status_code == 404


def test_images_can_be_made_publishable(client, db, verifier, case):
    attachment = case.reports[0].attachments[0]
    client.post(f"/staff/attachments/{attachment.id}/publishable", data={"publishable": "1"})
    assert attachment.publishable is True
    client.post(f"/staff/attachments/{attachment.id}/publishable", data={"publishable": "0"})
    assert attachment.publishable is False
    actions = db.session.scalars(
        select(CaseEvent.action).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ).all()
    assert actions[-2:] == ["image_made_public", "image_made_private"]


def test_missing_case_is_404(client, db, verifier):
    assert client.get("/staff/cases/999999").status_code == 404
    assert db.session.get(Case, 999999) is None


def test_a_story_reported_many_times_is_shown_a_page_of_reports_at_a_time(
    client, db, make, verifier
):
    reports = [
        make.report(
            f"Tin đồn lan truyền, lần thứ {i}", created_at=utcnow() - timedelta(hours=80 - i)
        )
        for i in range(60)
    ]
    big = make.case(*reports)
    db.session.commit()
    first = client.get(f"/staff/cases/{big.id}").text
    shown = re.findall(r'data-testid="case-report" data-report-id="(\d+)"', first)
    assert shown == [str(report.id) for report in reports[:50]]  # oldest first
    assert "60 reports" in first and 'data-testid="pager"' in first
    second = client.get(f"/staff/cases/{big.id}?page=2").text
    shown = re.findall(r'data-testid="case-report" data-report-id="(\d+)"', second)
    assert shown == [str(report.id) for report in reports[50:]]


def test_the_case_page_loads_its_reports_together(app, db, make):
    """The page's queries do not grow with its reports, their images and contact details (each
    view of which is one audit entry)."""
    verifier = make.user("verifier", "01")
    client = app.test_client()
    make.login(client, verifier)

    def statements_of_a_case_of(count: int) -> int:
        reports = [
            make.report(
                f"Tin đồn số {n} về nước giếng",
                images=[make.png_bytes(color="navy")],
                contact_email=f"nguoi{n}@example.vn",
                contact_consent=True,
            )
            for n in range(count)
        ]
        case_id = make.case(*reports).id
        db.session.commit()
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            page = client.get(f"/staff/cases/{case_id}")
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert page.status_code == 200 and f"nguoi{count - 1}@example.vn" in page.text
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    assert statements_of_a_case_of(12) == statements_of_a_case_of(2)
