"""Images chosen on a report form survive a validation error (kept server-side, the form carries
their tokens), and a form sent twice makes one report."""

import hashlib
import io
import re
from datetime import timedelta

from sqlalchemy import func, select

from tingia.database import utcnow
from tingia.intake.service import purge_pending_uploads
from tingia.jobs import worker
from tingia.models import PendingUpload, Report

VALID = {
    "content": "Tin đồn: từ tháng sau mỗi thuê bao phải nộp 500.000 đồng để giữ số điện thoại",
    "platform": "zalo",
    "province": "48",
    "category_hint": "fake_news",
}


def post(client, data, files=()):
    payload = dict(data)
    payload["images"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/report", data=payload, content_type="multipart/form-data")


def kept_tokens(page: str) -> list[str]:
    return re.findall(r'name="kept_images" value="([^"]+)" checked', page)


def submission_key(page: str) -> str:
    return re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_chosen_images_survive_an_error_and_are_sent_with_the_report(client, db, make):
    shot = make.png_bytes(320, 640, "white", "Tin gia")
    first = post(client, {**VALID, "platform": ""}, [("man-hinh.png", shot)])
    assert first.status_code == 400
    page = first.text
    assert 'id="platform-error"' in page
    [token] = kept_tokens(page)
    assert 'data-testid="kept-image"' in page and "man-hinh.png" in page
    assert count(db, PendingUpload) == 1 and count(db, Report) == 0

    thumbnail = client.get(f"/report/images/{token}")
    assert thumbnail.status_code == 200 and thumbnail.data == shot
    assert thumbnail.headers["Cache-Control"] == "private, no-store"
    assert client.get("/report/images/not-a-token").status_code == 404

    key = submission_key(page)
    second = post(client, {**VALID, "kept_images": token, "submission_key": key})
    assert second.status_code == 302
    report = db.session.scalar(select(Report))
    [attachment] = report.attachments
    assert attachment.sha256 == hashlib.sha256(shot).hexdigest()
    assert attachment.original_name == "man-hinh.png"
    assert count(db, PendingUpload) == 0  # used once, then gone


def test_an_unticked_kept_image_is_left_out(client, db, make):
    page = post(client, {**VALID, "province": ""}, [("a.png", make.png_bytes(color="red"))]).text
    assert kept_tokens(page)
    response = post(client, {**VALID, "submission_key": submission_key(page)})
    assert response.status_code == 302
    assert db.session.scalar(select(Report)).attachments == []


def test_kept_and_new_images_count_together(client, db, make, app):
    app.config["MAX_IMAGES"] = 2
    page = post(
        client,
        {**VALID, "platform": ""},
        [("a.png", make.png_bytes(color="red")), ("b.png", make.png_bytes(color="blue"))],
    ).text
    tokens = kept_tokens(page)
    assert len(tokens) == 2
    response = post(
        client,
        {**VALID, "kept_images": tokens, "submission_key": submission_key(page)},
        [("c.png", make.png_bytes(color="green"))],
    )
    assert response.status_code == 400
    assert "Chỉ gửi tối đa 2 ảnh." in response.text
    assert count(db, Report) == 0


def test_the_same_form_sent_twice_makes_one_report(client, db):
    page = client.get("/report").text
    key = submission_key(page)
    first = post(client, {**VALID, "submission_key": key})
    again = post(client, {**VALID, "submission_key": key})
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert count(db, Report) == 1
    # A new form is a new report.
    other = post(client, {**VALID, "submission_key": submission_key(client.get("/report").text)})
    assert other.headers["Location"] != first.headers["Location"] and count(db, Report) == 2


def test_expired_pending_uploads_are_not_used_and_are_purged(client, db, make):
    page = post(client, {**VALID, "platform": ""}, [("a.png", make.png_bytes())]).text
    [token] = kept_tokens(page)
    pending = db.session.scalar(select(PendingUpload))
    pending.created_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    assert client.get(f"/report/images/{token}").status_code == 404
    response = post(client, {**VALID, "kept_images": token, "submission_key": submission_key(page)})
    assert response.status_code == 302
    assert db.session.scalar(select(Report)).attachments == []
    assert purge_pending_uploads() == 1
    db.session.commit()
    assert count(db, PendingUpload) == 0


def test_the_worker_purges_pending_uploads_periodically():
    names = {job.name: job for job in worker.PERIODIC_JOBS}
    assert names["pending-uploads"].interval_key == "PENDING_UPLOAD_PURGE_INTERVAL_SECONDS"
