"""Sources: violations counted by the date of the decision, flags at 5 in 30 days or 10 in 90,
the national lists and the provinces' proposals, the API."""

from datetime import timedelta

import pytest

from tingia.cases.rules import WorkflowError
from tingia.database import utcnow
from tingia.models import CaseAction, CaseEvent, Source
from tingia.sources import service

PAGE = "https://www.facebook.com/trangtinxau/posts/{}"


def backdate_triage(case, days: float) -> None:
    """Move the case's triage decision into the past."""
    for event in case_events(case, CaseAction.TRIAGED):
        event.created_at = utcnow() - timedelta(days=days)


def case_events(case, action):
    from tingia.extensions import db

    return db.session.query(CaseEvent).filter_by(case_id=case.id, action=action).all()


@pytest.fixture
def verifier(db, make):
    return make.user("verifier", "01")


def page_source(db) -> Source:
    return db.session.query(Source).filter_by(handle="trangtinxau").one()


def test_every_report_url_is_attributed_on_arrival(db, make):
    make.report("Bài đăng", url=PAGE.format(1))
    make.report("Bài khác", url="https://m.facebook.com/TrangTinXau/videos/9")
    assert db.session.query(Source).count() == 1
    source = page_source(db)
    assert source.platform == "facebook" and source.kind == "page"
    assert service.attribute_unattributed() == 0


def test_violations_by_decision_date_and_flags(db, make, verifier):
    ages = [1, 3, 10, 29, 45, 60, 80, 85, 89, 95]  # days since each decision
    for number, days in enumerate(ages):
        backdate_triage(make.harmful_case(verifier, PAGE.format(number)), days)
    not_violating = make.case(make.report("Chưa phân loại", url=PAGE.format(99)))
    assert not_violating.category is None
    db.session.flush()
    row = service.source_row(page_source(db), verifier)
    assert (row.violations_30d, row.violations_90d, row.violations) == (4, 9, 10)
    assert not row.flagged  # 4 in 30 days, 9 in 90
    backdate_triage(make.harmful_case(verifier, PAGE.format(50)), 2)
    row = service.source_row(page_source(db), verifier)
    assert (row.violations_30d, row.violations_90d) == (5, 10) and row.flagged


def test_a_false_verdict_counts_from_its_publication_a_true_one_never(db, make, verifier):
    from tingia.publishing import service as publishing
    from tingia.triage import service as triage

    lead = make.user("lead", "01")
    for rating in ("fake", "authentic"):
        case = make.case(make.report(f"Tin {rating}", url=PAGE.format(rating)))
        triage.triage(case, "verifiable", verifier)
        content = {
            "rating": rating,
            "title": f"Kết luận {rating}",
            "claim": "Thông tin như đã lan truyền",
            "summary": "Tóm tắt",
            "explanation": "Giải thích",
            "sources": ["https://moh.gov.vn/"],
        }
        publishing.save_publication(case, content, verifier)
        verdict = publishing.publish(case, lead)
        verdict.published_at = utcnow() - timedelta(days=40)
    row = service.source_row(page_source(db), verifier)
    assert (row.violations_30d, row.violations_90d) == (0, 1)


def test_merged_away_cases_do_not_count_twice(db, make, verifier):
    from tingia.triage import service as triage

    first = make.harmful_case(verifier, PAGE.format(1))
    second = make.harmful_case(verifier, PAGE.format(2))
    triage.merge(first, second, verifier)
    assert service.source_row(page_source(db), verifier).violations == 1


def test_provinces_count_their_own_cases_and_see_only_their_sources(db, make, verifier):
    other = make.user("verifier", "79")
    national = make.user("lead", None)
    make.harmful_case(verifier, PAGE.format(1))
    make.harmful_case(other, PAGE.format(2), province="79")
    make.harmful_case(other, "https://tiktok.com/@chi79/video/1", province="79")
    source = page_source(db)
    assert service.source_row(source, verifier).violations == 1
    assert service.source_row(source, national).violations == 2
    from tingia.centres.scoping import scoped_sources

    mine = {s.handle for s in db.session.scalars(scoped_sources(verifier))}
    assert mine == {"trangtinxau"}
    assert {s.handle for s in db.session.scalars(scoped_sources(national))} == {
        "trangtinxau",
        "@chi79",
    }


def test_lists_are_kept_by_national_leads_and_proposed_by_provinces(db, make, verifier):
    national_lead = make.user("lead", None)
    provincial_lead = make.user("lead", "01")
    make.harmful_case(verifier, PAGE.format(1))
    source = page_source(db)
    with pytest.raises(WorkflowError) as refused:
        service.set_list(source, "black", "Vi phạm nhiều lần", provincial_lead)
    assert refused.value.status == 403
    with pytest.raises(WorkflowError) as no_reason:
        service.set_list(source, "black", "", national_lead)
    assert no_reason.value.status == 422 and "reason" in no_reason.value.fields
    proposal = service.propose(source, "black", "Đăng tin xấu độc nhiều lần", verifier)
    with pytest.raises(WorkflowError):
        service.propose(source, "black", "Lần nữa", verifier)  # one pending per centre
    assert service.pending_proposals(verifier) == [proposal]
    with pytest.raises(WorkflowError) as not_theirs:
        service.decide(proposal, True, provincial_lead)
    assert not_theirs.value.status == 403
    service.decide(proposal, True, national_lead)
    assert source.list_kind == "black" and source.listed_by == national_lead
    assert proposal.status == "accepted"
    with pytest.raises(WorkflowError):
        service.decide(proposal, False, national_lead)
    service.set_list(source, "", "", national_lead)
    assert source.list_kind is None


def test_a_whitelisted_source_shows_on_its_cases_and_to_every_province(client, db, make, verifier):
    national_lead = make.user("lead", None)
    case = make.case(
        make.report("Bài báo chính thống", url="https://vnexpress.net/bai-viet-123.html")
    )
    source = db.session.query(Source).filter_by(handle="vnexpress.net").one()
    service.set_list(source, "white", "Báo điện tử được cấp phép", national_lead)
    elsewhere = make.user("verifier", "79")
    make.login(client, verifier)
    page = client.get(f"/staff/cases/{case.id}").text
    assert 'data-testid="case-source" data-list="white"' in page
    make.login(client, elsewhere)
    assert client.get(f"/staff/sources/{source.id}").status_code == 200  # listed: shared


def test_api_lists_flagged_and_listed_sources(client, db, make, verifier):
    for number in range(5):
        make.harmful_case(verifier, PAGE.format(number))
    make.harmful_case(verifier, "https://tiktok.com/@motlan/video/1")
    headers = make.auth_headers(verifier)
    flagged = client.get("/api/v1/sources?flagged=true", headers=headers).get_json()["items"]
    assert [item["handle"] for item in flagged] == ["trangtinxau"]
    item = flagged[0]
    assert set(item) >= {
        "id",
        "platform",
        "handle",
        "url",
        "violations_30d",
        "violations_90d",
        "flagged",
        "list",
    }
    assert (item["violations_30d"], item["violations_90d"], item["flagged"], item["list"]) == (
        5,
        5,
        True,
        None,
    )
    every = client.get("/api/v1/sources", headers=headers).get_json()["items"]
    assert [i["handle"] for i in every] == ["trangtinxau", "@motlan"]
    assert client.get("/api/v1/sources?list=black", headers=headers).get_json()["items"] == []
    assert client.get("/api/v1/sources?list=grey", headers=headers).status_code == 422
    one = client.get(f"/api/v1/sources/{item['id']}", headers=headers).get_json()
    assert one["violations_30d"] == 5 and len(one["cases"]) == 5
    make.login(client, verifier)
    html = client.get("/staff/sources?flagged=y").text
    assert f'data-source-id="{item["id"]}" data-flagged="true"' in html
    detail = client.get(f"/staff/sources/{item['id']}").text
    assert (
        'data-testid="source-flagged"' in detail and detail.count('data-testid="source-case"') == 5
    )
