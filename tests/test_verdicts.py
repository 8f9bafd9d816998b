"""Writing, reviewing and publishing verdicts and fraud warnings on the staff pages."""

import re

import pytest

from tingia.models import Verdict
from tingia.publishing import service as publishing
from tingia.triage import service

FORM = {
    "rating": "fake",
    "title": "Uống nước chanh ấm không diệt được virus cúm A",
    "claim": "Bộ Y tế khuyến cáo uống nước chanh ấm để diệt virus cúm A",
    "summary": "Bộ Y tế không có khuyến cáo này.",
    "explanation": "Virus cúm không bị nước chanh tiêu diệt.\n\nHãy tiêm vắc xin.",
    "sources": "https://moh.gov.vn/a\n  \nhttps://www.who.int/b\n",
}


@pytest.fixture
def staff(db, make):
    return {
        "verifier": make.user("verifier", "01", name="Kiểm chứng viên"),
        "lead": make.user("lead", "01", name="Trưởng nhóm"),
    }


@pytest.fixture
def verifiable(db, make, staff):
    case = make.case(make.report("Uống nước chanh ấm diệt virus cúm A"))
    service.triage(case, "verifiable", staff["verifier"])
    db.session.commit()
    return case


def test_the_verdict_form_saves_a_draft(client, db, make, staff, verifiable):
    make.login(client, staff["verifier"])
    page = client.get(f"/staff/cases/{verifiable.id}/verdict")
    assert page.status_code == 200 and 'data-testid="verdict-form"' in page.text
    assert "Uống nước chanh ấm diệt virus cúm A" in page.text  # the reports, for reference
    response = client.post(f"/staff/cases/{verifiable.id}/verdict", data=FORM)
    assert response.status_code == 302
    verdict = verifiable.verdict
    assert verdict.status == "draft" and verdict.rating == "fake"
    assert verdict.sources == ["https://moh.gov.vn/a", "https://www.who.int/b"]
    assert verdict.author == staff["verifier"]
    case_page = client.get(f"/staff/cases/{verifiable.id}").text
    assert 'data-testid="verdict-status" data-status="draft"' in case_page
    assert 'data-testid="publish"' not in case_page  # a verifier does not publish
    again = client.get(f"/staff/cases/{verifiable.id}/verdict").text
    assert "https://moh.gov.vn/a\nhttps://www.who.int/b" in again  # editing keeps the fields


def test_invalid_fields_are_shown_next_to_them(client, db, make, staff, verifiable):
    make.login(client, staff["verifier"])
    client.get("/?lang=en")
    bad = {**FORM, "rating": "", "sources": "not a link", "explanation": ""}
    response = client.post(f"/staff/cases/{verifiable.id}/verdict", data=bad)
    assert response.status_code == 422
    for field in ("rating", "sources", "explanation"):
        assert f'id="{field}-error"' in response.text
    assert "not a web address" in response.text
    assert 'value="Uống nước chanh ấm không diệt được virus cúm A"' in response.text  # kept
    assert verifiable.verdict is None


def test_a_verdict_needs_a_verifiable_case(client, db, make, staff):
    case = make.case()
    service.triage(case, "harmful", staff["verifier"])
    make.login(client, staff["verifier"])
    response = client.get(f"/staff/cases/{case.id}/verdict")
    assert response.status_code == 302
    assert client.post(f"/staff/cases/{case.id}/verdict", data=FORM).status_code == 302
    assert case.verdict is None


def test_review_and_publish(client, db, make, staff, verifiable):
    make.login(client, staff["verifier"])
    client.post(f"/staff/cases/{verifiable.id}/verdict", data=FORM)
    assert client.post(f"/staff/cases/{verifiable.id}/publish").status_code == 403
    make.login(client, staff["lead"])
    page = client.get(f"/staff/cases/{verifiable.id}").text
    assert 'data-testid="publish"' in page
    client.post(f"/staff/cases/{verifiable.id}/publish")
    verdict = verifiable.verdict
    assert verifiable.status == "published" and verdict.published_by == staff["lead"]
    page = client.get(f"/staff/cases/{verifiable.id}").text
    assert f'href="http://tingia.test/verdicts/{verdict.slug}"' in page
    assert 'data-testid="unpublish"' in page and 'data-testid="edit-verdict"' not in page
    assert client.get(f"/verdicts/{verdict.slug}").status_code == 200


def test_the_author_cannot_publish_their_own_draft(client, db, make, staff, verifiable):
    make.user("lead", "01")  # a second lead exists: they must review
    make.login(client, staff["lead"])
    client.post(f"/staff/cases/{verifiable.id}/verdict", data=FORM)
    assert client.post(f"/staff/cases/{verifiable.id}/publish").status_code == 403
    assert verifiable.status == "triaged"


def test_the_only_lead_may_publish_their_own_draft_and_it_is_said(
    client, db, make, staff, verifiable
):
    make.login(client, staff["lead"])
    client.get("/?lang=en")
    client.post(f"/staff/cases/{verifiable.id}/verdict", data=FORM)
    client.post(f"/staff/cases/{verifiable.id}/publish")
    assert verifiable.status == "published"
    page = client.get(f"/staff/cases/{verifiable.id}").text
    assert 'data-testid="self-review"' in page and "only lead" in page


def test_unpublish_with_a_reason(client, db, make, staff, verifiable):
    make.login(client, staff["verifier"])
    client.post(f"/staff/cases/{verifiable.id}/verdict", data=FORM)
    make.login(client, staff["lead"])
    client.post(f"/staff/cases/{verifiable.id}/publish")
    slug = verifiable.verdict.slug
    client.post(f"/staff/cases/{verifiable.id}/unpublish", data={"reason": ""})
    assert verifiable.status == "published"
    client.post(f"/staff/cases/{verifiable.id}/unpublish", data={"reason": "Cần thêm nguồn"})
    assert verifiable.status == "triaged" and verifiable.verdict.status == "withdrawn"
    assert client.get(f"/verdicts/{slug}").status_code == 404
    page = client.get(f"/staff/cases/{verifiable.id}").text
    assert "Cần thêm nguồn" in page and re.search(r'data-action="unpublished"', page)
    make.login(client, staff["verifier"])
    client.post(f"/staff/cases/{verifiable.id}/verdict", data={**FORM, "rating": "misleading"})
    assert verifiable.verdict.rating == "misleading" and verifiable.verdict.slug == slug


def test_fraud_warning_is_written_and_published(client, db, make, staff):
    case = make.case(make.report("Tin nhắn ngân hàng giả, bấm link cập nhật"))
    service.triage(case, "fraud", staff["verifier"])
    make.login(client, staff["verifier"])
    page = client.get(f"/staff/cases/{case.id}/verdict")
    assert 'data-kind="warning"' in page.text and 'name="advice"' in page.text
    client.post(
        f"/staff/cases/{case.id}/verdict",
        data={
            "title": "Cảnh báo tin nhắn giả mạo ngân hàng",
            "summary": "",
            "explanation": "Kẻ gian gửi đường dẫn giả.",
            "advice": "Không bấm vào đường dẫn lạ, không đưa mã OTP.",
            "sources": "",
        },
    )
    warning = case.verdict
    assert warning.kind == "warning" and warning.rating is None and warning.sources == []
    make.login(client, staff["lead"])
    client.post(f"/staff/cases/{case.id}/publish")
    assert case.status == "published"
    public = client.get(f"/warnings/{warning.slug}")
    assert public.status_code == 200 and "Không bấm vào đường dẫn lạ" in public.text
    assert client.get(f"/verdicts/{warning.slug}").status_code == 404  # not a verdict


def test_verdict_rows_are_one_per_case(db, make, staff, verifiable):
    from tingia.extensions import db as _db

    publishing.save_publication(
        verifiable, {**FORM, "sources": ["https://a.vn"]}, staff["verifier"]
    )
    publishing.save_publication(verifiable, {**FORM, "sources": ["https://b.vn"]}, staff["lead"])
    assert _db.session.scalars(_db.select(Verdict)).all() == [verifiable.verdict]
    assert verifiable.verdict.sources == ["https://b.vn"]
