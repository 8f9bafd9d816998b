"""The verifier queue at /staff/: order, the 24-hour clock, filters, pagination, bulk actions."""

import re
from datetime import timedelta

import pytest

from tingia.database import utcnow
from tingia.triage import service


def row_ids(html: str) -> list[int]:
    return [
        int(found) for found in re.findall(r'data-testid="queue-row" data-case-id="(\d+)"', html)
    ]


def overdue_flags(html: str) -> dict[int, bool]:
    return {
        int(case_id): flag == "true"
        for case_id, flag in re.findall(r'data-case-id="(\d+)" data-overdue="(\w+)"', html)
    }


def aged_case(make, hours: float, count: int = 1, province: str = "01", **kwargs):
    created = utcnow() - timedelta(hours=hours)
    reports = [
        make.report(
            kwargs.get("content", f"Tin đồn số {i} cách đây {hours} giờ"),
            province,
            created_at=created + timedelta(minutes=i),
            platform=kwargs.get("platform", "facebook"),
        )
        for i in range(count)
    ]
    return make.case(*reports)


@pytest.fixture
def verifier(db, make, client):
    user = make.user("verifier", "01")
    make.login(client, user)
    return user


def test_most_reported_first_then_oldest(client, db, make, verifier):
    one = aged_case(make, 40, count=1)
    three_new = aged_case(make, 2, count=3)
    three_old = aged_case(make, 5, count=3)
    two = aged_case(make, 1, count=2)
    make.case(make.report("Ở TP.HCM", "79"))  # another centre: not in this queue
    db.session.commit()
    html = client.get("/staff/").text
    assert row_ids(html) == [three_old.id, three_new.id, two.id, one.id]
    counts = re.findall(r'data-testid="report-count">(\d+)<', html)
    assert counts == ["3", "3", "2", "1"]


def test_rows_show_text_thumbnail_platforms_age_category_assignee(client, db, make, verifier):
    report = make.report(
        "Đập thủy điện bị nứt, nước sắp tràn về",
        images=[make.png_bytes()],
        platform="tiktok",
        created_at=utcnow() - timedelta(hours=3),
    )
    case = make.case(report, make.report("Đập nứt", platform="zalo"))
    service.triage(case, "verifiable", verifier)
    service.assign(case, verifier.id, verifier)
    db.session.commit()
    html = client.get("/staff/?lang=en").text
    row = html[html.index(f'data-case-id="{case.id}"') :]
    row = row[: row.index("</tr>")]
    assert "Đập thủy điện bị nứt" in row
    assert f"/staff/attachments/{report.attachments[0].id}" in row
    assert "TikTok" in row and "Zalo" in row
    assert "left" in row  # 3 hours old: 21 hours left on the clock
    assert 'data-category="verifiable"' in row
    assert verifier.display_name in row


def test_overdue_cases_stand_out(client, db, make, verifier):
    late = aged_case(make, 30)
    fresh = aged_case(make, 2)
    done = aged_case(make, 50)
    service.triage(done, "harmful", verifier)
    service.close(done, "Gỡ bỏ", verifier)
    db.session.commit()
    html = client.get("/staff/?lang=en").text
    assert overdue_flags(html) == {late.id: True, fresh.id: False}
    assert 'class="is-overdue"' in html and "Overdue by" in html
    closed = client.get("/staff/?status=closed").text
    assert overdue_flags(closed) == {done.id: False}  # the clock stops once closed


def test_status_category_platform_and_assignee_filters(client, db, make, verifier):
    colleague = make.user("verifier", "01")
    fraud = aged_case(make, 3, platform="zalo")
    service.triage(fraud, "fraud", verifier)
    untriaged = aged_case(make, 4, platform="tiktok")
    mine = aged_case(make, 5)
    service.assign(mine, verifier.id, verifier)
    theirs = aged_case(make, 6)
    service.assign(theirs, colleague.id, verifier)
    db.session.commit()

    def ids(query):
        return set(row_ids(client.get(f"/staff/?{query}").text))

    assert ids("") == {fraud.id, untriaged.id, mine.id, theirs.id}
    assert ids("status=triaged") == {fraud.id}
    assert ids("status=open") == {untriaged.id, mine.id, theirs.id}
    assert ids("category=fraud") == {fraud.id}
    assert ids("category=none") == {untriaged.id, mine.id, theirs.id}
    assert ids("platform=tiktok") == {untriaged.id}
    assert ids("assignee=me") == {mine.id}
    assert ids("assignee=nobody") == {fraud.id, untriaged.id}
    assert ids("status=bogus&category=x") == ids("")  # unknown values are ignored


def test_text_search_ignores_accents_and_finds_codes_and_numbers(client, db, make, verifier):
    lemon = make.report("Uống nước chanh ấm diệt virus cúm A")
    lemon_case = make.case(lemon)
    dam_case = make.case(make.report("Đập thủy điện Hòa Bình bị nứt", url="https://tiktok.com/v/1"))
    db.session.commit()

    def ids(q):
        return set(row_ids(client.get("/staff/", query_string={"q": q}).text))

    assert ids("nước chanh") == {lemon_case.id}
    assert ids("NUOC CHANH") == {lemon_case.id}
    assert ids("tiktok.com/v/1") == {dam_case.id}
    assert ids(lemon.tracking_code.lower().replace("-", "")) == {lemon_case.id}
    assert ids(f"#{dam_case.id}") == {dam_case.id}
    assert ids("100%_") == set()  # LIKE wildcards are matched literally


def test_pagination(client, db, make, verifier):
    cases = [aged_case(make, hours) for hours in range(1, 31)]
    db.session.commit()
    first = client.get("/staff/")
    second = client.get("/staff/?page=2")
    assert len(row_ids(first.text)) == 25 and len(row_ids(second.text)) == 5
    assert set(row_ids(first.text)) | set(row_ids(second.text)) == {case.id for case in cases}
    assert 'rel="next"' in first.text and "page=2" in first.text
    assert row_ids(client.get("/staff/?page=99").text) == row_ids(second.text)


def test_national_staff_filter_by_province(client, db, make):
    national = make.user("verifier", None)
    hanoi = aged_case(make, 2)
    hcm = aged_case(make, 3, province="79")
    make.login(client, national)
    assert set(row_ids(client.get("/staff/").text)) == {hanoi.id, hcm.id}
    assert row_ids(client.get("/staff/?province=79").text) == [hcm.id]
    assert row_ids(client.get("/staff/?province=national").text) == []


def test_bulk_triage_and_assign(client, db, make, verifier):
    colleague = make.user("verifier", "01")
    picked = [aged_case(make, 2), aged_case(make, 3)]
    left = aged_case(make, 4)
    db.session.commit()
    ids = [case.id for case in picked]
    response = client.post(
        "/staff/bulk", data={"case_ids": ids, "action": "triage", "category": "harmful"}
    )
    assert response.status_code == 302
    assert [case.category for case in picked] == ["harmful", "harmful"]
    assert left.category is None
    client.post(
        "/staff/bulk", data={"case_ids": ids, "action": "assign", "assignee": str(colleague.id)}
    )
    assert [case.assignee for case in picked] == [colleague, colleague] and left.assignee is None
    client.post("/staff/bulk", data={"case_ids": [left.id], "action": "assign", "assignee": "me"})
    assert left.assignee == verifier


def test_bulk_out_of_scope_needs_a_reason(client, db, make, verifier):
    case = aged_case(make, 2)
    db.session.commit()
    client.get("/?lang=en")
    response = client.post(
        "/staff/bulk",
        data={"case_ids": [case.id], "action": "triage", "category": "out_of_scope"},
        follow_redirects=True,
    )
    assert "reason" in response.text and case.status == "open"
    client.post(
        "/staff/bulk",
        data={
            "case_ids": [case.id],
            "action": "triage",
            "category": "out_of_scope",
            "reason": "Không phải tin tức",
        },
    )
    assert case.status == "closed" and case.category == "out_of_scope"


def test_bulk_reports_cases_it_skipped(client, db, make, verifier):
    open_case = aged_case(make, 2)
    closed = aged_case(make, 3)
    service.triage(closed, "out_of_scope", verifier, "spam")
    db.session.commit()
    client.get("/?lang=en")
    response = client.post(
        "/staff/bulk",
        data={"case_ids": [open_case.id, closed.id], "action": "triage", "category": "fraud"},
        follow_redirects=True,
    )
    assert "1 case triaged as “Online financial fraud”." in response.text
    assert f"not in a state that allows it: #{closed.id}" in response.text
    assert open_case.category == "fraud" and closed.category == "out_of_scope"


def test_sort_by_demand_age_or_last_report(client, db, make, verifier):
    busy_new = aged_case(make, 2, count=3)  # most reported
    old = aged_case(make, 20)  # the oldest
    fresh = aged_case(make, 5)
    fresh.last_seen = utcnow() - timedelta(minutes=1)  # the latest report
    db.session.commit()

    def order(sort):
        return row_ids(client.get("/staff/", query_string={"sort": sort}).text)

    assert order("demand") == order("") == [busy_new.id, old.id, fresh.id]
    assert order("age") == [old.id, fresh.id, busy_new.id]
    assert order("recent")[0] == fresh.id
    assert order("bogus") == order("demand")


def test_page_size(client, db, make, verifier):
    for hours in range(1, 61):
        aged_case(make, hours)
    db.session.commit()
    assert len(row_ids(client.get("/staff/").text)) == 25
    assert len(row_ids(client.get("/staff/?per_page=50").text)) == 50
    big = client.get("/staff/?per_page=100&sort=age")
    assert len(row_ids(big.text)) == 60 and 'data-testid="pager"' not in big.text
    assert len(row_ids(client.get("/staff/?per_page=100000").text)) == 25  # only the choices
    assert "per_page=50" in client.get("/staff/?per_page=50").text  # kept by the pager


def test_saved_views(client, db, make, verifier):
    colleague = make.user("verifier", "01")
    mine = aged_case(make, 3)
    service.assign(mine, verifier.id, verifier)
    theirs = aged_case(make, 4)
    service.assign(theirs, colleague.id, verifier)
    late = aged_case(make, 30)
    db.session.commit()
    html = client.get("/staff/").text
    links = dict(re.findall(r'<a href="([^"]+)" data-testid="view-(\w+)"', html))
    links = {key: url.replace("&amp;", "&") for url, key in links.items()}
    assert set(links) == {"todo", "mine", "unassigned", "overdue"}  # no drafts: not a lead
    assert 'data-testid="view-todo" aria-current="page"' in html

    def shown(view):
        page = client.get(links[view]).text
        assert f'data-testid="view-{view}" aria-current="page"' in page
        return set(row_ids(page))

    assert shown("mine") == {mine.id}
    assert shown("unassigned") == {late.id}
    assert shown("overdue") == {late.id}
    assert shown("todo") == {mine.id, theirs.id, late.id}
    sorted_page = client.get("/staff/?sort=age&per_page=50").text
    assert "sort=age" in re.search(r'href="([^"]+)" data-testid="view-mine"', sorted_page)[1]


def test_leads_see_the_drafts_awaiting_their_review(client, db, make):
    from tingia.publishing import service as publishing

    verifier, lead = make.user("verifier", "01"), make.user("lead", "01")
    content = {
        "rating": "fake",
        "title": "Không có chuyện đó",
        "claim": "Có chuyện đó",
        "summary": "Sai.",
        "explanation": "Đã kiểm tra.",
        "sources": ["https://moh.gov.vn/"],
    }
    drafted, own, published, untouched = (aged_case(make, h) for h in (2, 3, 4, 5))
    for case in (drafted, own, published):
        service.triage(case, "verifiable", verifier)
    publishing.save_publication(drafted, content, verifier)
    publishing.save_publication(own, content, lead)  # the lead's own draft: another lead's job
    publishing.save_publication(published, content, verifier)
    publishing.publish(published, lead)
    make.login(client, lead)
    html = client.get("/staff/").text
    url = re.search(r'href="([^"]+)" data-testid="view-review"', html)[1].replace("&amp;", "&")
    assert row_ids(client.get(url).text) == [drafted.id]
    assert untouched.id in row_ids(html)


def test_bulk_form_has_no_action_chosen_and_says_exactly_what_it_did(client, db, make, verifier):
    colleague = make.user("verifier", "01", name="Anh Nam")
    cases = [aged_case(make, hours) for hours in (2, 3, 4)]
    db.session.commit()
    html = client.get("/staff/").text
    form = html[html.index('data-testid="bulk-actions"') :]
    assert "checked" not in form[: form.index("</fieldset>")]
    category = re.search(r'id="bulk-category"[^>]*>(.*?)</select>', html, re.S)[1]
    assert re.match(r'\s*<option[^>]* value="">', category)  # a placeholder comes first
    assert not re.search(r'<option selected value="\w', category)  # and no category is chosen
    ids = [case.id for case in cases]
    nothing = client.post("/staff/bulk", data={"case_ids": ids}, follow_redirects=True)
    assert "Hãy chọn việc cần làm" in nothing.text and all(c.category is None for c in cases)
    no_category = client.post(
        "/staff/bulk", data={"case_ids": ids, "action": "triage"}, follow_redirects=True
    )
    assert "Hãy chọn loại" in no_category.text and all(c.category is None for c in cases)
    done = client.post(
        "/staff/bulk",
        data={"case_ids": ids, "action": "triage", "category": "harmful"},
        follow_redirects=True,
    )
    assert "Đã phân loại 3 vụ việc là “Tin xấu độc”." in done.text
    assigned = client.post(
        "/staff/bulk",
        data={"case_ids": ids[:2], "action": "assign", "assignee": str(colleague.id)},
        follow_redirects=True,
    )
    assert "Đã phân công 2 vụ việc cho Anh Nam." in assigned.text
    cleared = client.post(
        "/staff/bulk",
        data={"case_ids": ids[:2], "action": "assign", "assignee": "nobody"},
        follow_redirects=True,
    )
    assert "Đã bỏ phân công 2 vụ việc." in cleared.text and cases[0].assignee is None
