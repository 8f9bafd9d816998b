"""Staff API: cases, their reports and images, paginated and scoped to the user's centre."""

import pytest

from tingia.models import Case


@pytest.fixture
def grouped(db, make, run_worker):
    """Reports from Hà Nội (3 stories, one reported twice) and one from Huế, processed."""
    reports = [
        make.report(
            "Đập thủy điện Hòa Bình bị nứt, nước sắp tràn về Hà Nội trong đêm nay",
            "01",
            contact_email="a@example.vn",
            contact_consent=True,
            images=[make.png_bytes()],
        ),
        make.report("Dap thuy dien Hoa Binh bi nut, nuoc sap tran ve Ha Noi trong dem nay", "01"),
        make.report(
            "Giá xăng tăng lên 35.000 đồng một lít từ 15 giờ chiều nay, đổ xăng ngay", "01"
        ),
        make.report(
            "Tuyển cộng tác viên thả tim video TikTok, nạp trước 200.000 đồng kích hoạt", "01"
        ),
        make.report(
            "Cảnh báo bắt cóc trẻ em bằng xe 7 chỗ màu trắng trước cổng trường ở Huế", "46"
        ),
    ]
    db.session.commit()
    from tingia.jobs.tasks import enqueue_report

    for report in reports:
        enqueue_report(report.id)
    assert run_worker() == len(reports)
    return reports


def test_token_is_required(client, db):
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"]["code"] == "unauthorized"
    bad = client.get("/api/v1/cases", headers={"Authorization": "Bearer tg_nope"})
    assert bad.status_code == 401


def test_revoked_token_stops_working(client, db, make):
    from tingia.auth.service import revoke_api_token
    from tingia.models import ApiToken

    headers = make.auth_headers(make.user())
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    revoke_api_token(db.session.scalar(db.select(ApiToken)))
    db.session.commit()
    assert client.get("/api/v1/cases", headers=headers).status_code == 401


def test_list_shape_and_scoping(client, db, make, grouped):
    hanoi = make.auth_headers(make.user(province="01"))
    items = client.get("/api/v1/cases", headers=hanoi).get_json()["items"]
    assert len(items) == 3
    assert {item["province"] for item in items} == {"01"}
    dam = next(item for item in items if item["report_count"] == 2)
    assert set(dam) >= {
        "id",
        "status",
        "category",
        "province",
        "report_count",
        "reports",
        "first_seen",
        "last_seen",
    }
    assert sorted(dam["reports"]) == sorted(r.tracking_code for r in grouped[:2])
    assert dam["status"] == "open" and dam["category"] is None

    national = make.auth_headers(make.user(province=None))
    assert len(client.get("/api/v1/cases", headers=national).get_json()["items"]) == 4
    hue = make.auth_headers(make.user(province="46"))
    assert [
        i["province"] for i in client.get("/api/v1/cases", headers=hue).get_json()["items"]
    ] == ["46"]


def test_pagination_follows_next_until_null(client, db, make, grouped):
    headers = make.auth_headers(make.user(province=None))
    seen, url, pages = [], "/api/v1/cases?per_page=1", 0
    while url:
        body = client.get(url, headers=headers).get_json()
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
        pages += 1
    assert pages == 4 and len(set(seen)) == 4
    for bad in ("per_page=101", "per_page=0", "page=x"):
        response = client.get(f"/api/v1/cases?{bad}", headers=headers)
        assert response.status_code == 422
        assert set(response.get_json()["error"]["fields"]) & {"per_page", "page"}


def test_filters(client, db, make, grouped):
    headers = make.auth_headers(make.user(province=None))
    case = db.session.scalar(db.select(Case).where(Case.report_count == 1).order_by(Case.id))
    case.category, case.status = "fraud", "triaged"
    db.session.commit()
    by_category = client.get("/api/v1/cases?category=fraud", headers=headers).get_json()["items"]
    assert [item["id"] for item in by_category] == [case.id]
    assert len(client.get("/api/v1/cases?status=open", headers=headers).get_json()["items"]) == 3
    assert len(client.get("/api/v1/cases?province=46", headers=headers).get_json()["items"]) == 1
    bad = client.get("/api/v1/cases?status=nope&category=x&province=99", headers=headers)
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"status", "category", "province"}


def test_case_detail_has_reports_contacts_and_images(client, db, make, grouped):
    staff = make.user(province="01")
    headers = make.auth_headers(staff)
    case_id = grouped[0].case_id
    body = client.get(f"/api/v1/cases/{case_id}", headers=headers).get_json()
    first = next(r for r in body["reports"] if r["tracking_code"] == grouped[0].tracking_code)
    assert first["contact"]["email"] == "a@example.vn"
    assert first["content"].startswith("Đập thủy điện")
    [attachment] = first["attachments"]
    assert set(attachment) >= {"id", "url", "sha256", "width", "height"}
    image = client.get(attachment["url"], headers=headers)
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data == make.png_bytes()
    assert client.get(attachment["url"]).status_code == 401


def test_other_province_gets_404_for_case_and_image(client, db, make, grouped):
    hue = make.auth_headers(make.user(province="46"))
    case_id = grouped[0].case_id
    attachment_id = grouped[0].attachments[0].id
    assert client.get(f"/api/v1/cases/{case_id}", headers=hue).status_code == 404
    response = client.get(f"/api/v1/attachments/{attachment_id}/image", headers=hue)
    assert response.status_code == 404
    assert client.get("/api/v1/cases/999999", headers=hue).status_code == 404


def test_national_staff_see_the_case_but_not_provincial_contacts(client, db, make, grouped):
    national = make.auth_headers(make.user(province=None))
    body = client.get(f"/api/v1/cases/{grouped[0].case_id}", headers=national).get_json()
    assert all(report["contact"] is None for report in body["reports"])
    assert "a@example.vn" not in str(body)
