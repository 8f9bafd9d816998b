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
