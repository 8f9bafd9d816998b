"""Bugs found on the verifier pages (issue 9, item 10): each test failed before its fix."""

import re
from datetime import timedelta

import pytest

from tingia.centres.scoping import national_centre
from tingia.database import utcnow
from tingia.publishing import service as publishing
from tingia.triage import service


def select_block(html: str, select_id: str) -> str:
    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert found, f"no <select id={select_id}>"
    return found.group(1)


def options(html: str, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of each option of the named select."""
    found = []
    for attributes, label in re.findall(r"<option([^>]*)>(.*?)</option>", select_block(html, name)):
        value = re.search(r'value="([^"]*)"', attributes).group(1)
        found.append((value, label.strip(), bool(re.search(r"\bselected\b", attributes))))
    return found


def shown_choice(html: str, name: str) -> str:
    """The value a browser submits for the select: the selected option, else the first."""
    found = options(html, name)
    return next((value for value, _, selected in found if selected), found[0][0])


@pytest.fixture
def verifier(db, make, client):
    user = make.user("verifier", "01", name="Chị Hoa")
    make.login(client, user)
    return user


@pytest.fixture
def case(db, make):
    found = make.case(make.report("Bộ Y tế khuyến cáo uống nước chanh ấm diệt virus cúm A"))
    db.session.commit()
    return found


def test_assignee_select_shows_me_when_the_case_is_mine_so_saving_keeps_it(
    client, db, verifier, case
):
    service.assign(case, verifier.id, verifier)
    db.session.commit()
    html = client.get(f"/staff/cases/{case.id}").text
    choice = shown_choice(html, "assignee")
    label = next(label for value, label, _ in options(html, "assignee") if value == choice)
    assert "Chị Hoa" in label or "Tôi" in label
    client.post(f"/staff/cases/{case.id}/assign", data={"assignee": choice})
    assert case.assignee == verifier


def test_a_provincial_case_is_offered_to_its_centres_staff_only(client, db, make, verifier, case):
    make.user("verifier", "01", name="Anh Nam")
    make.user("verifier", None, name="Cán bộ quốc gia")
    make.user("verifier", "79", name="Cán bộ TP.HCM")
    db.session.commit()
    labels = [
        label for _, label, _ in options(client.get(f"/staff/cases/{case.id}").text, "assignee")
    ]
    assert any("Anh Nam" in label for label in labels)
    assert not any("quốc gia" in label or "TP.HCM" in label for label in labels)
    national = make.user("lead", None, name="Trưởng ban quốc gia")
    with pytest.raises(service.WorkflowError):
        service.assign(case, national.id, verifier)


def test_national_staff_can_assign_provincial_cases_in_bulk_to_that_centres_staff(
    client, db, make, case
):
    hanoi = make.user("verifier", "01", name="Anh Nam")
    national = make.user("lead", None, name="Trưởng ban")
    make.login(client, national)
    html = client.get("/staff/?province=01").text
    # The case page and the bulk form offer the same people for the same case.
    bulk = {label for value, label, _ in options(html, "bulk-assignee") if value.isdigit()}
    page = client.get(f"/staff/cases/{case.id}").text
    single = {label for value, label, _ in options(page, "assignee") if value.isdigit()}
    assert "Anh Nam" in bulk and bulk == single
    client.post(
        "/staff/bulk", data={"case_ids": [case.id], "action": "assign", "assignee": hanoi.id}
    )
    assert case.assignee == hanoi


def test_verdict_form_errors_are_sentences_without_codes_and_listed_in_the_summary(
    client, db, make, verifier, case
):
    service.triage(case, "verifiable", verifier)
    db.session.commit()
    response = client.post(
        f"/staff/cases/{case.id}/verdict",
        data={"rating": "", "title": "", "summary": "", "explanation": "", "sources": "x"},
    )
    assert response.status_code == 422
    html = response.text
    summary = html[html.index('data-testid="form-errors"') :]
    summary = summary[: summary.index("</div>")]
    errors = re.findall(r'<p class="error" id="([\w-]+)-error">\s*(.*?)\s*</p>', html, re.S)
    assert {name for name, _ in errors} == {
        "rating",
        "title",
        "claim",
        "summary",
        "explanation",
        "sources",
    }
    for name, message in errors:
        assert message[0].isupper(), message  # a sentence, not "phải là …"
        assert not re.search(r"\b(fake|untrue|misleading|authentic|inconclusive)\b", message)
        # The summary lists every error, each linking to its field.
        assert f'href="#{name}' in summary and message in summary


def test_each_rating_has_a_one_line_explanation(client, db, verifier, case):
    service.triage(case, "verifiable", verifier)
    db.session.commit()
    html = client.get(f"/staff/cases/{case.id}/verdict").text
    for rating in ("fake", "untrue", "misleading", "authentic", "inconclusive"):
        option = re.search(rf'<input[^>]*value="{rating}"[^>]*>', html).group(0)
        hint_id = re.search(r'aria-describedby="([^"]+)"', option).group(1)
        hint = re.search(rf'id="{hint_id}"[^>]*>(.*?)<', html, re.S).group(1).strip()
        assert len(hint) > 20, rating


def test_a_published_case_shows_no_deadline(client, db, make, verifier, case):
    lead = make.user("lead", "01")
    service.triage(case, "verifiable", verifier)
    publishing.save_publication(
        case,
        {
            "rating": "fake",
            "title": "Nước chanh không diệt virus cúm",
            "claim": "Nước chanh diệt virus cúm",
            "summary": "Không đúng.",
            "explanation": "Không có bằng chứng.",
            "sources": ["https://moh.gov.vn/"],
        },
        verifier,
    )
    publishing.publish(case, lead)
    case.first_seen = utcnow() - timedelta(hours=1, minutes=10)
    db.session.commit()
    html = client.get(f"/staff/cases/{case.id}").text
    clock = re.search(r'data-testid="case-clock"[^>]*>(.*?)</dd>', html, re.S).group(1)
    assert "giờ" not in clock and "ngày" not in clock
    assert "Đã công bố" in clock


def test_deadlines_are_counted_in_hours(client, db, make, verifier):
    soon = make.case(make.report("Tin đồn mới", created_at=utcnow() - timedelta(hours=3)))
    late = make.case(make.report("Tin đồn cũ", created_at=utcnow() - timedelta(hours=50)))
    db.session.commit()
    queue = client.get("/staff/").text

    def cell(case_id):
        row = queue[queue.index(f'data-case-id="{case_id}"') :]
        return re.sub(r"\s+", " ", row[: row.index("</tr>")])

    assert "Còn 20 giờ" in cell(soon.id) or "Còn 21 giờ" in cell(soon.id)
    assert "Quá hạn 26 giờ" in cell(late.id)
    assert "ngày" not in cell(soon.id) + cell(late.id)
    page = client.get(f"/staff/cases/{soon.id}").text
    assert "ngày" not in re.search(r'data-testid="case-clock"[^>]*>(.*?)</dd>', page, re.S)[1]


def test_match_reasons_are_in_plain_words(client, db, make, verifier, case):
    joined = make.report("Chia sẻ: uống nước chanh ấm diệt virus cúm A", url="https://fb.com/x")
    case_report = case.reports[0]
    from tingia.cases.membership import add_report

    add_report(joined, case)
    joined.match_basis, joined.match_score = "url", 100.0
    case_report.match_basis = None
    db.session.commit()
    html = client.get(f"/staff/cases/{case.id}").text
    article = html[html.index(f'id="report-{joined.id}"') :]
    article = article[: article.index("</article>")]
    assert "khớp theo url" not in article and "100.00" not in article
    assert "cùng đường liên kết" in article.lower()


def test_the_text_read_from_screenshots_is_on_the_case_page(client, db, make, verifier):
    report = make.report("Xem ảnh", images=[make.png_bytes()])
    report.attachments[0].ocr_text = "Vietcombank thông báo tài khoản của quý khách bị khoá"
    report.attachments[0].text_heavy = True
    found = make.case(report)
    db.session.commit()
    html = client.get(f"/staff/cases/{found.id}").text
    assert "Vietcombank thông báo tài khoản của quý khách bị khoá" in html


def test_national_bulk_choices_are_grouped_by_the_centres_of_the_cases_listed(
    client, db, make, case
):
    make.user("verifier", "01", name="Anh Nam")
    make.user("verifier", "79", name="Chị Lan")
    national = make.user("lead", None, name="Trưởng ban")
    make.case(make.report("Tin đồn ở TP.HCM", "79"))
    make.case(make.report("Tin đồn cấp quốc gia")).centre = national_centre()
    make.login(client, national)
    html = client.get("/staff/").text
    block = select_block(html, "bulk-assignee")
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', block, re.S)
    assert [label for label, _ in groups] == sorted(label for label, _ in groups)
    people = {label: re.findall(r">([^<]+)</option>", options) for label, options in groups}
    assert people["Trung tâm Xử lý tin giả – Thành phố Hà Nội"] == ["Anh Nam"]
    assert people["Trung tâm Xử lý tin giả – Thành phố Hồ Chí Minh"] == ["Chị Lan"]
    assert any("Tôi (Trưởng ban)" in names for names in people.values())
