"""Image storage: re-encoded images under UPLOAD_DIR (a shared volume in production), named by
the SHA-256 of the stored bytes, and the downscaled copy the worker fingerprints.

Uploaded bytes are never stored nor served. Every image is decoded, turned upright (EXIF
orientation), converted to sRGB when it carries an ICC profile, and written again with nothing
but its pixels: no EXIF (camera, GPS, dates), no XMP or IPTC, no comments or text chunks, no ICC
profile (which can carry names too). Files stored before this (keys without the `clean/` prefix,
the uploaded bytes) are re-encoded in memory whenever they are served, and rewritten for good by
`flask images reencode`.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import Response, current_app, send_file
from PIL import ExifTags, Image, ImageCms, ImageOps

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
CLEAN_PREFIX = "clean/"
# Re-encoding quality: visually lossless for evidence, smaller than most phone originals.
JPEG_QUALITY = 90
WEBP_QUALITY = 90
_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class CleanImage:
    """Re-encoded image bytes (pixels only) and what they are."""

    data: bytes
    content_type: str
    width: int
    height: int


@dataclass(frozen=True)
class StoredImage:
    """Where a re-encoded image was stored, and what it is."""

    key: str
    content_type: str
    size_bytes: int
    width: int
    height: int


def _root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _srgb(image: Image.Image) -> Image.Image:
    """The image in sRGB if it carries an ICC profile (dropping the profile keeps its colours)."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "L", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode) or image
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unusable profile: keep the pixels as they are


def _pixels_for(image: Image.Image, fmt: str) -> Image.Image:
    """The image in a mode its format stores plainly (alpha kept where the format has it)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if fmt != "JPEG" and has_alpha:
        return image if image.mode == "RGBA" else image.convert("RGBA")
    if image.mode == "L" and fmt != "WEBP":
        return image
    if has_alpha:  # a JPEG cannot be transparent: transparent pixels on white, as displayed
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image if image.mode == "RGB" else image.convert("RGB")


def _encode(image: Image.Image, fmt: str) -> bytes:
    image.info = {}  # encoders fall back to info for ICC, comments, transparency...
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    elif fmt == "PNG":
        image.save(buffer, "PNG")
    else:
        image.save(buffer, "WEBP", quality=WEBP_QUALITY)
    return buffer.getvalue()


class ImageTooLarge(ValueError):
    """More pixels than MAX_IMAGE_PIXELS (or Pillow's bomb limit): never decoded."""


def _open(data: bytes) -> Image.Image:
    """Open image bytes, header only; ValueError unless JPEG, PNG or WebP of sane size."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageTooLarge(str(error)) from None
    if image.format not in FORMATS:
        image.close()
        raise ValueError(f"not a JPEG, PNG or WebP image: {image.format}")
    return image


def _scale_for(width: int, height: int, max_pixels: int, min_width: int = 0) -> float:
    """The factor that brings width x height to about max_pixels, but not below min_width wide
    (1.0: small enough already)."""
    if max_pixels <= 0 or width * height <= max_pixels:
        return 1.0
    return min(1.0, max(math.sqrt(max_pixels / (width * height)), min_width / width))


def _open_upright(
    opened: Image.Image, max_pixels: int, min_width: int = 0, exact: bool = False
) -> Image.Image:
    """Decode an opened image upright (EXIF orientation applied), downscaled when it has more
    than `max_pixels`: a JPEG decodes straight at 1/2, 1/4 or 1/8 scale (DCT scaling), then a
    box reduction by a whole factor (to at most `max_pixels`, or, with `exact`, to the nearest
    factor above the target and bilinear from there: that keeps `min_width`).

    The result may be `opened` itself, loaded: use it before closing `opened`.
    """
    opened.seek(0)  # the first frame of an animation
    scale = _scale_for(opened.width, opened.height, max_pixels, min_width)
    if scale < 1.0 and opened.format == "JPEG":
        opened.draft(opened.mode, (round(opened.width * scale), round(opened.height * scale)))
    opened.load()
    image = opened
    if opened.getexif().get(ExifTags.Base.Orientation, 1) != 1:
        image = ImageOps.exif_transpose(opened)  # a copy only when it has to turn
    if image.mode == "1":
        image = image.convert("L")
    elif image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    scale = _scale_for(image.width, image.height, max_pixels, min_width)
    if scale >= 1.0:
        return image
    # Box reduction by a whole factor is 7x faster than any filter over the full image.
    factor = math.floor(1 / scale) if exact else math.ceil(1 / scale)
    if factor >= 2:
        image = image.reduce(factor)
    target = (
        max(1, round(image.width * scale * factor)),
        max(1, round(image.height * scale * factor)),
    )
    if exact and image.size != target:
        image = image.resize(target, Image.Resampling.BILINEAR)
    return image


def reencode_image(data: bytes, max_pixels: int = 0) -> CleanImage:
    """The image's pixels only, upright, in its own format (the first frame of an animation),
    downscaled by a whole factor to at most `max_pixels` if it has more (0: never).

    Raises ValueError or OSError for bytes that are not a readable JPEG, PNG or WebP image.
    """
    with _open(data) as opened:
        fmt = opened.format
        image = _pixels_for(_srgb(_open_upright(opened, max_pixels)), fmt)
        return CleanImage(_encode(image, fmt), FORMATS[fmt], image.width, image.height)


def storage_key_for(digest: str, content_type: str) -> str:
    """The relative path re-encoded bytes with this SHA-256 are stored at."""
    return f"{CLEAN_PREFIX}{digest[:2]}/{digest[2:4]}/{digest}.{EXTENSIONS[content_type]}"


def is_reencoded(storage_key: str) -> bool:
    """True for a file stored re-encoded; False for one stored as uploaded (before re-encoding)."""
    return storage_key.startswith(CLEAN_PREFIX)


def _write_once(path: Path, data: bytes) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write-then-rename so a crash never leaves a half-written file under the final name.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def store_image(clean: CleanImage) -> StoredImage:
    """Store a re-encoded image (once per content, atomically); only re-encoded bytes can be."""
    key = storage_key_for(hashlib.sha256(clean.data).hexdigest(), clean.content_type)
    _write_once(_root() / key, clean.data)
    return StoredImage(key, clean.content_type, len(clean.data), clean.width, clean.height)


def image_path(storage_key: str) -> Path:
    """Absolute path of a stored image."""
    return _root() / storage_key


def read_image(storage_key: str) -> bytes:
    """The bytes of a stored image."""
    return image_path(storage_key).read_bytes()


def delete_image(storage_key: str) -> None:
    """Remove a stored file (the caller checked that nothing refers to it any more)."""
    image_path(storage_key).unlink(missing_ok=True)


def send_image(storage_key: str, content_type: str, public: bool = False) -> Response:
    """A response serving a stored image, re-encoded: cacheable when public, never cached
    otherwise. A file stored as uploaded is re-encoded on the way out, never sent as it is."""
    if is_reencoded(storage_key):
        response = send_file(image_path(storage_key), mimetype=content_type)
    else:
        clean = reencode_image(read_image(storage_key), current_app.config["STORED_MAX_PIXELS"])
        response = send_file(io.BytesIO(clean.data), mimetype=clean.content_type)
    response.headers["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def fingerprint_input(storage_key: str, max_pixels: int, min_width: int) -> bytes:
    """A stored image as the worker fingerprints it: the stored bytes when they are small enough,
    else a PNG downscaled to about `max_pixels` (not narrower than `min_width`, so text stays
    readable for OCR), decoded at reduced size where the format allows (JPEG DCT scaling).

    Refuses (ImageTooLarge) an image above the shared MAX_IMAGE_PIXELS limit, from its header.
    """
    data = read_image(storage_key)
    with _open(data) as opened:
        width, height = opened.size
        if width * height > current_app.config["MAX_IMAGE_PIXELS"]:
            raise ImageTooLarge(f"image too large: {width}x{height}")
        if _scale_for(width, height, max_pixels, min_width) >= 1.0:
            return data
        small = _open_upright(opened, max_pixels, min_width, exact=True)
        small.info = {}
        buffer = io.BytesIO()
        small.save(buffer, "PNG", compress_level=0)  # decoded again at once: no time on zlib
        return buffer.getvalue()
