"""Re-encoding the images stored before intake re-encoded them (`flask images reencode`).

Those files are the uploaded bytes, camera and GPS included. Each is re-encoded like a new upload
and its attachment pointed at the clean file; the attachment keeps its `sha256` (the uploaded
file's digest, which exact-copy matching keys on) and its fingerprints (computed from the same
pixels, upright). The old files are deleted by the caller once the new keys are committed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from tingia import storage
from tingia.extensions import db
from tingia.models import Attachment

log = logging.getLogger(__name__)


@dataclass
class ReencodeBatch:
    """What one batch did: attachments rewritten, files that could not be read, old keys."""

    reencoded: int = 0
    unreadable: int = 0
    old_keys: set[str] = field(default_factory=set)


def legacy_attachments(limit: int) -> list[Attachment]:
    """Attachments whose file is still the uploaded bytes, oldest first."""
    query = (
        select(Attachment)
        .where(~Attachment.storage_key.startswith(storage.CLEAN_PREFIX))
        .order_by(Attachment.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def reencode_legacy_images(limit: int = 200, skip_ids: set[int] | None = None) -> ReencodeBatch:
    """Re-encode up to `limit` images stored as uploaded (flushed, not committed).

    `skip_ids` are attachments found unreadable in an earlier batch, left as they are (they are
    still never served as stored: tingia.storage re-encodes on the way out, or fails).
    """
    batch = ReencodeBatch()
    skip_ids = skip_ids if skip_ids is not None else set()
    for attachment in legacy_attachments(limit + len(skip_ids)):
        if attachment.id in skip_ids:
            continue
        try:
            data = storage.read_image(attachment.storage_key)
            clean = storage.reencode_image(data, current_app.config["STORED_MAX_PIXELS"])
        except (OSError, ValueError) as error:
            log.warning("attachment %s not re-encoded: %s", attachment.id, error)
            skip_ids.add(attachment.id)
            batch.unreadable += 1
            continue
        stored = storage.store_image(clean)
        batch.old_keys.add(attachment.storage_key)
        attachment.storage_key = stored.key
        attachment.size_bytes = stored.size_bytes
        attachment.width, attachment.height = stored.width, stored.height
        batch.reencoded += 1
    db.session.flush()
    return batch


def unreferenced_keys(keys: set[str]) -> set[str]:
    """The keys no attachment refers to any more (safe to delete once committed)."""
    if not keys:
        return set()
    used = db.session.scalars(
        select(Attachment.storage_key).where(Attachment.storage_key.in_(keys)).distinct()
    )
    return keys - set(used)
