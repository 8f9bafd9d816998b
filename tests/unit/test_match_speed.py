"""The shortcuts that keep matching fast at 1,000,000 reports give what the plain way gives."""

import cv2
import numpy as np
from matching_samples import long_text

from tingia.matching import features, index, textsim
from tingia.matching.images import to_signed
from tingia.matching.normalise import normalise_text as norm
from tingia.matching.textsim import text_similarity


def test_min_distances_is_the_distance_to_the_nearest_query():
    rng = np.random.default_rng(11)
    hashes = rng.integers(0, 2**63, 500, dtype=np.int64).view(np.uint64)
    queries = rng.integers(0, 2**63, 13, dtype=np.int64).view(np.uint64)
    expected = np.bitwise_count(hashes[:, None] ^ queries[None, :]).min(axis=1)
    assert np.array_equal(index._min_distances(hashes, queries), expected)
    assert index._min_distances(queries[:1], queries).tolist() == [0]


def test_photo_cache_returns_reports_nearest_first_each_once():
    base = 0x0F0F_0F0F_0F0F_0F0F
    # (row id, report id, phash): report 3 holds the nearest row, report 1 two rows.
    rows = [(1, 1, base ^ 0b111), (2, 2, base ^ 0b11), (3, 1, base ^ 0b1), (4, 3, base)]
    rows += [(5 + i, 10 + i, to_signed(base ^ (0xFFFF << (16 * i)))) for i in range(4)]  # far
    cache = index._PhotoHashCache()
    cache._append(rows)
    cache._sort()
    assert cache.near([base], 10, 10) == [3, 1, 2]
    assert cache.near([base], 10, 2) == [3, 1]
    # 9 bits from `base`, 3 in each of its 21/21/22-bit chunks: beyond two-bit probes.
    beyond = base ^ (0b111 << 10) ^ (0b111 << 21) ^ (0b111 << 42)
    assert cache.near([beyond], 10, 10) == []
    # 8 bits from `base` (2, 3 and 3 in its chunks): always found; no other row is probed.
    assert cache.near([base ^ (0b11 << 10) ^ (0b111 << 21) ^ (0b111 << 42)], 10, 10) == [3]
    # A grid hash (two-bit probes in the first two chunks, one-bit in the third) 8 bits apart,
    # 3, 3 and 2 in its chunks, is not looked for...
    assert cache.near([], 10, 10, [base ^ (0b111 << 10) ^ (0b111 << 21) ^ (0b11 << 42)]) == []
    # ... 7 bits apart always is, however they fall (3 + 2 + 2, 3 + 3 + 1).
    for grid_hash in (
        base ^ (0b111 << 10) ^ (0b11 << 21) ^ (0b11 << 42),
        base ^ (0b111 << 10) ^ (0b111 << 21) ^ (0b1 << 42),
    ):
        assert cache.near([], 10, 10, [grid_hash])[0] == 3  # the nearest first


def _opencv_ratio_test(a, b, ratio, max_bits):
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(a, b, k=2)
    good = [m for m, n in pairs if m.distance < ratio * n.distance and m.distance <= max_bits]
    return [m.queryIdx for m in good], [m.trainIdx for m in good]


def test_ratio_test_matches_what_opencv_matches():
    rng = np.random.default_rng(3)
    for trial in range(40):
        a = rng.integers(0, 256, (int(rng.integers(2, 300)), 32), dtype=np.uint8)
        # b: noisy copies of some of a's descriptors (shuffled), exact duplicates (ties for
        # the nearest), and unrelated ones.
        copies = a[rng.permutation(len(a))[: len(a) // 2]].copy()
        noise = rng.integers(0, 256, copies.shape, dtype=np.uint8)
        copies ^= noise & rng.integers(0, 256, copies.shape, dtype=np.uint8) & 0x11
        b = np.concatenate([copies, copies[: trial % 5], rng.integers(0, 256, (40, 32), np.uint8)])
        b = b[rng.permutation(len(b))]
        query, train = features.ratio_test_matches(a, b, 0.8, 64)
        assert (query.tolist(), train.tolist()) == _opencv_ratio_test(a, b, 0.8, 64)
    assert len(query) > 20  # the copies do match


def test_long_texts_are_aligned_one_way_only(monkeypatch):
    words = norm(long_text(2)).split()[:60]
    typed = list(words)
    for i in range(5, 60, 12):  # a typo every 12 words: the fuzzy alignment is needed
        typed[i] = typed[i][1] + typed[i][0] + typed[i][2:] if len(typed[i]) > 2 else "x"
    a, b = " ".join(words), " ".join(typed)
    expected = text_similarity(a, b)
    calls = []
    original = textsim._containment
    monkeypatch.setattr(
        textsim, "_containment", lambda short, long_: calls.append(1) or original(short, long_)
    )
    textsim._shingles.cache_clear()
    assert text_similarity(a, b) == expected >= 95
    assert len(calls) == 1  # the guard is 1 from 30 tokens: the other direction cannot count
    # A short post typed twice still counts as a copy (its guard counts from 15 tokens).
    post = "dap thuy dien hoa binh bi nut nuoc sap tran ve ha noi trong dem nay ngay mai"
    typo = post.replace("thuy", "thyu")
    calls.clear()
    assert text_similarity(post, typo) >= 70
    assert len(calls) == 2


def test_index_keys_are_the_winnowed_minima():
    toks = norm(long_text(3)).split()
    hashes = [textsim._key(" ".join(toks[i : i + 4])) for i in range(len(toks) - 3)]
    minima = {min(hashes[i : i + 22]) for i in range(len(hashes) - 21)}
    keys = textsim.index_keys(" ".join(toks))
    assert keys == sorted(minima)[: textsim.MAX_INDEX_KEYS]
    assert all(type(key) is int for key in keys)
    short = " ".join(toks[:10])  # fewer 4-grams than a window: one key, the smallest
    assert textsim.index_keys(short) == [min(hashes[:7])]


def test_bucket_starts_are_where_each_value_begins_in_sorted_order():
    top = (1 << 22) - 1
    values = np.array([5, 0, 5, top, 2], dtype=np.intp)
    starts = index._bucket_starts(values, 2)  # the 22-bit chunk
    assert len(starts) == top + 2 and starts[-1] == 5
    ordered = np.sort(values)
    for value in (0, 1, 2, 5, 6, top):
        assert starts[value] == np.searchsorted(ordered, value)
        assert starts[value + 1] - starts[value] == np.count_nonzero(values == value)


def test_a_reused_bench_corpus_gets_the_columns_added_since(tmp_path):
    from sqlalchemy import create_engine, inspect, text

    from bench.matching import add_missing_columns

    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as connection:  # attachments as an older schema had it
        connection.execute(text("CREATE TABLE attachments (id INTEGER PRIMARY KEY, phash BIGINT)"))
        connection.execute(text("INSERT INTO attachments (id, phash) VALUES (1, 5)"))
    added = add_missing_columns(engine)
    assert "attachments.lookup_hashes" in added
    assert "attachments.id" not in added and "attachments.phash" not in added
    columns = {column["name"] for column in inspect(engine).get_columns("attachments")}
    assert "lookup_hashes" in columns
    with engine.connect() as connection:
        assert connection.execute(text("SELECT phash, lookup_hashes FROM attachments")).all() == [
            (5, None)
        ]
    assert add_missing_columns(engine) == []  # nothing more the second time


_REAL_CALLS = """
import numpy as np
from PIL import Image
from tingia.matching import index, kernels, service
from tingia.matching.images import orb_features
from tingia.matching.scoring import verify_photos

service.warm_up_photo_matching()
compiled = (len(kernels.close_rows_in_chunk.signatures), len(kernels.ratio_test.signatures))
cache = index._PhotoHashCache()
rng = np.random.default_rng(5)
cache._append([(i, i, int(h)) for i, h in enumerate(rng.integers(-2**63, 2**63 - 1, 5000), 1)])
cache._sort()
cache.near([3, -5], 10, 11, [7, 9])
pixels = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
photo = orb_features(Image.fromarray(pixels))
verify_photos(photo, orb_features(Image.fromarray(pixels[10:, 20:])))
after = (len(kernels.close_rows_in_chunk.signatures), len(kernels.ratio_test.signatures))
print(compiled, after)
assert compiled == after == (1, 1), (compiled, after)
"""


def test_the_worker_warm_up_compiles_the_loops_matching_calls():
    """A fresh process: after warm_up_photo_matching, a cache probe and a photo verification
    as the worker makes them compile nothing more (numba compiles once per argument kinds)."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", _REAL_CALLS], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_photo_matching_works_where_numba_cannot_cache():
    """A read-only install with no writable home leaves numba no cache directory: the loops are
    then compiled without one (numba raised at import before)."""
    import os
    import subprocess
    import sys

    code = "from tingia.matching import service; service.warm_up_photo_matching()"
    # No locator that can place a cache for a plain source file (numba's own override).
    env = {**os.environ, "NUMBA_CACHE_LOCATOR_CLASSES": "ZipCacheLocator"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "NUMBA_CACHE_DIR" in result.stderr  # the log says what to set
