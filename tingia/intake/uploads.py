"""Checking uploaded images before anything is stored."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from tingia.matching.images import sniff_image_type

# Larger than any phone screenshot or photo; guards against decompression bombs.
MAX_IMAGE_PIXELS = 60_000_000


@dataclass(frozen=True)
class UploadedImage:
    """An image that passed the checks, held in memory until the report is stored."""

    data: bytes
    filename: str
    content_type: str
    sha256: str
    width: int
    height: int


class ImageRejected(ValueError):
    """An upload that is not acceptable; `status` is the HTTP status the API answers with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def read_image_upload(upload: FileStorage, max_bytes: int) -> UploadedImage:
    """Read and check one uploaded file: size, real type by its bytes, decodable image."""
    filename = upload.filename or "image"
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
                if width * height > MAX_IMAGE_PIXELS:
                    raise ImageRejected(
                        str(_l("%(name)s has too many pixels.", name=filename)), 422
                    )
                image.verify()
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
    return UploadedImage(
        data=data,
        filename=filename[:255],
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
    )
