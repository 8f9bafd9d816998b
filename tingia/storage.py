"""Image storage: files named by their SHA-256 under UPLOAD_DIR (a shared volume in production)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import Response, current_app, send_file

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def _root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def storage_key_for(sha256: str, content_type: str) -> str:
    """The relative path an image with this digest is stored at."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}.{EXTENSIONS[content_type]}"


def save_image(data: bytes, sha256: str, content_type: str) -> str:
    """Store image bytes (once per digest, atomically) and return their storage key."""
    key = storage_key_for(sha256, content_type)
    path = _root() / key
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write-then-rename so a crash never leaves a half-written file under the final name.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    return key


def image_path(storage_key: str) -> Path:
    """Absolute path of a stored image."""
    return _root() / storage_key


def read_image(storage_key: str) -> bytes:
    """The bytes of a stored image."""
    return image_path(storage_key).read_bytes()


def send_image(storage_key: str, content_type: str, public: bool = False) -> Response:
    """A response serving a stored image: cacheable when public, never cached otherwise."""
    response = send_file(image_path(storage_key), mimetype=content_type)
    response.headers["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
