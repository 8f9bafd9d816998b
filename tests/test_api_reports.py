"""POST /api/v1/reports and GET /api/v1/reports/<code>."""

import io

import pytest
from sqlalchemy import func, select

from tingia import create_app
from tingia.models import Report

JSON_REPORT = {
    "content": "Ngân hàng Nhà nước thông báo khóa tài khoản chưa cập nhật sinh trắc học",
    "url": "https://m.facebook.com/story.php?story_fbid=1&id=2&utm_source=zalo",
    "platform": "facebook",
    "province": "01",
    "category_hint": "fraud",
}


def count_reports(db):
    return db.session.scalar(select(func.count(Report.id)))


def test_json_report_is_accepted(client, db):
    response = client.post("/api/v1/reports", json=JSON_REPORT)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"tracking_code", "status", "status_url", "matches"}
    assert body["status"] == "received" and body["matches"] == []
    assert response.headers["Location"] == body["status_url"]
    status = client.get(body["status_url"])
    assert status.status_code == 200
    assert status.get_json()["tracking_code"] == body["tracking_code"]
    report = db.session.scalar(select(Report))
    assert report.source == "api" and report.category_hint == "fraud"


def test_multipart_report_with_images(client, db, make):
    data = {
        **JSON_REPORT,
        "images": [
            (io.BytesIO(make.png_bytes()), "a.png"),
            (io.BytesIO(make.png_bytes(color="blue")), "b.png"),
        ],
    }
    response = client.post("/api/v1/reports", data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    report = db.session.scalar(select(Report))
    assert [a.content_type for a in report.attachments] == ["image/png", "image/png"]


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"platform": "facebook", "province": "01"}, {"content"}),
        ({**JSON_REPORT, "platform": "myspace"}, {"platform"}),
        ({**JSON_REPORT, "province": "1"}, {"province"}),
        ({**JSON_REPORT, "province": None}, {"province"}),
        ({**JSON_REPORT, "url": "javascript:alert(1)"}, {"url"}),
        ({**JSON_REPORT, "contact_email": "x@y"}, {"contact_email", "contact_consent"}),
        ({**JSON_REPORT, "contact_phone": "+84 912 345 678"}, {"contact_consent"}),
        ({**JSON_REPORT, "content": ["a", "list"]}, {"content"}),
        ({**JSON_REPORT, "images": ["aGVsbG8="]}, {"images"}),
    ],
)
def test_invalid_json_fields_are_named(client, db, payload, fields):
    response = client.post("/api/v1/reports", json=payload)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == fields
    assert all(error["fields"].values())
    assert count_reports(db) == 0


def test_contact_with_consent_is_accepted(client, db):
    payload = {**JSON_REPORT, "contact_phone": "+84 912 345 678", "contact_consent": True}
    assert client.post("/api/v1/reports", json=payload).status_code == 201
    assert db.session.scalar(select(Report.contact_phone)) == "+84912345678"


def test_malformed_json_is_400(client, db):
    response = client.post("/api/v1/reports", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    assert client.post("/api/v1/reports", json=["a"]).status_code == 400


def test_unsupported_body_type_is_415(client, db):
    response = client.post("/api/v1/reports", data="hello", content_type="text/plain")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_non_image_bytes_named_png_are_415(client, db):
    data = {**JSON_REPORT, "images": [(io.BytesIO(b"%PDF-1.7 not an image"), "shot.png")]}
    response = client.post("/api/v1/reports", data=data, content_type="multipart/form-data")
    assert response.status_code == 415
    assert "images" in response.get_json()["error"]["fields"]
    assert count_reports(db) == 0


def test_truncated_image_is_422(client, db, make):
    broken = make.png_bytes(400, 400)[:200]
    data = {**JSON_REPORT, "images": [(io.BytesIO(broken), "broken.png")]}
    response = client.post("/api/v1/reports", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "images" in response.get_json()["error"]["fields"]


def test_image_over_the_size_limit_is_413(client, db, app, make):
    app.config["MAX_IMAGE_BYTES"] = 1000
    big = make.png_bytes(300, 300) + b"\0" * 2000
    data = {**JSON_REPORT, "images": [(io.BytesIO(big), "big.png")]}
    response = client.post("/api/v1/reports", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "images" in response.get_json()["error"]["fields"]


def test_request_over_the_body_limit_is_413_json(client, db, app):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    data = {**JSON_REPORT, "images": [(io.BytesIO(b"\0" * 20_000), "big.png")]}
    response = client.post("/api/v1/reports", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_six_images_are_refused(client, db, make):
    images = [
        (io.BytesIO(make.png_bytes(color=c)), f"{c}.png")
        for c in ("red", "green", "blue", "white", "black", "yellow")
    ]
    response = client.post(
        "/api/v1/reports",
        data={**JSON_REPORT, "images": images},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "5" in response.get_json()["error"]["fields"]["images"]


def test_status_lookup_has_no_personal_data_and_404s(client, db):
    payload = {
        **JSON_REPORT,
        "contact_name": "Trần Thị Bí Mật",
        "contact_email": "bimat@example.vn",
        "contact_consent": True,
    }
    code = client.post("/api/v1/reports", json=payload).get_json()["tracking_code"]
    text = client.get(f"/api/v1/reports/{code}").get_data(as_text=True)
    assert "Bí Mật" not in text and "bimat@example.vn" not in text and "contact" not in text
    missing = client.get("/api/v1/reports/ABCD-EFGH-JKMN")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"


def test_rate_limit_answers_429_json(app, db, app_config):
    limited_app = create_app(
        {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_REPORTS": "2 per minute"}
    )
    client = limited_app.test_client()
    statuses = [client.post("/api/v1/reports", json=JSON_REPORT).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    limited = client.post("/api/v1/reports", json=JSON_REPORT)
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert count_reports(db) == 2


def test_unknown_api_route_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
