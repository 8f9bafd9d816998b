"""Candidate lookup: which stored reports could match a new one, without scanning them all.

Text, URL and exact-image evidence goes through `match_keys`, an indexed table every worker on
every machine shares: a lookup reads at most MAX_POSTINGS_PER_KEY rows per key, however many
reports are stored. Perceptual hashes of photos are searched with a vectorised Hamming scan over
a per-process numpy copy of `photo_hashes` (rebuilt from the database, never the only copy).

Memory per stored report (measured with `python -m bench.matching`, README "Benchmark"):
- database: one `match_keys` row per key: at most 2 * MAX_INDEX_KEYS (64 winnowed keys of the
  text, 64 of the text read from screenshots) + 1 (link) + one per image, so at most 134; 7 on
  average for the benchmark's ~100-word reports. A row costs ~38 bytes on SQLite (primary key
  (key, report_id) as a WITHOUT ROWID table, plus the report_id index) and ~100 on PostgreSQL
  (heap + both indexes); `photo_hashes` adds ~35 bytes per photo;
- each worker process: 16 bytes per stored photo (pHash + report id; up to twice that while
  the arrays have room to grow), nothing per text report.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from sqlalchemy import Select, bindparam, delete, func, insert, literal, select, union_all

from tingia.extensions import db
from tingia.matching.images import to_unsigned
from tingia.matching.scoring import PHOTO_MAX_DISTANCE
from tingia.matching.textsim import index_keys
from tingia.matching.urls import is_content_url, url_key
from tingia.models import MatchKey, PhotoHash

# Per key, only the most recent reports holding it are read: a key shared by more reports than
# this is a common phrase (no evidence) or a story with that many reports already (its latest
# reports are enough to find its case). This bounds a lookup whatever the index size.
MAX_POSTINGS_PER_KEY = 100
# How many candidate reports (most shared evidence first) are scored in full.
MAX_TEXT_CANDIDATES = 50
# Photos whose pHash is within the scorer's PHOTO_MAX_DISTANCE are candidates (the nearest
# MAX_IMAGE_CANDIDATES per photo), scored in full.
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


def store_keys(report_id: int, keys: set[int], photo_hashes: list[int]) -> None:
    """Replace the report's entries in the index: its keys and its photos' pHashes."""
    db.session.execute(delete(MatchKey).where(MatchKey.report_id == report_id))
    db.session.execute(delete(PhotoHash).where(PhotoHash.report_id == report_id))
    if keys:
        db.session.execute(
            insert(MatchKey), [{"key": key, "report_id": report_id} for key in sorted(keys)]
        )
    if photo_hashes:
        db.session.execute(
            insert(PhotoHash), [{"report_id": report_id, "phash": h} for h in photo_hashes]
        )


@lru_cache(maxsize=512)
def _lookup_statement(key_count: int) -> Select:
    """The lookup for this many keys, built once per count (bound parameters k0, k1...).

    Per key, an index range scan of its latest MAX_POSTINGS_PER_KEY reports (primary key
    order). Reports are ranked by the keys they share, each key weighing 1 / the number of
    reports read for it: a key held by one report is strong evidence, one held by a hundred
    (a common phrase) is not.
    """
    per_key = [
        select(MatchKey.key, MatchKey.report_id)
        .where(MatchKey.key == bindparam(f"k{i}"))
        .order_by(MatchKey.report_id.desc())
        .limit(MAX_POSTINGS_PER_KEY)
        .subquery()
        for i in range(key_count)
    ]
    postings = union_all(*[select(sub.c.key, sub.c.report_id) for sub in per_key]).subquery()
    holders = func.count().over(partition_by=postings.c.key)
    weighted = select(postings.c.report_id, (literal(1.0) / holders).label("weight")).subquery()
    score = func.sum(weighted.c.weight).label("score")
    return (
        select(weighted.c.report_id, score)
        .group_by(weighted.c.report_id)
        .order_by(score.desc(), weighted.c.report_id.desc())
        .limit(MAX_TEXT_CANDIDATES + 1)
    )


def candidates_by_keys(keys: set[int], exclude_report_id: int | None = None) -> list[int]:
    """Reports sharing keys with these, those sharing most first (ties: most recent first)."""
    if not keys:
        return []
    # Padding the key count to a multiple of 8 with NULLs (which match nothing) keeps the number
    # of distinct statements, each compiled once per process, small.
    slots = -(-len(keys) // 8) * 8
    params: dict[str, int | None] = dict.fromkeys((f"k{i}" for i in range(slots)), None)
    params.update({f"k{i}": key for i, key in enumerate(sorted(keys))})
    found = db.session.execute(_lookup_statement(slots), params).scalars()
    return [rid for rid in found if rid != exclude_report_id][:MAX_TEXT_CANDIDATES]


@dataclass
class _PhotoHashCache:
    """Every row of `photo_hashes` as numpy arrays, grown in place as rows are added."""

    hashes: np.ndarray = field(default_factory=lambda: np.zeros(1024, dtype=np.uint64))
    report_ids: np.ndarray = field(default_factory=lambda: np.zeros(1024, dtype=np.int64))
    size: int = 0
    last_id: int = 0
    last_row: tuple[int, int] | None = None  # (report_id, phash) of the row with id last_id
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _reset(self) -> None:
        self.size, self.last_id, self.last_row = 0, 0, None

    def _append(self, rows: list[tuple[int, int, int]]) -> None:
        needed = self.size + len(rows)
        if needed > len(self.hashes):
            capacity = max(needed, 2 * len(self.hashes))
            self.hashes = np.resize(self.hashes, capacity)
            self.report_ids = np.resize(self.report_ids, capacity)
        ids, report_ids, phashes = zip(*rows, strict=True)
        self.hashes[self.size : needed] = [to_unsigned(h) for h in phashes]
        self.report_ids[self.size : needed] = report_ids
        self.size = needed
        self.last_id, self.last_row = ids[-1], (report_ids[-1], phashes[-1])

    def refresh(self) -> None:
        """Read the rows added since the last refresh (all of them if the table was rebuilt)."""
        if self.last_row is not None:
            # Rows are never updated, so a different last row means the table was emptied
            # and refilled (tests, restores): start again from nothing.
            row = db.session.execute(
                select(PhotoHash.report_id, PhotoHash.phash).where(PhotoHash.id == self.last_id)
            ).first()
            if row is None or tuple(row) != self.last_row:
                self._reset()
        while True:
            rows = db.session.execute(
                select(PhotoHash.id, PhotoHash.report_id, PhotoHash.phash)
                .where(PhotoHash.id > self.last_id)
                .order_by(PhotoHash.id)
                .limit(100_000)
            ).all()
            if not rows:
                return
            self._append([tuple(row) for row in rows])

    def near(self, phash: int, max_bits: int, limit: int) -> list[int]:
        """Reports with a photo within `max_bits` of this pHash, nearest first."""
        if not self.size:
            return []
        distances = np.bitwise_count(self.hashes[: self.size] ^ np.uint64(to_unsigned(phash)))
        hits = np.flatnonzero(distances <= max_bits)
        hits = hits[np.argsort(distances[hits], kind="stable")][:limit]
        return [int(report_id) for report_id in self.report_ids[hits]]


_photo_cache_by_engine: dict[str, _PhotoHashCache] = {}


def _photo_cache() -> _PhotoHashCache:
    url = db.engine.url.render_as_string(hide_password=False)
    return _photo_cache_by_engine.setdefault(url, _PhotoHashCache())


def candidates_by_photo(phashes: list[int], exclude_report_id: int | None = None) -> list[int]:
    """Reports with a photo perceptually close to one of these."""
    if not phashes:
        return []
    cache = _photo_cache()
    with cache.lock:
        cache.refresh()
        found: list[int] = []
        for phash in phashes:
            found += cache.near(phash, PHOTO_MAX_DISTANCE, MAX_IMAGE_CANDIDATES)
    return [report_id for report_id in dict.fromkeys(found) if report_id != exclude_report_id]
