"""Unit tests for tingia.matching.images (OCR tests are few and use small images)."""

import io
import logging

import pytest
from matching_samples import OTHER_POST, POST, encode, photo, screenshot_png
from PIL import Image

from tingia.matching import images
from tingia.matching.images import (
    InvalidImage,
    fingerprint_image,
    hamming,
    phash_distance,
    sniff_image_type,
    to_signed,
    to_unsigned,
)
from tingia.matching.normalise import normalise_text
from tingia.matching.scoring import photo_similarity
from tingia.matching.textsim import text_similarity

PHOTO = photo(1)


@pytest.mark.parametrize(
    ("fmt", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_sniff_image_type(fmt, mime):
    assert sniff_image_type(encode(PHOTO, fmt)) == mime


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b"<html><body>not an image</body></html>",
        b"GIF89a" + bytes(20),
        b"RIFF\x00\x00\x00\x00WAVEfmt ",
    ],
)
def test_sniff_rejects_other_bytes(data):
    assert sniff_image_type(data) is None


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4 renamed to photo.png",
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 20,
        encode(PHOTO, "PNG")[:200],  # truncated download
        encode(PHOTO, "GIF"),
    ],
)
def test_invalid_images_are_rejected(data):
    with pytest.raises(InvalidImage):
        fingerprint_image(data, ocr=False)


def test_decompression_bomb_is_rejected_before_decoding(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 10_000)
    with pytest.raises(InvalidImage, match="too large"):
        fingerprint_image(encode(PHOTO, "PNG"), ocr=False)


def test_hash_helpers():
    assert to_signed(2**64 - 1) == -1
    assert to_unsigned(-1) == 2**64 - 1
    assert to_signed(to_unsigned(-12345)) == -12345
    assert hamming(-1, 0) == 64
    assert hamming(0b1011, 0b0001) == 2


def test_photo_fingerprint():
    data = encode(PHOTO)
    fp = fingerprint_image(data, ocr=False)
    assert not fp.text_heavy
    assert fp.ocr_text == ""
    assert (fp.width, fp.height) == PHOTO.size
    assert len(fp.sha256) == 64
    assert -(2**63) <= fp.phash < 2**63 and -(2**63) <= fp.dhash < 2**63
    assert fp == fingerprint_image(data, ocr=False)
    if images.pdqhash is not None:
        assert fp.pdq is not None and len(fp.pdq) == 64


def _variants(img: Image.Image) -> dict[str, bytes]:
    w, h = img.size
    framed = Image.new("RGB", (w + 30, h + 30), (250, 250, 250))
    framed.paste(img, (15, 15))
    captioned = Image.new("RGB", (w, h + 40), (255, 255, 255))
    captioned.paste(img, (0, 0))
    from PIL import ImageDraw, ImageFont

    ImageDraw.Draw(captioned).text(
        (8, h + 8),
        "Sự thật về vụ việc",
        fill=(0, 0, 0),
        font=ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 18),
    )
    return {
        "recompressed": encode(img, quality=35),
        "resized": encode(img.resize((w // 2, h // 2))),
        "cropped": encode(img.crop((int(w * 0.06), int(h * 0.06), w, h))),
        "framed": encode(framed),
        "captioned": encode(captioned),
        "webp": encode(img, "WEBP"),
    }


@pytest.mark.parametrize(
    "variant", ["recompressed", "resized", "cropped", "framed", "captioned", "webp"]
)
def test_photo_variants_stay_close(variant):
    original = fingerprint_image(encode(PHOTO), ocr=False)
    copy = fingerprint_image(_variants(PHOTO)[variant], ocr=False)
    assert not copy.text_heavy
    assert photo_similarity(original, copy) >= 70, phash_distance(original, copy)


def test_different_photos_are_far_apart():
    a = fingerprint_image(encode(photo(1)), ocr=False)
    for seed in range(2, 8):
        b = fingerprint_image(encode(photo(seed)), ocr=False)
        assert photo_similarity(a, b) == 0


def test_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise when shown
    buf = io.BytesIO()
    PHOTO.save(buf, "JPEG", exif=exif.tobytes())
    fp = fingerprint_image(buf.getvalue(), ocr=False)
    assert (fp.width, fp.height) == (PHOTO.height, PHOTO.width)


def test_transparent_png_is_flattened_on_white():
    rgba = Image.new("RGBA", (120, 90), (0, 0, 0, 0))
    fp = fingerprint_image(encode(rgba, "PNG"), ocr=False)
    white = fingerprint_image(encode(Image.new("RGB", (120, 90), "white"), "PNG"), ocr=False)
    assert fp.phash == white.phash


def test_screenshots_are_text_heavy_and_look_alike():
    a = fingerprint_image(screenshot_png(POST), ocr=False)
    b = fingerprint_image(screenshot_png(OTHER_POST), ocr=False)
    assert a.text_heavy and b.text_heavy
    assert a.ocr_text == ""  # ocr=False
    # The reason screenshots are never grouped on perceptual hashes: same layout, close hashes.
    assert hamming(a.phash, b.phash) < hamming(a.phash, fingerprint_image(encode(PHOTO)).phash)


def test_ocr_reads_light_dark_and_recompressed_screenshots():
    post = normalise_text(POST)
    light = fingerprint_image(screenshot_png(POST, width=360))
    dark = fingerprint_image(screenshot_png(POST, width=412, dark=True))
    jpeg = fingerprint_image(screenshot_png(POST, width=300, fmt="JPEG"))
    for fp in (light, dark, jpeg):
        assert fp.text_heavy
        assert text_similarity(normalise_text(fp.ocr_text), post) >= 80, fp.ocr_text
    other = fingerprint_image(screenshot_png(OTHER_POST, width=360))
    assert text_similarity(normalise_text(other.ocr_text), post) < 20


def test_missing_tesseract_gives_empty_text_and_one_warning(monkeypatch, caplog):
    pytesseract = pytest.importorskip("pytesseract")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    monkeypatch.setattr(images, "_ocr_warned", False)
    with caplog.at_level(logging.WARNING, logger=images.__name__):
        first = fingerprint_image(screenshot_png(POST))
        second = fingerprint_image(screenshot_png(OTHER_POST))
    assert first.text_heavy and first.ocr_text == "" and second.ocr_text == ""
    assert sum("OCR unavailable" in r.message for r in caplog.records) == 1
