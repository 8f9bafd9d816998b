"""Candidate lookup: which stored reports could match a new one, without scanning them all.

Text, URL and exact-image evidence goes through `match_keys`, an indexed table every worker on
every machine shares. Perceptual hashes of photos are searched in a per-process numpy cache that
is refreshed from the database (a cache rebuilt from the database, never the only copy).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import delete, func, insert, select

from tingia.extensions import db
from tingia.matching.images import to_unsigned
from tingia.matching.textsim import index_keys
from tingia.matching.urls import is_content_url, url_key
from tingia.models import Attachment, MatchKey

# How many candidate reports (most shared keys first) are scored in full.
MAX_TEXT_CANDIDATES = 200
# Photos whose 64-bit pHash differ in at most this many bits are candidates (scored in full).
PHOTO_CANDIDATE_BITS = 16
MAX_IMAGE_CANDIDATES = 50


def sha256_key(sha256_hex: str) -> int:
    """An index key for an exact image: the digest's first 64 bits, signed."""
    value = int(sha256_hex[:16], 16)
    return value - (1 << 64) if value >= 1 << 63 else value


def keys_for(normalised_texts: list[str], canonical: str | None, sha256s: list[str]) -> set[int]:
    """Every index key of a report: text passages (its own text and text read from images),
    its link when the link names a piece of content, and its images' digests."""
    keys: set[int] = set()
    for text in normalised_texts:
        if text:
            keys.update(index_keys(text))
    if canonical and is_content_url(canonical):
        keys.add(url_key(canonical))
    keys.update(sha256_key(digest) for digest in sha256s)
    return keys


def store_keys(report_id: int, keys: set[int]) -> None:
    """Replace the report's keys in the index (idempotent)."""
    db.session.execute(delete(MatchKey).where(MatchKey.report_id == report_id))
    if keys:
        db.session.execute(
            insert(MatchKey), [{"key": key, "report_id": report_id} for key in sorted(keys)]
        )


def candidates_by_keys(keys: set[int], exclude_report_id: int) -> list[int]:
    """Reports sharing at least one key, those sharing most first."""
    if not keys:
        return []
    shared = func.count().label("shared")
    rows = db.session.execute(
        select(MatchKey.report_id, shared)
        .where(MatchKey.key.in_(sorted(keys)), MatchKey.report_id != exclude_report_id)
        .group_by(MatchKey.report_id)
        .order_by(shared.desc(), MatchKey.report_id.desc())
        .limit(MAX_TEXT_CANDIDATES)
    ).all()
    return [row.report_id for row in rows]


@dataclass
class _PhotoHashCache:
    """pHashes of every fingerprinted photo (not screenshots), as numpy arrays."""

    attachment_ids: dict[int, int] = field(default_factory=dict)  # attachment id -> row
    hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    report_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    refreshed_until: datetime | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self) -> None:
        """Load photos fingerprinted since the last refresh (with overlap, deduplicated by id)."""
        query = select(
            Attachment.id, Attachment.phash, Attachment.report_id, Attachment.fingerprinted_at
        ).where(Attachment.phash.is_not(None), Attachment.text_heavy.is_(False))
        if self.refreshed_until is not None:
            # Jobs commit out of order; re-reading a margin catches photos committed late.
            query = query.where(
                Attachment.fingerprinted_at >= self.refreshed_until - timedelta(minutes=10)
            )
        new_hashes, new_reports = [], []
        latest = self.refreshed_until
        for attachment_id, phash, report_id, fingerprinted_at in db.session.execute(query):
            latest = max(latest, fingerprinted_at) if latest else fingerprinted_at
            if attachment_id in self.attachment_ids:
                continue
            self.attachment_ids[attachment_id] = len(self.attachment_ids)
            new_hashes.append(to_unsigned(phash))
            new_reports.append(report_id)
        if new_hashes:
            self.hashes = np.concatenate([self.hashes, np.array(new_hashes, dtype=np.uint64)])
            self.report_ids = np.concatenate(
                [self.report_ids, np.array(new_reports, dtype=np.int64)]
            )
        self.refreshed_until = latest

    def near(self, phash: int, max_bits: int, limit: int) -> list[int]:
        """Reports with a photo within `max_bits` of this pHash, nearest first."""
        if not len(self.hashes):
            return []
        distances = np.bitwise_count(self.hashes ^ np.uint64(to_unsigned(phash)))
        hits = np.flatnonzero(distances <= max_bits)
        hits = hits[np.argsort(distances[hits], kind="stable")][:limit]
        return [int(report_id) for report_id in self.report_ids[hits]]


_photo_cache_by_engine: dict[str, _PhotoHashCache] = {}


def _photo_cache() -> _PhotoHashCache:
    url = str(db.engine.url)
    return _photo_cache_by_engine.setdefault(url, _PhotoHashCache())


def candidates_by_photo(phashes: list[int], exclude_report_id: int) -> list[int]:
    """Reports with a photo perceptually close to one of these."""
    cache = _photo_cache()
    with cache.lock:
        cache.refresh()
        found: list[int] = []
        for phash in phashes:
            found += cache.near(phash, PHOTO_CANDIDATE_BITS, MAX_IMAGE_CANDIDATES)
    return [report_id for report_id in dict.fromkeys(found) if report_id != exclude_report_id]
