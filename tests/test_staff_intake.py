"""Reports taken by staff for a caller (hotline, phone, email) and the queue's CSV export."""

import csv
import io
import re

from tingia.models import Report


def test_staff_enter_a_report_through_the_same_pipeline(client, db, make, run_worker):
    verifier = make.user("verifier", "01", name="Trực tổng đài")
    make.login(client, verifier)
    form = client.get("/staff/reports/new").text
    assert re.search(
        r"<option [^>]*selected[^>]* value=\"01\"|<option [^>]*value=\"01\" selected", form
    )
    assert 'name="channel"' in form
    response = client.post(
        "/staff/reports/new",
        data={
            "channel": "hotline",
            "content": "Người gọi kể: tin nhắn mạo danh ngân hàng đòi cập nhật sinh trắc học",
            "url": "sbv-xacthuc.top/cap-nhat",
            "platform": "sms",
            "province": "01",
            "category_hint": "fraud",
            "contact_phone": "0912 345 678",
            "contact_consent": "y",
        },
    )
    assert response.status_code == 302
    report = db.session.query(Report).one()
    assert report.source == "hotline" and report.entered_by_id == verifier.id
    assert report.canonical_url == "https://sbv-xacthuc.top/cap-nhat"
    assert report.contact_phone == "0912345678" and report.centre.province_code == "01"
    assert report.tracking_code in response.headers["Location"]
    run_worker()
    assert db.session.get(Report, report.id).case_id is not None


def test_staff_intake_validates_like_the_web_form(client, db, make):
    make.login(client, make.user("verifier", "01"))
    refused = client.post(
        "/staff/reports/new",
        data={"channel": "fax", "platform": "sms", "province": "01", "contact_name": "An"},
    )
    assert refused.status_code == 400
    assert db.session.query(Report).count() == 0
    for field in ("channel", "content", "contact_consent"):
        assert f'id="{field}-error"' in refused.text


def test_queue_export_keeps_the_filters_and_never_the_contacts(client, db, make):
    verifier = make.user("verifier", "01")
    make.case(
        make.report(
            "Tin đồn trên Zalo về giá xăng",
            platform="zalo",
            contact_email="bimat@example.vn",
            contact_name="Nguyễn Bí Mật",
            contact_phone="0987654321",
            contact_consent=True,
        )
    )
    make.case(make.report("Tin trên TikTok", platform="tiktok"))
    make.case(make.report("Ở TP.HCM", "79", platform="zalo"))
    make.login(client, verifier)
    response = client.get("/staff/export.csv?platform=zalo")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) == 2 and "Tin đồn trên Zalo về giá xăng" in rows[1]
    assert "bimat@example.vn" not in response.text and "Nguyễn Bí Mật" not in response.text
    assert "0987654321" not in response.text
    every = list(csv.reader(io.StringIO(client.get("/staff/export.csv").text)))
    assert len(every) == 3  # this centre's two cases only
    assert 'data-testid="export-csv"' in client.get("/staff/?platform=zalo").text
