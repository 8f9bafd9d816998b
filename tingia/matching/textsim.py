"""Similarity of normalised texts and the index keys that find candidate texts."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from tingia.matching.normalise import tokens

# Word n-gram length for similarity. Three words keep word order (a headline's words scattered
# over an unrelated article share no 3-gram) while a typo breaks only three shingles.
SHINGLE_TOKENS = 3
# A shorter side below this many tokens cannot reach full score (the short-text guard).
FULL_SCORE_TOKENS = 30
# Index keys: k-gram length and winnowing window; any shared run of
# INDEX_GRAM + INDEX_WINDOW - 1 = 25 tokens yields a shared key (before the bound below).
INDEX_GRAM = 4
INDEX_WINDOW = 22
# At most this many keys per text: the smallest winnowed hashes (a bottom-k sketch, so a long
# text and its excerpt keep the same smallest hashes of their shared part).
MAX_INDEX_KEYS = 64


@lru_cache(maxsize=8192)
def _shingles(normalised: str) -> frozenset[str]:
    """Set of word 3-grams of a normalised text (cached: one text is compared many times)."""
    toks = tokens(normalised)
    if len(toks) < SHINGLE_TOKENS:
        return frozenset([" ".join(toks)]) if toks else frozenset()
    return frozenset(
        " ".join(toks[i : i + SHINGLE_TOKENS]) for i in range(len(toks) - SHINGLE_TOKENS + 1)
    )


def text_similarity(a: str, b: str) -> float:
    """Similarity 0..100 of two normalised texts: in-order containment of the shorter one.

    Rule: score = 100 * C * G where
    - C is the fraction of the shorter text's word 3-grams found in the longer text, so an
      excerpt, a "Xem thêm" cut-off or a paste wrapped in the reporter's own words scores as
      the part they share, and words that merely occur somewhere (not in the same order) do not
      count. A typo breaks three 3-grams: one typo in 12 words still scores ~75. (A character
      alignment bonus, rapidfuzz partial_ratio, was measured on the dev set and dropped: it
      lifted unrelated posts sharing an outlet's footer from ~60 to ~73.)
    - G = min(1, n / 30) with n the shorter text's token count: a headline of 12 words that
      appears in a long article scores at most 40, a 3-word phrase at most 10, so short texts
      and shared boilerplate never carry a match on their own.
    """
    # No shortcut for a == b: two identical 3-word reports ("tin giả à?") prove nothing.
    if not a or not b:
        return 0.0
    sa, sb = _shingles(a), _shingles(b)
    short, long_ = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
    short_text = a if short is sa else b
    containment = len(short & long_) / len(short)
    n_tokens = len(tokens(short_text))
    guard = min(1.0, n_tokens / FULL_SCORE_TOKENS)
    return round(100.0 * containment * guard, 2)


def _key(text: str) -> int:
    """Signed 64-bit hash of a token n-gram, stable across processes."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8, person=b"tingia-text")
    return int.from_bytes(digest.digest(), "big", signed=True)


def index_keys(normalised: str) -> list[int]:
    """Index keys of a normalised text: winnowed word 4-gram hashes, at most 64, sorted.

    Winnowing (Schleimer et al.) keeps the minimum hash of every window of 22 consecutive
    4-grams, so two texts sharing a passage of 25 or more tokens share a key; an excerpt or a
    paste wrapped in comments therefore meets the full text even though whole-document MinHash
    similarity would be low. The bound keeps the 64 smallest keys; since the same order is used
    for every text, a text and the excerpt of it keep the same smallest keys of the part they
    share. Texts shorter than 4 tokens get one key for the whole text; an empty text gets none.
    """
    toks = tokens(normalised)
    if not toks:
        return []
    if len(toks) < INDEX_GRAM:
        return [_key(" ".join(toks))]
    hashes = [_key(" ".join(toks[i : i + INDEX_GRAM])) for i in range(len(toks) - INDEX_GRAM + 1)]
    window = min(INDEX_WINDOW, len(hashes))
    selected = {min(hashes[i : i + window]) for i in range(len(hashes) - window + 1)}
    return sorted(selected)[:MAX_INDEX_KEYS]
