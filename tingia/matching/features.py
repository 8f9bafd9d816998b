"""Matching two photos' ORB descriptors, vectorised in numpy.

Every photo candidate is verified, so this runs for every candidate with a photo: OpenCV's
BFMatcher.knnMatch built 512 Python DMatch objects per pair and took twice as long as the whole
distance matrix in numpy.
"""

from __future__ import annotations

import numpy as np

_WORDS = 4  # a 256-bit ORB descriptor as four 64-bit words


def hamming_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Bit distances between every descriptor of a and of b ((n, 32) and (m, 32) uint8): (n, m).

    One 64-bit word at a time keeps each temporary at n x m (a broadcast over all four words
    built one four times that size and was 5x slower).
    """
    words_a = np.ascontiguousarray(a).view(np.uint64)
    words_b = np.ascontiguousarray(b).view(np.uint64)
    distances = np.bitwise_count(words_a[:, :1] ^ words_b[:, 0]).astype(np.uint16)
    for word in range(1, _WORDS):
        distances += np.bitwise_count(words_a[:, word : word + 1] ^ words_b[:, word])
    return distances


def ratio_test_matches(
    a: np.ndarray, b: np.ndarray, ratio: float, max_bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """Lowe's ratio test, as cv2.BFMatcher(NORM_HAMMING).knnMatch(a, b, k=2) followed by
    keeping `best < ratio * second and best <= max_bits`: the indices in a and in b of the
    matches kept, in a's order. b needs two descriptors or more.

    On a tie for the nearest the test fails whichever is taken, so the nearest index kept is
    the only one (the same as OpenCV's).
    """
    distances = hamming_matrix(a, b)
    rows = np.arange(len(distances))
    nearest = distances.argmin(axis=1)
    best = distances[rows, nearest]
    distances[rows, nearest] = np.iinfo(distances.dtype).max
    second = distances.min(axis=1)
    kept = (best < ratio * second) & (best <= max_bits)
    return rows[kept], nearest[kept]
