"""Matching two photos' ORB descriptors.

Every photo candidate verified runs this: OpenCV's BFMatcher.knnMatch built 512 Python DMatch
objects per pair, and a distance matrix in numpy took ~0.5 ms a pair at 256 descriptors each;
the compiled loop (kernels.ratio_test) ~0.1 ms.
"""

from __future__ import annotations

import numpy as np


def ratio_test_matches(
    a: np.ndarray, b: np.ndarray, ratio: float, max_bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """Lowe's ratio test, as cv2.BFMatcher(NORM_HAMMING).knnMatch(a, b, k=2) followed by
    keeping `best < ratio * second and best <= max_bits`, on (n, 32) and (m, 32) uint8
    descriptors: the indices in a and in b of the matches kept, in a's order. b needs two
    descriptors or more.

    On a tie for the nearest the test fails whichever is taken, so the nearest index kept is
    the only one (the same as OpenCV's).
    """
    from tingia.matching.kernels import ratio_test  # numba: worker only (see kernels)

    words_a = np.ascontiguousarray(a).view(np.uint64)
    words_b = np.ascontiguousarray(b).view(np.uint64)
    return ratio_test(words_a, words_b, ratio, max_bits)
