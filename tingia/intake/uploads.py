"""Checking uploaded images before anything is stored, and re-encoding them (pixels only)."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from tingia.matching.images import sniff_image_type
from tingia.request_guard import clean_line
from tingia.storage import CleanImage, reencode_image


@dataclass(frozen=True)
class UploadedImage:
    """An image that passed the checks, re-encoded (no metadata, upright), held in memory until
    the report is stored. `sha256` is the uploaded file's digest: exact copies of one file match
    on it, though only the re-encoded bytes are ever stored."""

    image: CleanImage
    filename: str
    sha256: str

    @property
    def content_type(self) -> str:
        """MIME type of the re-encoded image (the uploaded image's type)."""
        return self.image.content_type


class ImageRejected(ValueError):
    """An upload that is not acceptable; `status` is the HTTP status the API answers with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def read_image_upload(
    upload: FileStorage, max_bytes: int, max_pixels: int | None = None
) -> UploadedImage:
    """Read and check one uploaded file: size, real type by its bytes, decodable image, at most
    `max_pixels` (default: MAX_IMAGE_PIXELS, the limit the worker applies too)."""
    if max_pixels is None:
        max_pixels = current_app.config["MAX_IMAGE_PIXELS"]
    filename = clean_line(upload.filename or "") or "image"  # stored: no NUL, one line
    data = upload.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        limit_mb = max_bytes // (1024 * 1024)
        raise ImageRejected(
            str(_l("%(name)s is larger than %(mb)s MB.", name=filename, mb=limit_mb)), 413
        )
    if not data:
        raise ImageRejected(str(_l("%(name)s is empty.", name=filename)), 422)
    content_type = sniff_image_type(data)
    if content_type is None:
        raise ImageRejected(
            str(_l("%(name)s is not a JPEG, PNG or WebP image.", name=filename)), 415
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise ImageRejected(
                        str(_l("%(name)s has too many pixels.", name=filename)), 422
                    )
                image.verify()
            # A full decode: a file verify() lets through but that cannot be decoded fails here.
            clean = reencode_image(data, current_app.config["STORED_MAX_PIXELS"])
    except ImageRejected:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise ImageRejected(
            str(_l("%(name)s could not be read as an image.", name=filename)), 422
        ) from None
    digest = hashlib.sha256(data).hexdigest()
    return UploadedImage(image=clean, filename=filename[:255], sha256=digest)
