"""Uploaded images are re-encoded before they are stored: no camera, GPS, XMP, ICC or comment
survives, the picture stays upright, and no route ever serves the uploaded bytes.

Each test sends a real JPEG carrying GPS EXIF (built with Pillow) through the web form or the API.
Before the fix, the stored file was the uploaded bytes and every test here failed.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import ExifTags, Image, ImageCms, ImageDraw
from sqlalchemy import select

from tingia import storage
from tingia.models import Attachment, Report
from tingia.publishing import service as publishing
from tingia.triage import service as triage

CAMERA = "Pixel 8 Pro"
COMMENT = b"Dien thoai cua Nguyen Van Bi Mat"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'dc:creator="Nguyen Van Bi Mat"/></rdf:RDF></x:xmpmeta>'
)
TEXT = "Ảnh chụp đoàn xe chở hàng cứu trợ bị chặn lại ở cửa khẩu, chia sẻ ngay cho mọi người"


def gps_jpeg(width: int = 400, height: int = 200) -> bytes:
    """A phone photo as it leaves the camera: GPS, make and model, a comment, XMP, an ICC
    profile, and Orientation 6 (the sensor's pixels must be turned 90° clockwise to be upright).

    Left half red, right half blue: upright, red is on top."""
    image = Image.new("RGB", (width, height), "blue")
    ImageDraw.Draw(image).rectangle([0, 0, width // 2, height], fill="red")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Google"
    exif[ExifTags.Base.Model] = CAMERA
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (21.0, 1.0, 42.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 51.0, 12.25)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif, comment=COMMENT, xmp=XMP, icc_profile=icc)
    data = buffer.getvalue()
    # The test image really carries what the tests say is stripped.
    with Image.open(io.BytesIO(data)) as check:
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert check.getexif()[ExifTags.Base.Orientation] == 6
        assert {"icc_profile", "comment", "xmp"} <= set(check.info)
    return data


def assert_clean(data: bytes) -> None:
    """No metadata at all in these bytes, and the picture upright (red on top)."""
    for secret in (CAMERA.encode(), b"Google", COMMENT, b"xmpmeta", b"Bi Mat", b"Exif"):
        assert secret not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert not {"icc_profile", "comment", "xmp", "exif"} & set(image.info)
        assert image.size == (200, 400)
        rgb = image.convert("RGB")
        red, blue = rgb.getpixel((100, 50)), rgb.getpixel((100, 350))
    assert red[0] > 200 and red[2] < 60, red
    assert blue[2] > 200 and blue[0] < 60, blue


def stored_bytes(attachment: Attachment) -> bytes:
    return storage.image_path(attachment.storage_key).read_bytes()


def only_attachment(db) -> Attachment:
    return db.session.scalars(select(Attachment)).one()


def form_post(client, photo: bytes, **fields):
    data = {"content": TEXT, "platform": "facebook", "province": "01", **fields}
    data["images"] = [(io.BytesIO(photo), "IMG_20250101_093012.jpg")]
    return client.post("/report", data=data, content_type="multipart/form-data")


def test_web_form_stores_the_photo_without_metadata_and_upright(client, db):
    photo = gps_jpeg()
    assert form_post(client, photo).status_code == 302
    attachment = only_attachment(db)
    assert_clean(stored_bytes(attachment))
    assert (attachment.width, attachment.height) == (200, 400)
    assert attachment.content_type == "image/jpeg"
    assert attachment.size_bytes == len(stored_bytes(attachment))
    # Exact-copy matching still keys on the uploaded file's digest.
    assert attachment.sha256 == hashlib.sha256(photo).hexdigest()
    assert attachment.sha256 != hashlib.sha256(stored_bytes(attachment)).hexdigest()


def test_api_multipart_stores_the_photo_without_metadata(client, db):
    data = {"content": TEXT, "platform": "zalo", "province": "79"}
    data["images"] = [(io.BytesIO(gps_jpeg()), "photo.jpg")]
    response = client.post("/api/v1/reports", data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert_clean(stored_bytes(only_attachment(db)))


def test_staff_routes_serve_the_reencoded_file(client, db, make):
    form_post(client, gps_jpeg())
    attachment = only_attachment(db)
    verifier = make.user("verifier", "01")
    make.case(attachment.report)
    headers = make.auth_headers(verifier)
    make.login(client, verifier)
    page = client.get(f"/staff/attachments/{attachment.id}")
    api = client.get(f"/api/v1/attachments/{attachment.id}/image", headers=headers)
    for response in (page, api):
        assert response.status_code == 200
        assert response.data == stored_bytes(attachment)
        assert_clean(response.data)


def test_a_publishable_image_is_public_without_its_gps(client, db, make):
    form_post(client, gps_jpeg())
    attachment = only_attachment(db)
    verifier, lead = make.user("verifier", "01"), make.user("lead", "01")
    case = make.case(attachment.report)
    publishing.set_publishable(attachment, True, verifier)
    triage.triage(case, "verifiable", verifier)
    content = {"rating": "fake", "title": "Ảnh cũ", "claim": "Đoàn xe bị chặn", "summary": "Sai."}
    content |= {"explanation": "Ảnh cũ.", "sources": ["https://moh.gov.vn/tin-tuc/1"]}
    publishing.save_publication(case, content, lead)
    verdict = publishing.publish(case, make.user("lead", "01"))
    db.session.commit()
    response = client.get(f"/verdicts/{verdict.id}/images/{attachment.id}")
    assert response.status_code == 200
    assert_clean(response.data)


def test_two_uploads_of_one_photo_still_join_on_its_digest(client, db, run_worker):
    photo = gps_jpeg()
    for _ in range(2):
        assert form_post(client, photo, content="").status_code == 302
    run_worker()
    reports = db.session.scalars(select(Report)).all()
    assert len(reports) == 2 and reports[0].case_id == reports[1].case_id
    assert reports[1].match_basis == "image_exact"


@pytest.mark.parametrize("mode", ["RGBA", "P", "L", "CMYK"])
def test_every_kind_of_image_is_reencoded_in_its_format(mode):
    image = Image.new(mode if mode != "CMYK" else "RGB", (80, 60))
    if mode == "P":
        image = Image.new("RGB", (80, 60), "green").convert("P")
        image.info["transparency"] = 0
    if mode == "CMYK":
        image = image.convert("CMYK")
    fmt = "JPEG" if mode in ("L", "CMYK") else "PNG"
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"exif": gps_exif()} if fmt == "JPEG" else {}))
    clean = storage.reencode_image(buffer.getvalue())
    with Image.open(io.BytesIO(clean.data)) as reread:
        assert reread.format == fmt
        assert (clean.width, clean.height) == reread.size == (80, 60)
        assert len(reread.getexif()) == 0


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    return exif


@pytest.fixture
def legacy(db, make):
    """An attachment stored the old way: the uploaded bytes under a key without `clean/`."""
    photo = gps_jpeg()
    report = make.report(TEXT, images=[photo])
    make.case(report)
    attachment = report.attachments[0]
    digest = hashlib.sha256(photo).hexdigest()
    attachment.storage_key = f"{digest[:2]}/{digest[2:4]}/{digest}.jpg"
    attachment.sha256 = digest
    path = storage.image_path(attachment.storage_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(photo)
    db.session.commit()
    return attachment


def test_an_image_stored_as_uploaded_is_served_reencoded(client, db, make, legacy):
    make.login(client, make.user("verifier", "01"))
    response = client.get(f"/staff/attachments/{legacy.id}")
    assert response.status_code == 200
    assert_clean(response.data)


def test_flask_images_reencode_rewrites_stored_originals(app, db, legacy):
    old_path = storage.image_path(legacy.storage_key)
    digest = legacy.sha256
    result = app.test_cli_runner().invoke(args=["images", "reencode"])
    assert result.exit_code == 0, result.output
    assert "re-encoded: 1" in result.output
    db.session.expire_all()
    attachment = db.session.get(Attachment, legacy.id)
    assert storage.is_reencoded(attachment.storage_key)
    assert_clean(stored_bytes(attachment))
    assert (attachment.width, attachment.height) == (200, 400)
    assert attachment.sha256 == digest
    assert not old_path.exists()
    again = app.test_cli_runner().invoke(args=["images", "reencode"])
    assert "re-encoded: 0" in again.output
