"""The citizen form at /report and the tracking page."""

import io
import re

import pytest
from sqlalchemy import select

from tingia.models import Report

VALID = {
    "content": "Bộ Y tế khuyến cáo uống nước chanh ấm pha muối để diệt virus cúm A",
    "url": "facebook.com/groups/abc/posts/123?fbclid=XYZ",
    "platform": "facebook",
    "province": "79",
    "category_hint": "fake_news",
}


def post_report(client, data, files=None):
    payload = dict(data)
    if files:
        payload["images"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/report", data=payload, content_type="multipart/form-data")


def test_form_is_in_vietnamese_by_default_and_english_on_request(client):
    page = client.get("/report").get_data(as_text=True)
    assert 'lang="vi"' in page
    assert "Thành phố Hồ Chí Minh" in page
    english = client.get("/report?lang=en").get_data(as_text=True)
    assert 'lang="en"' in english
    assert "Report suspected fake news" in english
    # The choice is remembered for the next page.
    assert 'lang="en"' in client.get("/track").get_data(as_text=True)


def test_form_lists_the_34_provinces_and_every_platform(client):
    page = client.get("/report").get_data(as_text=True)
    options = re.findall(r'<option [^>]*value="(\d\d)"', page)
    assert len(options) == 34
    for platform in ("facebook", "tiktok", "youtube", "zalo", "website", "sms", "phone", "other"):
        assert f'value="{platform}"' in page


def test_valid_report_gets_a_tracking_code_and_page(client, db, make):
    response = post_report(client, VALID, files=[("shot.png", make.png_bytes())])
    assert response.status_code == 302
    location = response.headers["Location"]
    code = re.search(r"/track/([A-Z2-9-]{14})\?new=1", location).group(1)
    report = db.session.scalar(select(Report).where(Report.tracking_code == code))
    assert report.province_code == "79"
    assert report.url == "https://facebook.com/groups/abc/posts/123?fbclid=XYZ"
    assert report.canonical_url is not None and "fbclid" not in report.canonical_url
    assert len(report.attachments) == 1 and report.attachments[0].width == 64
    page = client.get(location).get_data(as_text=True)
    assert code in page
    assert 'data-status="received"' in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"content": "", "url": ""}, "content", "at least the text, a link or a screenshot"),
        ({"platform": ""}, "platform", "Choose where you saw it"),
        ({"platform": "myspace"}, "platform", "Not a valid choice"),
        ({"province": ""}, "province", "Choose your province"),
        ({"province": "99"}, "province", "34 provinces"),
        ({"url": "ftp://example.com/x"}, "url", "http:// or https://"),
        ({"contact_email": "not-an-email", "contact_consent": "y"}, "contact_email", "valid email"),
        ({"contact_phone": "12345", "contact_consent": "y"}, "contact_phone", "Vietnamese phone"),
        ({"contact_name": "Lan"}, "contact_consent", "Tick this box"),
        ({"content": "x" * 20_001}, "content", "20000"),
    ],
)
def test_each_invalid_field_is_reported_next_to_it_and_input_is_kept(
    client, db, change, field, message
):
    data = {**VALID, **change}
    response = client.post("/report?lang=en", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    assert error is not None, f"no error shown for {field}"
    assert message in error.group(1)
    if data["content"] and len(data["content"]) < 100:
        assert data["content"] in page  # what the citizen typed is still there
    assert db.session.scalar(select(Report.id)) is None


def test_image_rules(client, db, app, make):
    app.config["MAX_IMAGE_BYTES"] = 20_000
    client.get("/report?lang=en")
    not_an_image = post_report(client, VALID, files=[("fake.png", b"<?php echo 1; ?>" * 10)])
    assert not_an_image.status_code == 400
    assert "not a JPEG, PNG or WebP image" in not_an_image.get_data(as_text=True)

    too_big = post_report(
        client, VALID, files=[("big.png", make.png_bytes(1200, 1200, "blue", "x") + b"\0" * 20_000)]
    )
    assert too_big.status_code == 400
    assert "larger than" in too_big.get_data(as_text=True)

    six = [
        (f"{n}.png", make.png_bytes(color=color))
        for n, color in enumerate(["red", "green", "blue", "white", "black", "yellow"])
    ]
    too_many = post_report(client, VALID, files=six)
    assert too_many.status_code == 400
    assert "at most 5 images" in too_many.get_data(as_text=True)
    assert db.session.scalar(select(Report.id)) is None


def test_a_screenshot_alone_is_enough(client, db, make):
    data = {"platform": "zalo", "province": "01"}
    response = post_report(client, data, files=[("s.png", make.png_bytes())])
    assert response.status_code == 302
    assert db.session.scalar(select(Report.content)) == ""


def test_contact_details_need_consent_and_are_stored_with_it(client, db):
    data = {
        **VALID,
        "contact_name": "Lan",
        "contact_email": "lan@example.vn",
        "contact_phone": "0912 345 678",
        "contact_consent": "y",
    }
    assert client.post("/report", data=data).status_code == 302
    report = db.session.scalar(select(Report))
    assert (report.contact_email, report.contact_phone) == ("lan@example.vn", "0912345678")
    assert report.contact_consent is True


def test_tracking_page_is_forgiving_and_404s_unknown_codes(client, db, make):
    report = make.report()
    db.session.commit()
    typed = report.tracking_code.lower().replace("-", "")
    response = client.get(f"/track/{typed}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/track/{report.tracking_code}")
    lookup = client.get(f"/track?code={typed}")
    assert lookup.status_code == 302
    assert client.get("/track/ABCD-EFGH-JKMN").status_code == 404


def test_tracking_page_shows_no_personal_data(client, db, make):
    report = make.report(
        contact_name="Nguyễn Văn Riêng",
        contact_email="rieng@example.vn",
        contact_phone="0912345678",
        contact_consent=True,
    )
    db.session.commit()
    page = client.get(f"/track/{report.tracking_code}").get_data(as_text=True)
    for secret in ("Nguyễn Văn Riêng", "rieng@example.vn", "0912345678"):
        assert secret not in page


def test_csrf_is_enforced_on_the_real_form(app, db):
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post("/report", data=VALID)
    assert response.status_code == 400
    assert db.session.scalar(select(Report.id)) is None


def test_provinces_are_sorted_by_their_proper_name(client):
    page = client.get("/report").get_data(as_text=True)
    names = re.findall(r'<option [^>]*value="\d\d">([^<]+)</option>', page)
    assert names[0] == "An Giang"
    assert names.index("Thành phố Hà Nội") < names.index("Hưng Yên") < names.index("Khánh Hòa")
