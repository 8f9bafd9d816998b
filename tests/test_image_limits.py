"""One pixel limit for intake and worker; the worker downscales before hashing and OCR and gives
each image a time budget (issue 8, item 9).

Before: intake accepted up to 60 MP and the worker refused above 50 MP, so a 55 MP image was
accepted and never fingerprinted; there was no time budget. The first three tests failed then.
"""

from __future__ import annotations

import io
import logging
import time

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select

from tingia import storage
from tingia.config import DefaultConfig
from tingia.matching import images
from tingia.matching import service as matching
from tingia.models import Attachment, Report

TEXT = "Ảnh vệ tinh cho thấy đê sông Hồng bị vỡ một đoạn dài, người dân cần sơ tán ngay"


def bilevel_png(width: int, height: int) -> bytes:
    """A large PNG that is cheap to build and to send (1 bit per pixel, a few shapes)."""
    image = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(image)
    for i in range(12):
        x = i * width // 13
        draw.rectangle([x, x * height // width, x + width // 20, x + height // 9], fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def post_form(client, data: bytes):
    form = {"content": TEXT, "platform": "facebook", "province": "01"}
    form["images"] = [(io.BytesIO(data), "big.png")]
    return client.post("/report", data=form, content_type="multipart/form-data")


def test_intake_refuses_above_the_limit_the_worker_applies(client, db, app):
    side = 7271  # 52.9 MP: above the worker's 50 MP, below what intake accepted before (60 MP)
    assert side * side > app.config.get("MAX_IMAGE_PIXELS", 50_000_000)
    data = bilevel_png(side, side)
    response = post_form(client, data)
    assert response.status_code == 400
    assert "quá nhiều điểm ảnh" in response.text  # "has too many pixels"
    form = {"content": TEXT, "platform": "zalo", "province": "01"}
    form["images"] = [(io.BytesIO(data), "big.png")]
    api = client.post("/api/v1/reports", data=form, content_type="multipart/form-data")
    assert api.status_code == 422 and "images" in api.get_json()["error"]["fields"]
    assert db.session.scalar(select(Report)) is None


class TestRaisedLimit:
    """The limit is one setting: raised, the worker fingerprints what intake now accepts."""

    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "MAX_IMAGE_PIXELS": 60_000_000}

    def test_an_accepted_55_megapixel_image_is_fingerprinted(self, client, db, run_worker):
        assert post_form(client, bilevel_png(7416, 7416)).status_code == 302
        run_worker()
        attachment = db.session.scalars(select(Attachment)).one()
        assert attachment.fingerprinted_at is not None
        assert attachment.phash is not None and attachment.text_heavy is False
        # Stored downscaled (STORED_MAX_PIXELS) by a whole factor, upright and clean.
        assert attachment.width * attachment.height <= 16_000_000
        assert attachment.width == 7416 // 2


def test_a_slow_image_is_cut_at_its_time_budget(app, db, make, monkeypatch, caplog):
    app.config["IMAGE_TIME_BUDGET_SECONDS"] = 0.5
    report = make.report(TEXT, images=[make.png_bytes(200, 200, "green")])
    db.session.commit()

    def slow_fingerprint(data, ocr=True):
        for _ in range(100):  # 5 s, in steps the budget's signal can interrupt
            time.sleep(0.05)
        return images.fingerprint_image(data, ocr=ocr)

    monkeypatch.setattr(matching, "fingerprint_image", slow_fingerprint)
    began = time.monotonic()
    with caplog.at_level(logging.WARNING, logger=matching.__name__):
        outcome = matching.process_report(report.id)
    assert time.monotonic() - began < 3
    assert outcome["outcome"] == "new"  # still grouped, on its text
    attachment = report.attachments[0]
    assert attachment.fingerprinted_at is not None and attachment.phash is None
    assert "time budget" in caplog.text


def test_the_worker_fingerprints_a_downscaled_copy(app, db, make):
    photo = Image.new("RGB", (4000, 3000), "navy")
    ImageDraw.Draw(photo).ellipse([500, 500, 3000, 2500], fill="orange")
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=90)
    report = make.report(TEXT, images=[buffer.getvalue()])
    key = report.attachments[0].storage_key
    small = storage.fingerprint_input(key, 2_000_000, min_width=images.OCR_WIDTH)
    with Image.open(io.BytesIO(small)) as reread:
        assert reread.format == "PNG"
        assert 1_900_000 <= reread.width * reread.height <= 2_100_000
        assert abs(reread.width / reread.height - 4 / 3) < 0.01
    full = images.fingerprint_image(storage.read_image(key), ocr=False)
    reduced = images.fingerprint_image(small, ocr=False)
    assert images.hamming(full.phash, reduced.phash) <= 4  # the same photo to the matcher


def test_a_long_screenshot_keeps_a_width_ocr_reads(app, db, make):
    report = make.report(TEXT, images=[make.png_bytes(1080, 12000, "white", text="Xem thêm")])
    key = report.attachments[0].storage_key
    small = storage.fingerprint_input(key, 2_000_000, min_width=images.OCR_WIDTH)
    with Image.open(io.BytesIO(small)) as reread:
        assert reread.width == images.OCR_WIDTH
    tiny = make.report(TEXT, images=[make.png_bytes(300, 600, "white")]).attachments[0]
    assert storage.fingerprint_input(tiny.storage_key, 2_000_000, 1000) == storage.read_image(
        tiny.storage_key
    )


def test_the_budget_outlasts_tesseracts_own_timeout():
    # Tesseract's timeout kills its process; the budget interrupting OCR first would leave the
    # tesseract process running on its own.
    assert DefaultConfig.IMAGE_TIME_BUDGET_SECONDS > images.OCR_TIMEOUT_S
