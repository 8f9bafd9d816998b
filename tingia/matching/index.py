"""Candidate lookup: which stored reports could match a new one, without scanning them all.

Text, URL and exact-image evidence goes through `match_keys`, an indexed table every worker on
every machine shares: a lookup reads at most MAX_POSTINGS_PER_KEY rows per key, however many
reports are stored. Perceptual hashes of photos are searched by multi-index hashing (compiled) over
a per-process numpy copy of `photo_hashes` (rebuilt from the database, never the only copy).

Memory per stored report (measured with `python -m bench.matching`, README "Benchmark"):
- database: one `match_keys` row per key: at most 2 * MAX_INDEX_KEYS (64 winnowed keys of the
  text, 64 of the text read from screenshots) + 1 (link) + one per image + 10 claim keys;
  ~10 on average for the benchmark's ~100-word reports, ~38 bytes each on SQLite and ~100 on
  PostgreSQL; per photo 13 `photo_hashes` rows (~430 bytes on SQLite) and ~9 KB of ORB
  features in `attachments`; the texts' 3-gram hashes in `reports` (~375 bytes);
- each worker process: per `photo_hashes` row its hash and report id (16 bytes; up to twice
  that while the arrays have room to grow) plus the chunk index (3 x 4 bytes of sorted row
  numbers and 3 x 8 bytes of the hashes in bucket order) and three offset tables (2^21, 2^21
  and 2^22 entries of 4 bytes, 32 MB once more than TAIL_ROWS rows are held) with their
  occupancy bitmaps (1 MB): 148.7 MB kept (tracemalloc) at 1,000,000 reports, 156 bytes per
  stored report; nothing per text report.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tingia.extensions import db
from tingia.matching.images import to_unsigned
from tingia.matching.scoring import PHOTO_CANDIDATE_BITS
from tingia.matching.textsim import index_keys, opening_key
from tingia.matching.urls import is_content_url, url_key
from tingia.models import CaseStatus, MatchKey, PhotoHash

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
TAIL_ROWS = 2048
# Rows read from `photo_hashes` per statement while the cache catches up.
REFRESH_BATCH = 100_000


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
    if normalised_texts and (opening := opening_key(normalised_texts[0])) is not None:
        keys.add(opening)  # the report's own text only: a screenshot's text opens with chrome
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


def _placeholder(dialect: str) -> str:
    return "%s" if dialect == "postgresql" else "?"


# What scoring needs of a candidate report and of each of its fingerprinted images. The raw
# text only for reports grouped before their normalised texts were stored (then rebuilt);
# ORB features only when the new report has a photo to compare (~9 KB a photo).
_REPORT_COLUMNS = (
    "r.id, r.case_id, c.centre_id, r.normalised_text, r.normalised_ocr_text, r.claim_terms, "
    "CASE WHEN r.normalised_text IS NULL OR r.normalised_ocr_text IS NULL THEN r.content END, "
    "r.url, r.text_grams, r.ocr_grams"
)
_IMAGE_COLUMNS = (
    "a.id, a.sha256, a.width, a.height, a.phash, a.dhash, a.pdq, a.text_heavy, a.has_photo, "
    "a.region_hashes, {features}, CASE WHEN r.normalised_ocr_text IS NULL THEN a.ocr_text END"
)


def _rows_of(chosen_sql: str, with_features: bool, ph: str, status_slots: int) -> str:
    """The SELECT reading every report of `chosen` (a subquery of report_id) in an open case
    (status_slots 0: the last parameter is the closed status) or in a case of one of the
    `status_slots` states given last, one row per fingerprinted image (or one row with NULL
    image columns)."""
    images = _IMAGE_COLUMNS.format(features="a.features" if with_features else "NULL")
    wanted = (
        f"c.status IN ({', '.join([ph] * status_slots)})" if status_slots else f"c.status != {ph}"
    )
    return (
        f"SELECT {_REPORT_COLUMNS}, {images} "  # nosec B608: constants, placeholders
        f"FROM ({chosen_sql}) AS chosen "
        "JOIN reports AS r ON r.id = chosen.report_id "
        "JOIN cases AS c ON c.id = r.case_id "
        "LEFT JOIN attachments AS a ON a.report_id = r.id AND a.fingerprinted_at IS NOT NULL "
        f"WHERE {wanted} "
        "ORDER BY r.case_id, r.id, a.id"
    )


def _key_postings(key: str) -> str:
    """One key's latest MAX_POSTINGS_PER_KEY reports, each weighing 1 / how many were read (a
    window over the key's own rows: no sort of every key's postings together)."""
    return (
        "SELECT report_id, 1.0 / count(*) OVER () AS weight FROM ("  # nosec B608: constants
        f"SELECT report_id FROM match_keys WHERE key = {key} "
        f"ORDER BY report_id DESC LIMIT {MAX_POSTINGS_PER_KEY}) AS posting"
    )


@lru_cache(maxsize=256)
def _lookup_sql(
    dialect: str, key_slots: int, photo_slots: int, with_features: bool, status_slots: int
) -> str:
    """One statement for a whole lookup: the reports sharing most keys, the photo candidates
    found in the cache, and what scoring needs of each (built once per shape and dialect).

    Per key, an index range scan of its latest MAX_POSTINGS_PER_KEY reports (primary key
    order). Reports are ranked by the keys they share, each key weighing 1 / the number of
    reports read for it: a key held by one report is strong evidence, one held by a hundred
    (a common phrase) is not. PostgreSQL takes the keys as one array (a LATERAL scan per key);
    SQLite, which has no LATERAL, gets one LIMITed subquery per key slot (slots padded with
    NULLs, which match nothing, so few statements exist).
    """
    ph = _placeholder(dialect)
    if dialect == "postgresql":
        postings = (
            f"SELECT m.report_id, m.weight FROM unnest({ph}::bigint[]) AS k(key) "  # nosec B608: placeholders
            f"CROSS JOIN LATERAL ({_key_postings('k.key')}) AS m"
        )
        photos = f"SELECT unnest({ph}::bigint[])"
    else:
        postings = " UNION ALL ".join(
            f"SELECT * FROM ({_key_postings('?')})"  # nosec B608: constants, placeholders
            for _ in range(key_slots)
        )
        photos = " UNION ALL ".join(["SELECT ?"] * photo_slots)
    ranked = (
        "SELECT report_id FROM ("  # nosec B608: constants, placeholders
        "SELECT report_id, sum(weight) AS score "
        f"FROM ({postings}) AS weighted "
        f"WHERE report_id != {ph} "
        "GROUP BY report_id "
        f"ORDER BY score DESC, report_id DESC LIMIT {MAX_TEXT_CANDIDATES}) AS ranked"
    )
    chosen = f"{ranked} UNION {photos}" if photo_slots else ranked
    return _rows_of(chosen, with_features, ph, status_slots)


@lru_cache(maxsize=8)
def _reports_sql(dialect: str, with_features: bool) -> str:
    """rows_for_reports' statement: given reports instead of a lookup."""
    ph = _placeholder(dialect)
    if dialect == "postgresql":
        chosen = "SELECT unnest(%s::bigint[]) AS report_id"
    else:
        chosen = "SELECT value AS report_id FROM json_each(?)"
    return _rows_of(chosen, with_features, ph, 0)


def _raw_cursor():
    """A DB-API cursor on the session's connection (inside its transaction).

    The lookup is the hot path of every report: a raw statement, built once per shape, skips
    SQLAlchemy's per-execution work (compiling the cache key, result and ORM processing),
    which cost more than the database's own work on a 1,000,000-report index.
    On PostgreSQL the results come in binary: as text, psycopg received each candidate's ORB
    features (~9 KB a photo) as hexadecimal twice that size and decoded it.
    """
    driver = db.session.connection().connection.driver_connection
    return driver.cursor(binary=True) if _dialect() == "postgresql" else driver.cursor()


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def lookup_rows(
    keys: set[int],
    photo_report_ids: list[int],
    exclude_report_id: int | None = None,
    *,
    statuses: tuple[CaseStatus, ...] | None = None,
    with_features: bool = False,
) -> list[tuple]:
    """In one round trip: the MAX_TEXT_CANDIDATES reports sharing most of these keys (ties:
    most recent first) and the given photo candidates, those in open cases (or in cases of
    these states), with the columns of _REPORT_COLUMNS and _IMAGE_COLUMNS, ordered by case,
    report and image."""
    photo_ids = [rid for rid in photo_report_ids if rid != exclude_report_id]
    if not keys and not photo_ids:
        return []
    dialect = _dialect()
    exclude = -1 if exclude_report_id is None else exclude_report_id
    wanted = [status.value for status in statuses] if statuses else [CaseStatus.CLOSED.value]
    status_slots = len(wanted) if statuses else 0
    if dialect == "postgresql":
        sql = _lookup_sql(dialect, 0, 1 if photo_ids else 0, with_features, status_slots)
        params: list = [sorted(keys), exclude]
        if photo_ids:
            params.append(photo_ids)
    else:
        # Padding to a multiple of 8 keys / 4 photos keeps the number of statements small.
        key_slots = max(8, -(-len(keys) // 8) * 8)
        photo_slots = -(-len(photo_ids) // 4) * 4
        sql = _lookup_sql(dialect, key_slots, photo_slots, with_features, status_slots)
        params = sorted(keys) + [None] * (key_slots - len(keys)) + [exclude]
        params += photo_ids + [None] * (photo_slots - len(photo_ids))
    cursor = _raw_cursor()
    try:
        cursor.execute(sql, (*params, *wanted))
        return cursor.fetchall()
    finally:
        cursor.close()


def rows_for_reports(report_ids: list[int], *, with_features: bool = False) -> list[tuple]:
    """lookup_rows' rows for given reports (those in open cases)."""
    if not report_ids:
        return []
    dialect = _dialect()
    ids = list(report_ids) if dialect == "postgresql" else json.dumps(list(report_ids))
    cursor = _raw_cursor()
    try:
        cursor.execute(_reports_sql(dialect, with_features), (ids, CaseStatus.CLOSED.value))
        return cursor.fetchall()
    finally:
        cursor.close()


# Multi-index hashing over three chunks of 21, 21 and 22 bits: a row is found when one of its
# chunks equals the query's with at most that chunk's flip count of bits flipped. The stored
# hypotheses are probed with up to two flipped bits in every chunk (always found up to 8 bits
# apart), the ~80 hashes of the new photo's crop grid with two in the first two chunks and one
# in the third (always found up to 7 bits: 3 + 3 + 2 bits would be 8). With one flip in
# each chunk for the grid (up to 5 bits), bench.quality lost photo combos' recall
# (0.945 -> 0.928) and close shots' precision (1.000 -> 0.983).
_CHUNK_BITS = (21, 21, 22)
_CHUNK_SHIFTS = tuple(itertools.accumulate(_CHUNK_BITS[:-1], initial=0))  # 0, 21, 42
HYPOTHESIS_FLIP_BITS = (2, 2, 2)
GRID_FLIP_BITS = (2, 2, 1)


def _flips(width: int, most: int) -> np.ndarray:
    """Every mask of `width` bits with at most `most` bits set (0 first)."""
    masks = [0]
    for count in range(1, most + 1):
        masks += [
            sum(1 << bit for bit in bits) for bits in itertools.combinations(range(width), count)
        ]
    return np.array(masks, dtype=np.uint64)


_FLIPS = {
    (chunk, most): _flips(width, most) for chunk, width in enumerate(_CHUNK_BITS) for most in (1, 2)
}


@dataclass
class _PhotoHashCache:
    """Every row of `photo_hashes` as numpy arrays, grown in place as rows are added.

    Searched by multi-index hashing (Norouzi et al.): each hash is split into three chunks
    (_CHUNK_BITS), and for each chunk the rows are kept sorted by its value; the rows whose
    chunk equals the query's up to a few flipped bits are read from those values' buckets and
    checked in full. Each chunk's buckets start where `chunk_starts` says (an offset per
    value: two reads per probe, where a binary search over 2,000,000 sorted values missed the
    CPU cache at every step), and each chunk keeps its own copy of the hashes in bucket order
    (`chunk_hashes`): a probe reads one contiguous run instead of gathering rows from all over
    the table. With 2,000,000 rows a bucket holds about one row: four 16-bit chunks
    (30 rows a bucket) read 2,000 rows per hash, which for a photo's ~90 hashes was most of a
    query's time at 1,000,000 reports. Many buckets are empty, which a bitmap per chunk
    (`chunk_occupied`, small enough for the CPU's caches) tells without reading memory.
    The probes run compiled (kernels.close_rows_in_chunk).
    Rows added since the last sort are scanned directly until there are TAIL_ROWS of them,
    then merged in.
    """

    hashes: np.ndarray = field(default_factory=lambda: np.zeros(1024, dtype=np.uint64))
    report_ids: np.ndarray = field(default_factory=lambda: np.zeros(1024, dtype=np.int64))
    size: int = 0
    sorted_size: int = 0
    chunk_rows: list[np.ndarray] = field(default_factory=list)  # rows sorted by chunk value
    chunk_hashes: list[np.ndarray] = field(default_factory=list)  # their hashes, same order
    chunk_starts: list[np.ndarray] = field(default_factory=list)  # value -> first of its rows
    chunk_occupied: list[np.ndarray] = field(default_factory=list)  # a bit per value with rows
    last_id: int = 0
    last_row: tuple[int, int] | None = None  # (report_id, phash) of the row with id last_id
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _reset(self) -> None:
        self.size, self.sorted_size, self.last_id, self.last_row = 0, 0, 0, None
        self.chunk_rows, self.chunk_hashes, self.chunk_starts = [], [], []
        self.chunk_occupied = []

    def _append(self, rows: list[tuple[int, int, int]]) -> None:
        needed = self.size + len(rows)
        if needed > len(self.hashes):
            capacity = max(needed, 2 * len(self.hashes))
            self.hashes = np.resize(self.hashes, capacity)
            self.report_ids = np.resize(self.report_ids, capacity)
        ids, report_ids, phashes = zip(*rows, strict=True)
        self.hashes[self.size : needed] = np.array(phashes, dtype=np.int64).view(np.uint64)
        self.report_ids[self.size : needed] = report_ids
        self.size = needed
        self.last_id, self.last_row = ids[-1], (report_ids[-1], phashes[-1])

    def _chunk(self, start: int, chunk: int) -> np.ndarray:
        return _chunk_values(self.hashes[start : self.size], chunk)

    def _sort(self) -> None:
        """Index every row by its chunks (after a bulk load)."""
        self.chunk_rows, self.chunk_hashes, self.chunk_starts = [], [], []
        self.chunk_occupied = []
        for chunk in range(len(_CHUNK_BITS)):
            values = self._chunk(0, chunk)
            rows = np.argsort(values, kind="stable").astype(np.int32)
            self.chunk_rows.append(rows)
            self.chunk_hashes.append(self.hashes[rows])
            self.chunk_starts.append(_bucket_starts(values, chunk))
            self.chunk_occupied.append(_occupied(self.chunk_starts[chunk]))
        self.sorted_size = self.size

    def _merge_tail(self) -> None:
        """Index the rows added since the last sort: merged into the sorted chunk arrays, one
        copy of them (some milliseconds at 1,000,000 reports) every TAIL_ROWS rows."""
        for chunk in range(len(_CHUNK_BITS)):
            values = self._chunk(self.sorted_size, chunk)
            order = np.argsort(values, kind="stable")
            starts = self.chunk_starts[chunk]
            at = starts[values[order] + 1]  # after the rows of each bucket
            rows = (order + self.sorted_size).astype(np.int32)
            self.chunk_rows[chunk] = np.insert(self.chunk_rows[chunk], at, rows)
            self.chunk_hashes[chunk] = np.insert(self.chunk_hashes[chunk], at, self.hashes[rows])
            starts += _bucket_starts(values, chunk)
            self.chunk_occupied[chunk] = _occupied(starts)
        self.sorted_size = self.size

    def _index_new_rows(self) -> None:
        """Keep the unsorted tail, which every search scans in full, below TAIL_ROWS."""
        if self.size - self.sorted_size <= TAIL_ROWS:
            return
        if self.sorted_size == 0 or self.size > 2 * self.sorted_size:
            self._sort()
        else:
            self._merge_tail()

    def refresh(self) -> None:
        """Read the rows added since the last refresh (all of them if the table was rebuilt).

        One statement when nothing changed: the rows from the last one seen on, which must
        still be there as it was (rows are never updated, so a different or missing last row
        means the table was emptied and refilled: tests, restores; start again from nothing).
        """
        cursor = _raw_cursor()
        ph = _placeholder(_dialect())
        where = f"WHERE id >= {ph} ORDER BY id LIMIT {ph}"
        sql = f"SELECT id, report_id, phash FROM photo_hashes {where}"  # nosec B608: placeholders
        try:
            while True:
                cursor.execute(sql, (self.last_id, REFRESH_BATCH))
                rows = cursor.fetchall()
                if self.last_row is not None:
                    first = tuple(rows[0]) if rows else None
                    if first != (self.last_id, *self.last_row):
                        self._reset()
                        continue
                    rows = rows[1:]
                if not rows:
                    break
                self._append(rows)
        finally:
            cursor.close()
        self._index_new_rows()

    def _close_rows(
        self, queries: np.ndarray, max_bits: int, flip_bits: tuple[int, ...]
    ) -> np.ndarray:
        """Rows within `max_bits` of a query (uint64 array) whose chunk equals the query's
        with up to `flip_bits` (per chunk) bits flipped, each row compared with the queries
        whose chunk found it. A row found through several chunks is there more than once."""
        from tingia.matching.kernels import close_rows_in_chunk  # numba: worker only (kernels)

        close = []
        tail = np.arange(self.sorted_size, self.size)
        if len(tail):
            close.append(tail[_min_distances(self.hashes[tail], queries) <= max_bits])
        for chunk in range(len(self.chunk_starts)):
            found = close_rows_in_chunk(
                queries,
                np.uint64(_CHUNK_SHIFTS[chunk]),
                np.uint64((1 << _CHUNK_BITS[chunk]) - 1),
                _FLIPS[chunk, flip_bits[chunk]],
                self.chunk_occupied[chunk],
                self.chunk_starts[chunk],
                self.chunk_hashes[chunk],
                self.chunk_rows[chunk],
                np.uint64(max_bits),
            )
            close.append(found)
        return np.concatenate(close) if close else np.zeros(0, dtype=np.int32)

    def near(
        self, phashes: list[int], max_bits: int, limit: int, lookups: list[int] = ()
    ) -> list[int]:
        """Reports with a photo hash within `max_bits` of one of these, nearest first (on equal
        distances, the row stored first). `lookups` (a photo's crop grid, ~80 hashes) are probed
        with fewer flips than the hypotheses (GRID_FLIP_BITS). Each hash is compared only with
        the rows its own probes find: comparing every row found with every hash was most of a
        photo query's time."""
        if not self.size:
            return []
        close = [
            self._close_rows(_unsigned(hashes), max_bits, flip_bits)
            for hashes, flip_bits in ((phashes, HYPOTHESIS_FLIP_BITS), (lookups, GRID_FLIP_BITS))
            if hashes
        ]
        if not close:
            return []
        rows = np.unique(np.concatenate(close))
        distances = _min_distances(self.hashes[rows], _unsigned([*phashes, *lookups]))
        order = np.argsort(distances, kind="stable")
        reports = self.report_ids[rows[order]]
        return [int(report_id) for report_id in dict.fromkeys(reports.tolist())][:limit]


def _unsigned(phashes: list[int]) -> np.ndarray:
    """Signed 64-bit hashes as stored, as a uint64 array."""
    return np.array([to_unsigned(h) for h in phashes], dtype=np.uint64)


def _chunk_values(hashes: np.ndarray, chunk: int) -> np.ndarray:
    """One chunk's value of each hash (uint64 array), as indices."""
    mask = np.uint64((1 << _CHUNK_BITS[chunk]) - 1)
    return ((hashes >> np.uint64(_CHUNK_SHIFTS[chunk])) & mask).astype(np.intp)


def _bucket_starts(values: np.ndarray, chunk: int) -> np.ndarray:
    """Where each of a chunk's values has its rows among rows sorted by value (one offset per
    value and one more: the number of rows)."""
    starts = np.zeros((1 << _CHUNK_BITS[chunk]) + 1, dtype=np.int32)
    np.cumsum(np.bincount(values, minlength=1 << _CHUNK_BITS[chunk]), out=starts[1:])
    return starts


def _occupied(starts: np.ndarray) -> np.ndarray:
    """One bit per chunk value (uint64 words, least significant bit first): its bucket has rows."""
    return np.packbits(starts[1:] > starts[:-1], bitorder="little").view(np.uint64)


def _min_distances(hashes: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Each hash's Hamming distance to the nearest of the queries (uint64 arrays)."""
    # At most TAIL_ROWS or the rows found by a query's probes against ~90 hashes: one
    # broadcast (a loop over the queries cost ~0.2 ms of a photo query in numpy calls).
    return np.bitwise_count(hashes[:, None] ^ queries[None, :]).min(axis=1, initial=64)


_photo_cache_by_engine: dict[str, _PhotoHashCache] = {}


def _photo_cache() -> _PhotoHashCache:
    url = db.engine.url.render_as_string(hide_password=False)
    return _photo_cache_by_engine.setdefault(url, _PhotoHashCache())


def warm_up_photo_cache() -> None:
    """Probe a two-row cache: compiles (or loads) the cache's compiled loop for the arrays it
    is called with."""
    cache = _PhotoHashCache()
    cache._append([(1, 1, 0), (2, 2, 1)])
    cache._sort()
    cache.near([0], PHOTO_CANDIDATE_BITS, 1, [1])


def candidates_by_photo(
    phashes: list[int], exclude_report_id: int | None = None, lookups: list[int] = ()
) -> list[int]:
    """Reports with a photo perceptually close to one of these (any crop hypothesis) or to one
    of the lookup-only hashes of the new photo's crop grid."""
    if not phashes and not lookups:
        return []
    cache = _photo_cache()
    with cache.lock:
        cache.refresh()
        found = cache.near(
            list(phashes), PHOTO_CANDIDATE_BITS, MAX_IMAGE_CANDIDATES + 1, list(lookups)
        )
    return [report_id for report_id in found if report_id != exclude_report_id][
        :MAX_IMAGE_CANDIDATES
    ]
