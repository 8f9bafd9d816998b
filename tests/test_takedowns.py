"""Removal requests: which cases may have one, the 24-hour clock, outcomes, the letter, the API
shapes and the staff pages."""

from datetime import timedelta

import pytest

from tingia.cases.rules import WorkflowError
from tingia.database import utcnow
from tingia.models import CaseAction, CaseEvent, TakedownRequest
from tingia.takedowns import service

POST = "https://www.facebook.com/trangtinxau/posts/1001?fbclid=IwAR0abc"
CANONICAL = "https://facebook.com/trangtinxau/posts/1001"


@pytest.fixture
def verifier(db, make):
    user = make.user("verifier", "01", name="Kiểm chứng viên")
    db.session.commit()
    return user


def test_request_on_a_harmful_case_starts_the_24_hour_clock(db, make, verifier):
    case = make.harmful_case(verifier, POST)
    sent = utcnow() - timedelta(hours=1)
    takedown = service.request_takedown(case, POST, "email", verifier, "Gửi Meta", now=sent)
    assert takedown.url == CANONICAL and takedown.platform == "facebook"
    assert takedown.source.handle == "trangtinxau"
    assert takedown.due_at - takedown.requested_at == timedelta(hours=24)
    assert takedown.status == "requested" and takedown.on_time is None
    assert not takedown.is_overdue()
    assert takedown.is_overdue(sent + timedelta(hours=25))
    event = db.session.query(CaseEvent).filter_by(action=CaseAction.TAKEDOWN_REQUESTED).one()
    assert event.detail["url"] == CANONICAL and event.actor_id == verifier.id


def test_only_harmful_fraud_or_falsely_rated_cases_get_requests(db, make, verifier):
    open_case = make.case(make.report("Tin đồn chưa phân loại", url=POST))
    with pytest.raises(WorkflowError) as refused:
        service.request_takedown(open_case, POST, "email", verifier)
    assert refused.value.status == 409
    from tingia.triage import service as triage

    triage.triage(open_case, "verifiable", verifier)
    assert not service.may_request_takedown(open_case)
    triage.triage(open_case, "fraud", verifier)
    assert service.may_request_takedown(open_case)


def test_published_fake_verdict_allows_a_request(db, make, verifier):
    from tingia.publishing import service as publishing
    from tingia.triage import service as triage

    lead = make.user("lead", "01")
    case = make.case(make.report("Tin giả về vắc xin", url=POST))
    triage.triage(case, "verifiable", verifier)
    content = {
        "rating": "misleading",
        "title": "Gây hiểu nhầm về vắc xin",
        "claim": "Vắc xin gây vô sinh",
        "summary": "Tóm tắt",
        "explanation": "Giải thích",
        "sources": ["https://moh.gov.vn/"],
    }
    publishing.save_publication(case, content, verifier)
    assert not service.may_request_takedown(case)  # a draft is not a decision yet
    publishing.publish(case, lead)
    takedown = service.request_takedown(case, POST, "portal", verifier)
    assert "Gây hiểu nhầm – Gây hiểu nhầm về vắc xin" in service.letter(takedown).body


@pytest.mark.parametrize(
    ("url", "channel", "field"),
    [("", "email", "url"), ("mailto:a@b.vn", "email", "url"), (POST, "fax", "channel")],
)
def test_bad_input_names_the_field(db, make, verifier, url, channel, field):
    case = make.harmful_case(verifier, POST)
    with pytest.raises(WorkflowError) as error:
        service.request_takedown(case, url, channel, verifier)
    assert error.value.status == 422 and field in error.value.fields


def test_one_open_request_per_link(db, make, verifier):
    case = make.harmful_case(verifier, POST)
    service.request_takedown(case, POST, "email", verifier)
    with pytest.raises(WorkflowError) as again:
        service.request_takedown(case, CANONICAL, "phone", verifier)
    assert again.value.status == 409


def test_outcomes_their_times_and_on_time(db, make, verifier):
    case = make.harmful_case(verifier, POST)
    sent = utcnow() - timedelta(hours=30)
    takedown = service.request_takedown(case, POST, "email", verifier, now=sent)
    with pytest.raises(WorkflowError) as early:
        service.update_takedown(takedown, "no_response", verifier, now=sent + timedelta(hours=2))
    assert early.value.status == 409
    service.update_takedown(takedown, "no_response", verifier, now=sent + timedelta(hours=25))
    assert takedown.resolved_at == sent + timedelta(hours=25) and takedown.on_time is False
    service.update_takedown(
        takedown, "removed", verifier, "Meta đã gỡ", now=sent + timedelta(hours=28)
    )
    assert takedown.removed_at == sent + timedelta(hours=28)
    assert takedown.on_time is False and takedown.outcome_note == "Meta đã gỡ"
    assert takedown.resolved_at == sent + timedelta(hours=25)  # the first answer stays
    service.update_takedown(takedown, "restored", verifier, now=sent + timedelta(hours=29))
    assert takedown.status == "restored" and takedown.restored_at is not None
    with pytest.raises(WorkflowError) as wrong:
        service.update_takedown(takedown, "refused", verifier)
    assert wrong.value.status == 409
    with pytest.raises(WorkflowError) as unknown:
        service.update_takedown(takedown, "requested", verifier)
    assert unknown.value.status == 422


def test_removed_in_time_is_on_time(db, make, verifier):
    takedown = make.takedown(verifier)
    service.update_takedown(takedown, "removed", verifier)
    assert takedown.on_time is True


def test_letter_covers_the_waiting_links_of_the_platform(db, make, verifier):
    case = make.harmful_case(verifier, POST)
    case.category_reason = "Kích động biểu tình"
    first = service.request_takedown(case, POST, "email", verifier)
    service.request_takedown(case, "https://facebook.com/trangtinxau/posts/1002", "email", verifier)
    service.request_takedown(case, "https://tiktok.com/@x/video/1", "email", verifier)
    letter = service.letter(first)
    assert CANONICAL in letter.body and "posts/1002" in letter.body
    assert "tiktok" not in letter.body  # another platform gets its own letter
    assert "Tin xấu độc: Kích động biểu tình" in letter.body
    assert "Meta Platforms (Facebook)" in letter.body
    assert "Nghị định số 147/2024/NĐ-CP" in letter.body


def test_api_create_update_and_list(client, db, make, verifier):
    headers = make.auth_headers(verifier)
    case = make.harmful_case(verifier, POST)
    db.session.commit()
    created = client.post(
        f"/api/v1/cases/{case.id}/takedowns",
        json={"url": POST, "channel": "email", "note": "Gửi Meta"},
        headers=headers,
    )
    assert created.status_code == 201
    body = created.get_json()
    assert {k: body[k] for k in ("case_id", "url", "platform", "status")} == {
        "case_id": case.id,
        "url": CANONICAL,
        "platform": "facebook",
        "status": "requested",
    }
    assert body["requested_at"].endswith("Z") and body["due_at"].endswith("Z")
    assert {"id", "case_id", "url", "platform", "status", "requested_at", "due_at"} <= set(body)
    bad = client.post(f"/api/v1/cases/{case.id}/takedowns", json={"url": POST}, headers=headers)
    assert bad.status_code == 422 and "channel" in bad.get_json()["error"]["fields"]
    listed = client.get("/api/v1/takedowns?status=requested", headers=headers).get_json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert client.get("/api/v1/takedowns?overdue=true", headers=headers).get_json()["items"] == []
    assert client.get("/api/v1/takedowns?overdue=maybe", headers=headers).status_code == 422
    assert client.get("/api/v1/takedowns?status=gone", headers=headers).status_code == 422
    updated = client.post(
        f"/api/v1/takedowns/{body['id']}", json={"status": "removed"}, headers=headers
    )
    assert updated.status_code == 200
    assert updated.get_json()["status"] == "removed" and updated.get_json()["on_time"] is True
    assert updated.get_json()["resolved_at"] is not None
    again = client.post(
        f"/api/v1/takedowns/{body['id']}", json={"status": "refused"}, headers=headers
    )
    assert again.status_code == 409
    not_json = client.post(f"/api/v1/takedowns/{body['id']}", data="x", headers=headers)
    assert not_json.status_code in (400, 422)


def test_overdue_filter_and_listing_page(client, db, make, verifier):
    late = make.takedown(verifier)
    late.requested_at -= timedelta(hours=30)
    late.due_at -= timedelta(hours=30)
    fresh = make.takedown(verifier)
    headers = make.auth_headers(verifier)
    overdue = client.get("/api/v1/takedowns?overdue=true", headers=headers).get_json()["items"]
    assert [item["id"] for item in overdue] == [late.id] and overdue[0]["overdue"] is True
    make.login(client, verifier)
    html = client.get("/staff/takedowns").text
    assert f'data-takedown-id="{late.id}" data-overdue="true"' in html
    assert f'data-takedown-id="{fresh.id}" data-overdue="false"' in html
    assert html.index(f'data-takedown-id="{late.id}"') < html.index(
        f'data-takedown-id="{fresh.id}"'
    )
    only = client.get("/staff/takedowns?overdue=y").text
    assert f'data-takedown-id="{fresh.id}"' not in only


def test_staff_pages_record_and_resolve(client, db, make, verifier):
    case = make.harmful_case(verifier, POST)
    make.login(client, verifier)
    page = client.get(f"/staff/cases/{case.id}").text
    assert 'data-testid="takedown-form"' in page and CANONICAL in page  # suggested link
    response = client.post(
        f"/staff/cases/{case.id}/takedowns", data={"url": POST, "channel": "email", "note": ""}
    )
    takedown = db.session.query(TakedownRequest).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/staff/takedowns/{takedown.id}"
    )
    detail = client.get(f"/staff/takedowns/{takedown.id}").text
    assert 'data-testid="takedown-letter"' in detail and "Nghị định số 147/2024/NĐ-CP" in detail
    refused = client.post(f"/staff/takedowns/{takedown.id}", data={"status": "bogus"})
    assert (
        refused.status_code == 302
        and db.session.get(TakedownRequest, takedown.id).status == "requested"
    )
    client.post(f"/staff/takedowns/{takedown.id}", data={"status": "removed", "note": "Đã gỡ"})
    assert db.session.get(TakedownRequest, takedown.id).status == "removed"
    history = client.get(f"/staff/cases/{case.id}").text
    assert 'data-action="takedown_updated"' in history and 'data-status="removed"' in history
