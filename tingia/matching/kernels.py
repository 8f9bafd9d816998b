"""The two inner loops of photo matching, compiled with numba: probing the photo-hash cache and
the ORB ratio test.

Both are plain loops over numpy arrays that numpy could only run as a chain of whole-array
passes (gathers, repeats, cumulative sums, a 256 x 256 distance matrix): compiled, each element
is touched once. Measured on the benchmark's photo queries at 1,000,000 reports (README
"Benchmark", mean CPU ms a query): the photo-hash cache 2.85 (numpy) -> 2.2 compiled -> 1.9
with prefetching -> 1.45 with the occupancy bitmaps; ORB verification 1.19 -> 0.31 (a pair's
ratio test ~0.5 -> ~0.1 ms).

Importing numba costs a process ~70 MB and 0.6 s, so only the worker's photo paths import
this module (lazily: the web processes never verify photos). Compiled code is cached on disk
(beside this file, in NUMBA_CACHE_DIR or in the user's cache); a worker loads it at start
(service.warm_up_photo_matching).
"""

from __future__ import annotations

import logging

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

log = logging.getLogger(__name__)


def _compiled(function):
    """numba.njit with its disk cache, or without one where no cache directory is writable (a
    read-only install and no writable home): then each worker compiles at start (seconds)."""
    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError as error:  # numba: "cannot cache function ...: no locator available"
        log.warning("%s; set NUMBA_CACHE_DIR to a writable directory", error)
        return numba.njit(nogil=True)(function)


@intrinsic
def _popcount(typingctx, value):
    """Set bits of a uint64 (LLVM's ctpop: one instruction where the CPU has it)."""

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return types.uint64(types.uint64), codegen


@intrinsic
def _prefetch(typingctx, array, position):
    """Ask the CPU to start reading array[position] into its caches (LLVM's prefetch)."""

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        data = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(
            context, builder, array_type, data, [args[1]], wraparound=False
        )
        byte_pointer, i32 = ir.PointerType(ir.IntType(8)), ir.IntType(32)
        function_type = ir.FunctionType(ir.VoidType(), [byte_pointer, i32, i32, i32])
        prefetch = cgutils.get_or_insert_function(builder.module, function_type, "llvm.prefetch.p0")
        # A read (0), kept in every cache level (3), of data (1).
        builder.call(prefetch, [builder.bitcast(pointer, byte_pointer), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return types.void(array, position), codegen


# How many probes ahead the probe loops ask for their reads (the one distance tried: on a
# synthetic 2,200,000-row cache, 0.95 -> 0.77 ms a photo against no prefetching).
_PREFETCH_AHEAD = 16


@_compiled
def close_rows_in_chunk(queries, shift, mask, flips, occupied, starts, hashes, rows, max_bits):
    """Rows within `max_bits` of a query whose chunk (`(hash >> shift) & mask`) equals the
    query's with one of `flips` applied: each query's probes read `starts` (the buckets'
    offsets into `hashes` and `rows`, kept in bucket order) and compare the rows found with
    that query only. `occupied`: one bit per chunk value, set when its bucket has rows. A row
    may come more than once (found through several probes)."""
    count = len(flips)
    probes = np.empty(len(queries) * count, np.int64)
    owners = np.empty(len(queries) * count, np.int64)
    total = 0
    # Many buckets are empty (1.94 million uniform hashes leave 40 % of a 21-bit chunk's and
    # 63 % of the 22-bit one's): the bitmap (256-512 KB, in the CPU's caches) says which, so
    # their offsets are never read.
    for query in range(len(queries)):
        value = (queries[query] >> shift) & mask
        for flip in range(count):
            probe = value ^ flips[flip]
            probes[total], owners[total] = probe, query
            total += (occupied[probe >> 6] >> (probe & 63)) & 1
    # Each probe is then two random reads (its bucket's offset, then its rows), most from
    # memory: the offsets are read first, then the rows, each asked for _PREFETCH_AHEAD probes
    # ahead so that many reads are on their way at once.
    probe_starts = np.empty(total, np.int64)
    probe_ends = np.empty(total, np.int64)
    for probe in range(total):
        if probe + _PREFETCH_AHEAD < total:
            _prefetch(starts, probes[probe + _PREFETCH_AHEAD])
        probe_starts[probe] = starts[probes[probe]]
        probe_ends[probe] = starts[probes[probe] + 1]
    found = np.empty(64, np.int32)
    size = 0
    for probe in range(total):
        if probe + _PREFETCH_AHEAD < total:
            _prefetch(hashes, probe_starts[probe + _PREFETCH_AHEAD])
        query_hash = queries[owners[probe]]
        for position in range(probe_starts[probe], probe_ends[probe]):
            if _popcount(hashes[position] ^ query_hash) <= max_bits:
                if size == len(found):
                    found = np.concatenate((found, np.empty(size, np.int32)))
                found[size] = rows[position]
                size += 1
    return found[:size]


@_compiled
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
