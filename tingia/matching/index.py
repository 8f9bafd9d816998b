"""Candidate lookup: which stored reports could match a new one, without scanning them all.

Text, URL and exact-image evidence goes through `match_keys`, an indexed table every worker on
every machine shares: a lookup reads at most MAX_POSTINGS_PER_KEY rows per key, however many
reports are stored. Perceptual hashes of photos are searched with a vectorised Hamming scan over
a per-process numpy copy of `photo_hashes` (rebuilt from the database, never the only copy).

Memory per stored report (measured with `python -m bench.matching`, README "Benchmark"):
- database: one `match_keys` row per key: at most 2 * MAX_INDEX_KEYS (64 winnowed keys of the
  text, 64 of the text read from screenshots) + 1 (link) + one per image + 10 claim keys;
  ~10 on average for the benchmark's ~100-word reports, ~38 bytes each on SQLite and ~100 on
  PostgreSQL; per photo 13 `photo_hashes` rows (~430 bytes on SQLite) and ~9 KB of ORB
  features in `attachments`;
- each worker process: per stored photo 13 hashes of 16 bytes (pHash + report id; up to twice
  that while the arrays have room to grow) plus the chunk index (13 x 4 x 6 bytes), ~520
  bytes; nothing per text report.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from sqlalchemy import Select, bindparam, func, insert, literal, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tingia.extensions import db
from tingia.matching.images import to_unsigned
from tingia.matching.scoring import PHOTO_CANDIDATE_BITS
from tingia.matching.textsim import index_keys
from tingia.matching.urls import is_content_url, url_key
from tingia.models import MatchKey, PhotoHash

# Per key, only the most recent reports holding it are read: a key shared by more reports than
# this is a common phrase (no evidence) or a story with that many reports already (its latest
# reports are enough to find its case). This bounds a lookup whatever the index size.
MAX_POSTINGS_PER_KEY = 100
# How many candidate reports (most shared evidence first) are scored in full.
MAX_TEXT_CANDIDATES = 20
# Photos with a crop hypothesis whose pHash is within PHOTO_CANDIDATE_BITS of one of the new
# photo's are candidates (the nearest MAX_IMAGE_CANDIDATES reports), verified in full (ORB).
MAX_IMAGE_CANDIDATES = 10
# Rows added to the photo-hash cache are scanned directly until this many, then indexed.
SORT_EVERY = 20_000


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
    """Add a newly grouped report's entries to the index: its keys and its photos' pHashes.

    A report is grouped once (its claim in matching.service guards it), so it has no entries
    yet: nothing to delete first (an existing key is left as it is).
    """
    if keys:
        insert_key = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        db.session.execute(
            insert_key(MatchKey).on_conflict_do_nothing(),
            [{"key": key, "report_id": report_id} for key in sorted(keys)],
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


_CHUNKS = 4  # 16-bit chunks of a 64-bit hash (multi-index hashing)
_PROBES = np.array([0] + [1 << bit for bit in range(16)], dtype=np.uint16)


@dataclass
class _PhotoHashCache:
    """Every row of `photo_hashes` as numpy arrays, grown in place as rows are added.

    Searched by multi-index hashing (Norouzi et al.): each hash is split into four 16-bit
    chunks, and for each chunk the rows are kept sorted by its value. Two hashes within
    PHOTO_CANDIDATE_BITS of each other have some chunk within one bit of each other more
    often than not (always up to 7 bits); the rows whose chunk equals the query's or differs by
    one bit (17 probes per chunk) are found by binary search and checked in full. Rows added
    since the last sort are scanned directly until there are SORT_EVERY of them.
    """

    hashes: np.ndarray = field(default_factory=lambda: np.zeros(1024, dtype=np.uint64))
    report_ids: np.ndarray = field(default_factory=lambda: np.zeros(1024, dtype=np.int64))
    size: int = 0
    sorted_size: int = 0
    chunk_values: list[np.ndarray] = field(default_factory=list)  # sorted chunk values
    chunk_rows: list[np.ndarray] = field(default_factory=list)  # row of each sorted value
    last_id: int = 0
    last_row: tuple[int, int] | None = None  # (report_id, phash) of the row with id last_id
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _reset(self) -> None:
        self.size, self.sorted_size, self.last_id, self.last_row = 0, 0, 0, None
        self.chunk_values, self.chunk_rows = [], []

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

    def _sort(self) -> None:
        """Index every row by its chunks (after a bulk load, or once the unsorted tail grew)."""
        hashes = self.hashes[: self.size]
        self.chunk_values, self.chunk_rows = [], []
        for chunk in range(_CHUNKS):
            values = ((hashes >> np.uint64(16 * chunk)) & np.uint64(0xFFFF)).astype(np.uint16)
            order = np.argsort(values, kind="stable").astype(np.int32)
            self.chunk_values.append(values[order])
            self.chunk_rows.append(order)
        self.sorted_size = self.size

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
                break
            self._append([tuple(row) for row in rows])
        if self.size - self.sorted_size > max(SORT_EVERY, self.sorted_size // 10):
            self._sort()

    def _rows_near(self, queries: np.ndarray) -> np.ndarray:
        """Rows that may be within PHOTO_CANDIDATE_BITS of a query (a superset, unchecked)."""
        found = [np.arange(self.sorted_size, self.size)]
        for chunk in range(min(_CHUNKS, len(self.chunk_values))):
            mine = ((queries >> np.uint64(16 * chunk)) & np.uint64(0xFFFF)).astype(np.uint16)
            probes = np.unique((mine[:, None] ^ _PROBES[None, :]).ravel())
            values = self.chunk_values[chunk]
            starts = np.searchsorted(values, probes, side="left")
            ends = np.searchsorted(values, probes, side="right")
            lengths = ends - starts
            total = int(lengths.sum())
            if total:
                # Concatenated ranges [start, end) without a Python loop.
                offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
                found.append(self.chunk_rows[chunk][offsets + np.arange(total)])
        return np.unique(np.concatenate(found))

    def near(self, phashes: list[int], max_bits: int, limit: int) -> list[int]:
        """Reports with a photo hash within `max_bits` of one of these, nearest first."""
        if not self.size:
            return []
        queries = np.array([to_unsigned(h) for h in phashes], dtype=np.uint64)
        rows = self._rows_near(queries)
        if not len(rows):
            return []
        distances = np.bitwise_count(self.hashes[rows][:, None] ^ queries[None, :]).min(axis=1)
        close = distances <= max_bits
        rows, distances = rows[close], distances[close]
        order = np.argsort(distances, kind="stable")
        reports = self.report_ids[rows[order]]
        return [int(report_id) for report_id in dict.fromkeys(reports.tolist())][:limit]


_photo_cache_by_engine: dict[str, _PhotoHashCache] = {}


def _photo_cache() -> _PhotoHashCache:
    url = db.engine.url.render_as_string(hide_password=False)
    return _photo_cache_by_engine.setdefault(url, _PhotoHashCache())


def candidates_by_photo(phashes: list[int], exclude_report_id: int | None = None) -> list[int]:
    """Reports with a photo perceptually close to one of these (any crop hypothesis)."""
    if not phashes:
        return []
    cache = _photo_cache()
    with cache.lock:
        cache.refresh()
        found = cache.near(phashes, PHOTO_CANDIDATE_BITS, MAX_IMAGE_CANDIDATES + 1)
    return [report_id for report_id in found if report_id != exclude_report_id][
        :MAX_IMAGE_CANDIDATES
    ]
