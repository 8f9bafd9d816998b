"""Factories for test data: plain functions with sensible defaults, flushed not committed."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw

from tingia.auth.service import create_api_token, create_user
from tingia.centres.scoping import centre_for_province, national_centre
from tingia.extensions import db
from tingia.intake.service import ReportInput, accept_report
from tingia.intake.uploads import UploadedImage
from tingia.models import Report, User

PASSWORD = "correct-horse-battery"
_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def user(role: str = "verifier", province: str | None = "01", **kwargs) -> User:
    """A staff member of a province's centre (None: the national centre)."""
    centre = centre_for_province(province) if province else national_centre()
    email = kwargs.pop("email", None) or f"{role}{_next()}@centre.test"
    return create_user(email, kwargs.pop("password", PASSWORD), role, centre, **kwargs)


def token(for_user: User) -> str:
    """A bearer token for the user."""
    return create_api_token(for_user, name="test")


def auth_headers(for_user: User) -> dict[str, str]:
    """Authorization header with a new token for the user (committed, so requests see it)."""
    value = token(for_user)
    db.session.commit()
    return {"Authorization": f"Bearer {value}"}


def png_bytes(
    width: int = 64, height: int = 48, color: str = "red", text: str | None = None
) -> bytes:
    """A small PNG; different colours/texts give different images."""
    image = Image.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle([width // 4, height // 4, width // 2, height // 2], fill="white")
    if text:
        draw.text((2, 2), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def uploaded(data: bytes, filename: str = "shot.png") -> UploadedImage:
    """An already-checked upload, as the form hands it to the service."""

    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
    return UploadedImage(
        data=data,
        filename=filename,
        content_type="image/png",
        sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
    )


def report(
    content: str = "Bộ Y tế khuyến cáo uống nước chanh ấm diệt virus cúm A trong cổ họng",
    province: str = "01",
    images: list[bytes] | None = None,
    **kwargs,
) -> Report:
    """A report accepted through the intake service (not yet processed)."""
    fields = ReportInput(
        content=content,
        url=kwargs.pop("url", None),
        platform=kwargs.pop("platform", "facebook"),
        province_code=province,
        **kwargs,
    )
    return accept_report(fields, [uploaded(data) for data in images or []])
