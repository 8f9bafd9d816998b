"""Staff API v1 actions (triage, assign, verdicts, publication, merge, split, suggestions)."""

import pytest

from tingia.publishing import service as publishing
from tingia.triage import service

VERDICT = {
    "rating": "misleading",
    "title": "Giá xăng không tăng lên 35.000 đồng",
    "claim": "Từ ngày mai giá xăng tăng lên 35.000 đồng một lít.",
    "summary": "Không có quyết định nào như vậy.",
    "explanation": "Liên Bộ Công Thương – Tài chính không điều chỉnh giá như tin đồn.",
    "sources": ["https://moit.gov.vn/gia-xang"],
}


@pytest.fixture
def staff(db, make):
    people = {
        "verifier": make.user("verifier", "01", email="v@hanoi.gov.vn"),
        "lead": make.user("lead", "01"),
        "colleague": make.user("verifier", "01", email="c@hanoi.gov.vn"),
        "hcm": make.user("lead", "79"),
    }
    return people, {name: make.auth_headers(user) for name, user in people.items()}


@pytest.fixture
def case(db, make):
    found = make.case(
        make.report("Giá xăng tăng lên 35.000 đồng", contact_email="a@b.vn", contact_consent=True),
        make.report("Gia xang tang len 35.000 dong"),
    )
    db.session.commit()
    return found


def post(client, url, headers, body=None):
    return client.post(f"/api/v1{url}", json=body if body is not None else {}, headers=headers)


def test_triage_and_its_errors(client, db, staff, case):
    people, headers = staff
    bad = post(client, f"/cases/{case.id}/triage", headers["verifier"], {"category": "gossip"})
    assert bad.status_code == 422 and "category" in bad.get_json()["error"]["fields"]
    no_reason = post(
        client, f"/cases/{case.id}/triage", headers["verifier"], {"category": "out_of_scope"}
    )
    assert no_reason.status_code == 422 and set(no_reason.get_json()["error"]["fields"]) == {
        "reason"
    }
    wrong_type = post(
        client, f"/cases/{case.id}/triage", headers["verifier"], {"category": "fraud", "reason": 5}
    )
    assert wrong_type.status_code == 422 and "reason" in wrong_type.get_json()["error"]["fields"]
    ok = post(client, f"/cases/{case.id}/triage", headers["verifier"], {"category": "verifiable"})
    assert ok.status_code == 200
    body = ok.get_json()
    assert body["status"] == "triaged" and body["category"] == "verifiable"
    assert body["suggestions"] == [] and body["verdict"] is None
    other = post(client, f"/cases/{case.id}/triage", headers["hcm"], {"category": "fraud"})
    assert other.status_code == 404
    not_json = client.post(
        f"/api/v1/cases/{case.id}/triage",
        data="category=fraud",
        headers={**headers["verifier"], "Content-Type": "application/json"},
    )
    assert not_json.status_code == 400


def test_assign_by_id_or_email(client, db, staff, case):
    people, headers = staff
    by_id = post(
        client, f"/cases/{case.id}/assign", headers["verifier"], {"user_id": people["colleague"].id}
    )
    assert by_id.status_code == 200 and by_id.get_json()["assignee"] == "c@hanoi.gov.vn"
    by_email = post(
        client, f"/cases/{case.id}/assign", headers["verifier"], {"email": "V@HANOI.gov.vn"}
    )
    assert by_email.get_json()["assignee"] == "v@hanoi.gov.vn"
    outsider = post(
        client, f"/cases/{case.id}/assign", headers["verifier"], {"user_id": people["hcm"].id}
    )
    assert outsider.status_code == 422 and "user_id" in outsider.get_json()["error"]["fields"]
    unknown = post(client, f"/cases/{case.id}/assign", headers["verifier"], {"email": "x@y.vn"})
    assert unknown.status_code == 422 and "email" in unknown.get_json()["error"]["fields"]
    assert post(client, f"/cases/{case.id}/assign", headers["verifier"], {}).status_code == 422
    assert (
        post(client, f"/cases/{case.id}/assign", headers["verifier"], {"user_id": "3"}).status_code
        == 422
    )
    cleared = post(client, f"/cases/{case.id}/assign", headers["verifier"], {"user_id": None})
    assert cleared.get_json()["assignee"] is None


def test_verdict_draft_publish_and_the_reporters_view(client, db, staff, case):
    people, headers = staff
    early = post(client, f"/cases/{case.id}/verdict", headers["verifier"], VERDICT)
    assert early.status_code == 409  # not verifiable yet
    post(client, f"/cases/{case.id}/triage", headers["verifier"], {"category": "verifiable"})
    invalid = post(
        client,
        f"/cases/{case.id}/verdict",
        headers["verifier"],
        {**VERDICT, "rating": "lie", "sources": "https://x.vn", "summary": ""},
    )
    assert invalid.status_code == 422
    assert set(invalid.get_json()["error"]["fields"]) == {"sources"}  # not a list: checked first
    invalid = post(
        client,
        f"/cases/{case.id}/verdict",
        headers["verifier"],
        {**VERDICT, "rating": "lie", "sources": [], "summary": ""},
    )
    assert set(invalid.get_json()["error"]["fields"]) == {"rating", "sources", "summary"}
    bad_urls = post(
        client, f"/cases/{case.id}/verdict", headers["verifier"], {**VERDICT, "sources": ["x"]}
    )
    assert set(bad_urls.get_json()["error"]["fields"]) == {"sources"}
    created = post(client, f"/cases/{case.id}/verdict", headers["verifier"], VERDICT)
    assert created.status_code == 201
    draft = created.get_json()
    assert draft["status"] == "draft" and draft["kind"] == "verdict" and draft["url"] is None
    assert draft["author"] == "v@hanoi.gov.vn"
    updated = post(
        client, f"/cases/{case.id}/verdict", headers["verifier"], {**VERDICT, "rating": "untrue"}
    )
    assert updated.status_code == 200 and updated.get_json()["rating"] == "untrue"

    assert post(client, f"/cases/{case.id}/publish", headers["verifier"]).status_code == 403
    published = post(client, f"/cases/{case.id}/publish", headers["lead"])
    assert published.status_code == 200
    body = published.get_json()
    assert body["status"] == "published" and body["url"].startswith("http://tingia.test/verdicts/")
    assert post(client, f"/cases/{case.id}/publish", headers["lead"]).status_code == 409
    assert (
        post(client, f"/cases/{case.id}/verdict", headers["verifier"], VERDICT).status_code == 409
    )

    code = case.reports[0].tracking_code
    status = client.get(f"/api/v1/reports/{code}").get_json()
    assert status["status"] == "published"
    assert status["outcome"]["rating"] == "untrue" and status["outcome"]["url"] == body["url"]
    assert "a@b.vn" not in str(status)

    assert post(client, f"/cases/{case.id}/unpublish", headers["lead"]).status_code == 422
    withdrawn = post(client, f"/cases/{case.id}/unpublish", headers["lead"], {"reason": "Sai"})
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
    assert client.get(f"/api/v1/reports/{code}").get_json()["outcome"] is None


def test_the_author_may_not_publish_through_the_api_either(client, db, staff, case):
    people, headers = staff
    post(client, f"/cases/{case.id}/triage", headers["lead"], {"category": "verifiable"})
    post(client, f"/cases/{case.id}/verdict", headers["lead"], VERDICT)
    # The lead is the centre's only lead: allowed, and said in the history.
    response = post(client, f"/cases/{case.id}/publish", headers["lead"])
    assert response.status_code == 200
    from tingia.models import CaseEvent

    event = db.session.scalar(
        db.select(CaseEvent).where(CaseEvent.action == "published", CaseEvent.case_id == case.id)
    )
    assert event.detail["self_review"] is True


def test_warning_endpoint_for_fraud_cases(client, db, staff, case):
    people, headers = staff
    post(client, f"/cases/{case.id}/triage", headers["verifier"], {"category": "fraud"})
    assert (
        post(client, f"/cases/{case.id}/verdict", headers["verifier"], VERDICT).status_code == 409
    )
    missing = post(client, f"/cases/{case.id}/warning", headers["verifier"], {"title": "Lừa"})
    assert set(missing.get_json()["error"]["fields"]) == {"explanation", "advice"}
    created = post(
        client,
        f"/cases/{case.id}/warning",
        headers["verifier"],
        {"title": "Lừa đảo", "explanation": "Cách lừa", "advice": "Cách phòng"},
    )
    assert created.status_code == 201 and created.get_json()["kind"] == "warning"
    published = post(client, f"/cases/{case.id}/publish", headers["lead"]).get_json()
    assert "/warnings/" in published["url"]


def test_merge_and_split_keep_counts(client, db, make, staff, case):
    people, headers = staff
    other = make.case(make.report("Xăng tăng giá chiều nay"))
    db.session.commit()
    bad = post(client, f"/cases/{case.id}/merge", headers["verifier"], {"case_id": "x"})
    assert bad.status_code == 422 and "case_id" in bad.get_json()["error"]["fields"]
    merged = post(client, f"/cases/{case.id}/merge", headers["verifier"], {"case_id": other.id})
    assert merged.status_code == 200 and merged.get_json()["report_count"] == 3
    assert other.report_count == 0 and other.status == "closed"
    again = post(client, f"/cases/{case.id}/merge", headers["verifier"], {"case_id": other.id})
    assert again.status_code == 409
    itself = post(client, f"/cases/{case.id}/merge", headers["verifier"], {"case_id": case.id})
    assert itself.status_code == 409

    report = case.reports[-1]
    split = post(client, f"/cases/{case.id}/reports/{report.id}/split", headers["verifier"])
    assert split.status_code == 201
    new_case = split.get_json()
    assert new_case["report_count"] == 1 and new_case["reports"][0]["id"] == report.id
    assert case.report_count == 2
    wrong_case = post(client, f"/cases/{other.id}/reports/{report.id}/split", headers["verifier"])
    assert wrong_case.status_code == 404
    alone = post(client, f"/cases/{new_case['id']}/reports/{report.id}/split", headers["verifier"])
    assert alone.status_code == 409


def test_suggestions_in_the_case_and_their_decision(client, db, make, staff, case):
    people, headers = staff
    suggested = make.report("Giá xăng RON95 lên 35 nghìn")
    make.case(suggested)
    suggestion = make.suggestion(case, suggested, score=0.66)
    rejected_report = make.report("Khác")
    make.case(rejected_report)
    to_reject = make.suggestion(case, rejected_report, score=0.5)
    db.session.commit()
    body = client.get(f"/api/v1/cases/{case.id}", headers=headers["verifier"]).get_json()
    assert body["suggestions"][0] == {
        "id": suggestion.id,
        "report_id": suggested.id,
        "tracking_code": suggested.tracking_code,
        "score": 0.66,
        "basis": "text",
        "status": "pending",
    }
    url = f"/cases/{case.id}/suggestions/{suggestion.id}/confirm"
    confirmed = post(client, url, headers["verifier"])
    assert confirmed.status_code == 200 and confirmed.get_json()["report_count"] == 3
    assert [s["id"] for s in confirmed.get_json()["suggestions"]] == [to_reject.id]
    assert post(client, url, headers["verifier"]).status_code == 409
    rejected = post(client, f"/cases/{case.id}/suggestions/{to_reject.id}/reject", headers["lead"])
    assert rejected.status_code == 200 and rejected.get_json()["suggestions"] == []
    assert rejected_report.case_id != case.id
    foreign = post(client, f"/cases/{case.id}/suggestions/{to_reject.id}/reject", headers["hcm"])
    assert foreign.status_code == 404


def test_case_detail_carries_the_verdict(client, db, staff, case):
    people, headers = staff
    service.triage(case, "verifiable", people["verifier"])
    publishing.save_publication(case, VERDICT, people["verifier"])
    db.session.commit()
    body = client.get(f"/api/v1/cases/{case.id}", headers=headers["lead"]).get_json()
    assert body["verdict"]["status"] == "draft" and body["verdict"]["sources"] == VERDICT["sources"]
    assert body["category_reason"] is None and body["merged_into"] is None


def test_actions_need_a_token(client, db, case):
    response = client.post(f"/api/v1/cases/{case.id}/triage", json={"category": "fraud"})
    assert response.status_code == 401 and case.status == "open"
