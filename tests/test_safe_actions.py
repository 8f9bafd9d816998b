"""Publish, merge, split and close ask first: a confirmation page (no JavaScript needed) says what
will change and changes nothing; its button does the action. Publishing shows the public page."""

import re

import pytest

from tingia.publishing import service as publishing
from tingia.triage import service

CONTENT = {
    "rating": "fake",
    "title": "Nước chanh muối không diệt được virus cúm A",
    "claim": "Uống nước chanh muối diệt virus cúm A",
    "summary": "Không có bằng chứng nào.",
    "explanation": "Virus cúm không bị đồ uống tiêu diệt.",
    "sources": ["https://moh.gov.vn/"],
}


@pytest.fixture
def staff(db, make, client):
    people = {
        "verifier": make.user("verifier", "01", name="Kiểm chứng viên"),
        "lead": make.user("lead", "01", name="Trưởng nhóm"),
    }
    make.login(client, people["lead"])
    return people


def changes(html: str) -> str:
    block = html[html.index('data-testid="changes"') :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", block[: block.index("</ul>")]))


def test_publish_shows_the_public_page_first(client, db, make, staff):
    report = make.report("Uống nước chanh muối diệt virus cúm A", images=[make.png_bytes()])
    case = make.case(report, make.report("Nước chanh muối trị cúm", "79"))
    service.triage(case, "verifiable", staff["verifier"])
    publishing.save_publication(case, CONTENT, staff["verifier"])
    publishing.set_publishable(report.attachments[0], True, staff["verifier"])
    db.session.commit()
    page = client.get(f"/staff/cases/{case.id}").text
    assert f'href="/staff/cases/{case.id}/publish" data-testid="publish"' in page
    preview = client.get(f"/staff/cases/{case.id}/publish")
    assert preview.status_code == 200
    html = preview.text
    public = html[html.index('data-testid="public-preview"') :]
    title = "Nước chanh muối không diệt được virus cúm A"
    assert f'data-testid="verdict-title" lang="vi">{title}' in public
    assert "Uống nước chanh muối diệt virus cúm A" in public  # the claim, as the public sees it
    assert f"/staff/attachments/{report.attachments[0].id}" in public  # the allowed image
    said = changes(html)
    assert f"/verdicts/nuoc-chanh-muoi-khong-diet-duoc-virus-cum-a-{case.verdict.id}" in said
    assert "2 phản ánh" in said and "1 ảnh" in said
    assert 'name="robots" content="noindex"' in html and "application/ld+json" not in html
    assert case.status == "triaged" and case.verdict.status == "draft"  # nothing changed yet
    client.post(f"/staff/cases/{case.id}/publish")
    assert case.status == "published"
    again = client.get(f"/staff/cases/{case.id}/publish", follow_redirects=True)
    assert "Vụ việc đã được công bố." in again.text  # refused: already published


def test_a_verifier_may_not_even_preview_publishing(client, db, make, staff):
    case = make.case()
    service.triage(case, "verifiable", staff["verifier"])
    publishing.save_publication(case, CONTENT, staff["verifier"])
    make.login(client, staff["verifier"])
    assert client.get(f"/staff/cases/{case.id}/publish").status_code == 403


def test_merge_asks_first_and_says_what_moves(client, db, make, staff):
    target = make.case(make.report("Tin đồn đập thủy điện vỡ"))
    source = make.case(make.report("Đập thủy điện sắp vỡ"), make.report("Đập vỡ rồi", "79"))
    service.triage(source, "verifiable", staff["verifier"])
    publishing.save_publication(source, CONTENT, staff["verifier"])
    db.session.commit()
    page = client.get(f"/staff/cases/{target.id}").text
    assert f'<form method="get" action="/staff/cases/{target.id}/merge"' in page
    html = client.get(f"/staff/cases/{target.id}/merge", query_string={"case_id": source.id}).text
    said = changes(html)
    assert f"2 phản ánh của vụ việc #{source.id}" in said and "tổng cộng 3 phản ánh" in said
    assert "Nước chanh muối không diệt được virus cúm A" in said  # the draft left behind
    assert source.report_count == 2 and target.report_count == 1  # nothing changed yet
    form = html[html.index('data-testid="confirm"') :]
    assert f'action="/staff/cases/{target.id}/merge"' in form
    assert f'name="case_id" value="{source.id}"' in form
    client.post(f"/staff/cases/{target.id}/merge", data={"case_id": source.id})
    assert target.report_count == 3 and source.merged_into_id == target.id


def test_merge_confirmation_refuses_what_the_merge_would_refuse(client, db, make, staff):
    case = make.case()
    db.session.commit()
    same = client.get(f"/staff/cases/{case.id}/merge?case_id={case.id}", follow_redirects=True)
    assert "không thể gộp vào chính nó" in same.text.lower()
    missing = client.get(f"/staff/cases/{case.id}/merge?case_id=999999")
    assert missing.status_code == 404
    assert client.get(f"/staff/cases/{case.id}/merge?case_id=x").status_code == 302


def test_split_asks_first(client, db, make, staff):
    first, second = make.report("Tin A về giá xăng"), make.report("Chuyện khác hẳn", "79")
    case = make.case(first, second)
    db.session.commit()
    page = client.get(f"/staff/cases/{case.id}").text
    link = f'href="/staff/cases/{case.id}/reports/{second.id}/split" data-testid="split-report"'
    assert link in page
    html = client.get(f"/staff/cases/{case.id}/reports/{second.id}/split").text
    said = changes(html)
    assert "Thành phố Hồ Chí Minh" in said and "giữ lại 1 phản ánh" in said
    assert second.case_id == case.id  # nothing changed yet
    client.post(f"/staff/cases/{case.id}/reports/{second.id}/split")
    assert second.case_id != case.id
    only = client.get(
        f"/staff/cases/{case.id}/reports/{first.id}/split", follow_redirects=True
    ).text
    assert "không có gì để tách" in only


def test_close_asks_first_and_shows_what_reporters_will_read(client, db, make, staff):
    case = make.case()
    service.triage(case, "harmful", staff["verifier"])
    db.session.commit()
    page = client.get(f"/staff/cases/{case.id}").text
    assert f'action="/staff/cases/{case.id}/close/confirm" data-testid="close-form"' in page
    html = client.post(
        f"/staff/cases/{case.id}/close/confirm", data={"action_taken": "Đề nghị TikTok gỡ video"}
    ).text
    assert "Đề nghị TikTok gỡ video" in html
    assert "không thuộc diện kiểm chứng thông tin" in changes(html)
    assert case.status == "triaged"  # nothing changed yet
    assert 'name="action_taken" value="Đề nghị TikTok gỡ video"' in html
    empty = client.post(f"/staff/cases/{case.id}/close/confirm", data={}, follow_redirects=True)
    assert "Hãy cho biết biện pháp đã thực hiện." in empty.text
    client.post(f"/staff/cases/{case.id}/close", data={"action_taken": "Đề nghị TikTok gỡ video"})
    assert case.status == "closed"
