"""The two inner loops of photo matching, compiled with numba: probing the photo-hash cache and
the ORB ratio test.

Both are plain loops over numpy arrays that numpy could only run as a chain of whole-array
passes (gathers, repeats, cumulative sums, a 256 x 256 distance matrix): compiled, each element
is touched once. Measured in `python -m bench.matching` at 1,000,000 reports (README
"Benchmark"): the cache's probes of a photo ~2.6 -> ~1.5 ms, a pair of photos' ratio test
~0.5 -> ~0.1 ms.

Importing numba costs a process ~70 MB and 0.6 s, so only the worker's photo paths import
this module (lazily: the web processes never verify photos). Compiled code is cached on disk
(`cache=True`, beside this file or in the user's cache); a worker loads it at start
(service.warm_up_photo_matching).
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.extending import intrinsic


@intrinsic
def _popcount(typingctx, value):
    """Set bits of a uint64 (LLVM's ctpop: one instruction where the CPU has it)."""

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return types.uint64(types.uint64), codegen


@numba.njit(cache=True, nogil=True)
def close_rows_in_chunk(queries, shift, mask, flips, starts, hashes, rows, max_bits):
    """Rows within `max_bits` of a query whose chunk (`(hash >> shift) & mask`) equals the
    query's with one of `flips` applied: each query's probes read `starts` (the buckets'
    offsets into `hashes` and `rows`, kept in bucket order) and compare the rows found with
    that query only. A row may come more than once (found through several probes)."""
    count = len(flips)
    probe_starts = np.empty(len(queries) * count, np.int64)
    probe_ends = np.empty(len(queries) * count, np.int64)
    # All offsets first: independent random reads the CPU overlaps, where reading each bucket
    # straight after its offset waits on one read at a time.
    for query in range(len(queries)):
        value = (queries[query] >> shift) & mask
        for flip in range(count):
            probe = value ^ flips[flip]
            probe_starts[query * count + flip] = starts[probe]
            probe_ends[query * count + flip] = starts[probe + 1]
    found = np.empty(64, np.int32)
    size = 0
    for query in range(len(queries)):
        query_hash = queries[query]
        for probe in range(query * count, (query + 1) * count):
            for position in range(probe_starts[probe], probe_ends[probe]):
                if _popcount(hashes[position] ^ query_hash) <= max_bits:
                    if size == len(found):
                        found = np.concatenate((found, np.empty(size, np.int32)))
                    found[size] = rows[position]
                    size += 1
    return found[:size]


@numba.njit(cache=True, nogil=True)
def ratio_test(a, b, ratio, max_bits):
    """Lowe's ratio test between two sets of 256-bit descriptors ((n, 4) and (m, 4) uint64, m at
    least 2): the indices in a and in b of the matches whose nearest is nearer than `ratio`
    times the second nearest and within `max_bits`, in a's order. On a tie for the nearest the
    second equals it and the test fails, as with OpenCV's knnMatch."""
    query = np.empty(len(a), np.int64)
    train = np.empty(len(a), np.int64)
    distances = np.empty(len(b), np.int64)
    # b's words as columns: the distance loop below then vectorises.
    b0, b1, b2, b3 = b[:, 0].copy(), b[:, 1].copy(), b[:, 2].copy(), b[:, 3].copy()
    kept = 0
    for row in range(len(a)):
        a0, a1, a2, a3 = a[row, 0], a[row, 1], a[row, 2], a[row, 3]
        for column in range(len(b)):
            distances[column] = (
                _popcount(a0 ^ b0[column])
                + _popcount(a1 ^ b1[column])
                + _popcount(a2 ^ b2[column])
                + _popcount(a3 ^ b3[column])
            )
        nearest = 0
        for column in range(1, len(b)):
            if distances[column] < distances[nearest]:
                nearest = column
        best = distances[nearest]
        second = 1 << 20
        for column in range(len(b)):
            if column != nearest and distances[column] < second:
                second = distances[column]
        if best < ratio * second and best <= max_bits:
            query[kept], train[kept] = row, nearest
            kept += 1
    return query[:kept], train[:kept]
