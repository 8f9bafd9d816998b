"""No automatic step moves a report or a case across centres; a match with another centre's case
becomes a visible link, and the national centre takes such stories over by an explicit action."""

from __future__ import annotations

from sqlalchemy import select

from tingia.models import Case, CaseLink, CaseStatus, Report

HCM_POST = (
    "Thông báo khẩn: từ ngày 15 tháng này, toàn bộ xe máy đăng ký trước năm 2010 tại Thành phố "
    "Hồ Chí Minh sẽ bị cấm lưu thông trong nội thành, người dân phải nộp lại xe cho phường để "
    "nhận tiền hỗ trợ năm triệu đồng mỗi chiếc, ai không nộp sẽ bị phạt đến hai mươi triệu đồng "
    "theo quyết định mới của thành phố ban hành tuần trước"
)
LINK = "https://www.facebook.com/groups/xemay/posts/987654321/"


def submit(client, **fields) -> str:
    body = {"content": "", "platform": "facebook", "province": "01", **fields}
    response = client.post("/api/v1/reports", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["tracking_code"]


def by_code(db, code: str) -> Report:
    return db.session.scalar(select(Report).where(Report.tracking_code == code))


def test_a_citizen_cannot_pull_another_provinces_case_into_their_own(client, db, run_worker):
    hcm_code = submit(
        client,
        content=HCM_POST,
        province="79",
        contact_name="Lê Văn Tư",
        contact_email="tu@example.vn",
        contact_phone="0901234567",
        contact_consent=True,
    )
    run_worker()
    link_code = submit(client, url=LINK, province="01")  # link only: a Hà Nội case of its own
    run_worker()
    bridge_code = submit(client, url=LINK, content=HCM_POST[:300] + " ai biết thật không?")
    run_worker()

    hcm, link_only, bridge = (by_code(db, code) for code in (hcm_code, link_code, bridge_code))
    hcm_case = hcm.case
    assert hcm_case.centre.province_code == "79"
    assert hcm_case.status == CaseStatus.OPEN and hcm_case.report_count == 1
    assert hcm.case_id != bridge.case_id
    assert bridge.case_id == link_only.case_id  # the link joined its own centre's case
    assert bridge.case.centre.province_code == "01"
    links = db.session.scalars(select(CaseLink)).all()
    assert {(link.case_id, link.other_case_id) for link in links} == {
        tuple(sorted((hcm_case.id, bridge.case_id)))
    }


def test_a_match_with_another_centres_case_is_shown_to_both_without_its_contacts(
    client, db, make, run_worker
):
    hcm_code = submit(
        client,
        content=HCM_POST,
        province="79",
        contact_email="tu@example.vn",
        contact_phone="0901234567",
        contact_consent=True,
    )
    run_worker()
    hanoi_code = submit(client, content=HCM_POST, province="01")
    run_worker()
    hcm, hanoi = by_code(db, hcm_code), by_code(db, hanoi_code)
    assert hcm.case_id != hanoi.case_id  # the same text, but two centres: linked, not joined

    hanoi_verifier = make.user("verifier", "01")
    make.login(client, hanoi_verifier)
    page = client.get(f"/staff/cases/{hanoi.case_id}").get_data(as_text=True)
    assert "tu@example.vn" not in page and "0901234567" not in page
    assert 'data-testid="linked-case"' in page and "Hồ Chí Minh" in page
    # The other centre's case stays out of reach.
    assert client.get(f"/staff/cases/{hcm.case_id}").status_code == 404

    hcm_verifier = make.user("verifier", "79")
    make.login(client, hcm_verifier)
    page = client.get(f"/staff/cases/{hcm.case_id}").get_data(as_text=True)
    assert "tu@example.vn" in page
    assert 'data-testid="linked-case"' in page and "Hà Nội" in page


def test_national_staff_see_multi_province_stories_and_take_them_over(client, db, make, run_worker):
    hcm_code = submit(client, content=HCM_POST, province="79")
    run_worker()
    hanoi_code = submit(
        client,
        content=HCM_POST,
        province="01",
        contact_email="ha@example.vn",
        contact_consent=True,
    )
    run_worker()
    national = make.user("lead", None)
    make.login(client, national)
    listing = client.get("/staff/linked").get_data(as_text=True)
    hanoi_case_id = by_code(db, hanoi_code).case_id
    assert f"/staff/cases/{hanoi_case_id}" in listing

    response = client.post(f"/staff/cases/{hanoi_case_id}/take-over")
    assert response.status_code == 302
    db.session.expire_all()
    hcm, hanoi = by_code(db, hcm_code), by_code(db, hanoi_code)
    assert hcm.case_id == hanoi.case_id
    assert hcm.case.centre.is_national and hcm.case.report_count == 2
    # The national centre owns the case now: it sees the contacts; Hà Nội no longer sees it.
    page = client.get(f"/staff/cases/{hcm.case_id}").get_data(as_text=True)
    assert "ha@example.vn" in page
    make.login(client, make.user("verifier", "01"))
    assert client.get(f"/staff/cases/{hcm.case_id}").status_code == 404


def test_contacts_stay_with_the_routed_centre_after_a_national_merge(client, db, make):
    hanoi_report = make.report(
        HCM_POST, province="01", contact_email="a@example.vn", contact_consent=True
    )
    hcm_case = make.case(make.report("Tin khác ở Thành phố Hồ Chí Minh", province="79"))
    hanoi_case = make.case(hanoi_report)
    national = make.user("admin", None)
    db.session.commit()
    from tingia.triage import service

    service.merge(hcm_case, hanoi_case, national)  # an explicit merge by national staff
    db.session.commit()
    assert hanoi_report.case_id == hcm_case.id
    make.login(client, make.user("verifier", "79"))
    page = client.get(f"/staff/cases/{hcm_case.id}").get_data(as_text=True)
    assert "a@example.vn" not in page  # routed to Hà Nội, whatever case it sits in now
    assert db.session.get(Case, hanoi_case.id).status == CaseStatus.CLOSED
