"""Similarity of normalised texts and the index keys that find candidate texts."""

from __future__ import annotations

import hashlib
import itertools
import re
import zlib
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from tingia.matching.normalise import normalise_text, tokens

# Word n-gram length for similarity. Three words keep word order (a headline's words scattered
# over an unrelated article share no 3-gram) while a typo breaks only three shingles.
SHINGLE_TOKENS = 3
# A shorter side below this many tokens cannot reach full score (the short-text guard).
FULL_SCORE_TOKENS = 30
# Two texts that contain each other almost entirely are copies of one post: for them the guard
# counts from this many tokens instead, so a short post pasted twice still matches, while a
# headline found inside a long article does not.
FULL_SCORE_TOKENS_COPY = 15
COPY_CONTAINMENT = 0.9
# Typo tolerance: a 3-gram of the shorter text within this many character edits of a 3-gram
# of the longer one counts as shared. Only texts already sharing FUZZY_FROM of their 3-grams
# are aligned this way: unrelated texts stay cheap and can't be lifted by near-miss phrases.
TYPO_EDITS = 2
FUZZY_FROM = 0.5
# Index keys: k-gram length and winnowing window; any shared run of
# INDEX_GRAM + INDEX_WINDOW - 1 = 25 tokens yields a shared key (before the bound below).
INDEX_GRAM = 4
INDEX_WINDOW = 22
# At most this many keys per text: the smallest winnowed hashes (a bottom-k sketch, so a long
# text and its excerpt keep the same smallest hashes of their shared part).
MAX_INDEX_KEYS = 64
# Texts shorter than this get no index keys: the short-text guard caps their score at 8/30 of
# 100 (27), below any useful threshold, and a common short comment ("link này có thật
# không?") would otherwise fill every lookup's candidate list with unrelated reports.
MIN_INDEX_TOKENS = 8


# Bounded: ~40 KB per cached text of 300 words, ~40 MB for a long-lived worker.
@lru_cache(maxsize=1024)
def _shingles(normalised: str) -> tuple[frozenset[tuple[str, ...]], int]:
    """Word 3-grams of a normalised text (as tuples of words: built and hashed in C, ~2x faster
    than joined strings) and its token count; cached, one text is compared many times."""
    toks = tokens(normalised)
    if len(toks) < SHINGLE_TOKENS:
        return (frozenset([tuple(toks)]) if toks else frozenset()), len(toks)
    return frozenset(zip(toks, toks[1:], toks[2:], strict=False)), len(toks)


def _containment(short: frozenset[tuple[str, ...]], long_: frozenset[tuple[str, ...]]) -> float:
    """Fraction of `short`'s 3-grams found in `long_`, exactly or within TYPO_EDITS edits.

    rapidfuzz aligns the 3-grams a typo broke with their counterparts (a bit-parallel
    Levenshtein over every missing × unmatched pair, in C++), so one typo costs nothing instead
    of three 3-grams.
    """
    shared = len(short & long_)
    if shared == len(short) or shared < FUZZY_FROM * len(short):
        return shared / len(short)
    exact = short & long_
    missing = sorted(" ".join(gram) for gram in short - exact)
    pool = sorted(" ".join(gram) for gram in long_ - exact)
    if pool:
        distances = process.cdist(
            missing, pool, scorer=Levenshtein.distance, score_cutoff=TYPO_EDITS, workers=1
        )
        shared += int((distances <= TYPO_EDITS).any(axis=1).sum())
    return shared / len(short)


def _gram_strings(toks: list[str]) -> list[str]:
    if len(toks) < SHINGLE_TOKENS:
        return [" ".join(toks)] if toks else []
    return [" ".join(gram) for gram in zip(toks, toks[1:], toks[2:], strict=False)]


def gram_blob(normalised: str) -> bytes:
    """What scoring needs of a stored text, stored with it (reports.text_grams, ocr_grams):
    its token count, then the CRC-32 of each distinct word 3-gram, sorted, 4 bytes each.

    Scoring reads it instead of splitting the text and building its 3-grams again: for a
    candidate of 500 words that was 80 % of its scoring time. Two different 3-grams share a
    CRC once in 4 billion: far too rarely to move a score.
    """
    toks = tokens(normalised)
    grams = sorted({zlib.crc32(gram.encode()) for gram in _gram_strings(toks)})
    return np.array([len(toks), *grams], dtype="<u4").tobytes()


def _unpack_grams(blob: bytes) -> tuple[int, np.ndarray]:
    """gram_blob's token count and 3-gram hashes (a view of the blob, sorted)."""
    values = np.frombuffer(blob, dtype="<u4")
    return int(values[0]), values[1:]


@lru_cache(maxsize=1024)
def _gram_set(normalised: str) -> tuple[int, np.ndarray]:
    """Token count and sorted 3-gram hashes of a text (cached: a new report's text meets every
    candidate)."""
    return _unpack_grams(gram_blob(normalised))


def shared_count(a: np.ndarray, b: np.ndarray) -> int:
    """How many values two sorted arrays of distinct values have in common.

    A binary search of the shorter in the longer, in numpy: a Python set intersection boxed
    every stored hash and was most of a lookup's scoring at 1,000,000 reports.
    """
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return 0
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return int(np.count_nonzero(b[at] == a))


def _share(shared: int, short_text: str, short_n: int, long_text: str) -> float:
    """Containment of the shorter text from the 3-grams both have: exact, or by _containment
    on the texts themselves when a typo may have broken some (from FUZZY_FROM shared)."""
    if shared == short_n or shared < FUZZY_FROM * short_n:
        return shared / short_n
    return _containment(_shingles(short_text)[0], _shingles(long_text)[0])


def text_similarity(a: str, b: str, b_grams: bytes | None = None) -> float:
    """Similarity 0..100 of two normalised texts: containment of the shorter one.

    Rule: score = 100 * C * G where
    - C is the fraction of the shorter text's word 3-grams found in the longer text (fuzzily,
      with rapidfuzz: see _containment), so an excerpt, a "Xem thêm" cut-off or a paste
      wrapped in the reporter's own words scores as the part they share, and words that merely
      occur somewhere (not in the same 3-word run) do not count. (A character alignment of the
      whole texts, rapidfuzz partial_ratio, was measured on the dev set and dropped: it lifted
      unrelated posts sharing an outlet's footer from ~60 to ~73.)
    - G = min(1, n / 30) with n the shorter text's token count: a headline of 12 words that
      appears in a long article scores at most 40, a 3-word phrase at most 10, so short texts
      and shared boilerplate never carry a match on their own. When each text contains the other
      (C >= 0.9 both ways: the same short post sent twice) G = min(1, n / 15) instead.

    b_grams: b's gram_blob when stored (a candidate), saving the work of building its 3-grams.
    """
    # No shortcut for a == b: two identical 3-word reports ("tin giả à?") prove nothing.
    if not a or not b:
        return 0.0
    tokens_a, grams_a = _gram_set(a)
    tokens_b, grams_b = _unpack_grams(b_grams) if b_grams else _gram_set(b)
    shared = shared_count(grams_a, grams_b)
    if len(grams_a) <= len(grams_b):
        short_text, short_n, n_tokens, long_text, long_n = (
            a,
            len(grams_a),
            tokens_a,
            b,
            len(grams_b),
        )
    else:
        short_text, short_n, n_tokens, long_text, long_n = (
            b,
            len(grams_b),
            tokens_b,
            a,
            len(grams_a),
        )
    containment = _share(shared, short_text, short_n, long_text)
    full_score_tokens = FULL_SCORE_TOKENS
    # From FULL_SCORE_TOKENS tokens the guard is 1 either way: the other direction's
    # containment (a fuzzy alignment of the longer text) is only worked out when it can count.
    if (
        n_tokens < FULL_SCORE_TOKENS
        and containment >= COPY_CONTAINMENT
        and _share(shared, long_text, long_n, short_text) >= COPY_CONTAINMENT
    ):
        full_score_tokens = FULL_SCORE_TOKENS_COPY
    guard = min(1.0, n_tokens / full_score_tokens)
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
    share. Texts under MIN_INDEX_TOKENS tokens get no keys.
    """
    toks = tokens(normalised)
    if len(toks) < MIN_INDEX_TOKENS:
        return []
    hashes = [_key(" ".join(toks[i : i + INDEX_GRAM])) for i in range(len(toks) - INDEX_GRAM + 1)]
    window = min(INDEX_WINDOW, len(hashes))
    minima = sliding_window_view(np.array(hashes, dtype=np.int64), window).min(axis=1)
    return np.unique(minima)[:MAX_INDEX_KEYS].tolist()  # sorted, distinct


# --- openings: a headline sent alone ------------------------------------------------------

# A short text (MIN_INDEX_TOKENS up to FULL_SCORE_TOKENS tokens) that is how an article-length
# text (FULL_SCORE_TOKENS or more) begins is that article's title sent on its own: the same
# story. The short-text guard keeps a headline found *inside* an article at 40 or less; its
# opening is another matter. Matched with rapidfuzz ratio >= OPENING_RATIO over the article's
# first as many tokens (typos, a word dropped); OPENING_KEY_TOKENS words give the index key
# that finds the article.
OPENING_SCORE = 80.0
OPENING_RATIO = 90.0
OPENING_KEY_TOKENS = 8
# A short side longer than this many characters can't be under FULL_SCORE_TOKENS tokens of
# Vietnamese (syllables of ~4 letters): such pairs are skipped before splitting anything.
_OPENING_MAX_CHARS = 12 * FULL_SCORE_TOKENS


def opening_similarity(a: str, b: str) -> float:
    """OPENING_SCORE when one normalised text is a headline and the other, an article, begins
    with it; else 0."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if not short or len(short) > _OPENING_MAX_CHARS:
        return 0.0
    short_tokens = tokens(short)
    n = len(short_tokens)
    if not MIN_INDEX_TOKENS <= n < FULL_SCORE_TOKENS:
        return 0.0
    long_tokens = tokens(long_)
    if len(long_tokens) < FULL_SCORE_TOKENS:
        return 0.0
    opening = " ".join(long_tokens[:n])
    return OPENING_SCORE if fuzz.ratio(" ".join(short_tokens), opening) >= OPENING_RATIO else 0.0


def opening_key(normalised: str) -> int | None:
    """Index key of a text's first OPENING_KEY_TOKENS words (None for a shorter text), shared
    by a headline and the article it opens."""
    toks = tokens(normalised)
    if len(toks) < MIN_INDEX_TOKENS:
        return None
    return _key("^ " + " ".join(toks[:OPENING_KEY_TOKENS]))


# --- claims: what a rewrite by another outlet keeps ------------------------------------------

# Two or more capitalised words in a row (names of people, places, organisations: "Gia Lai",
# "Nguyễn Văn A", "Bộ Y tế" gives "Bộ Y"), and numbers of two or more digits ("20.000", "13/10").
_WORD_RE = re.compile(r"[^\W\d_]+|\d[\d.,/]*")
_NUMBER_RE = re.compile(r"\d[\d.,/]*\d")
# Rewrites are articles: claims are compared from this many tokens on both sides.
CLAIM_MIN_TOKENS = 40
# A suggestion needs this many shared terms, names and numbers both among them, making at
# least CLAIM_MIN_SHARE of the smaller set; its score stays in the suggestion band.
CLAIM_MIN_SHARED = 4
CLAIM_MIN_SHARE = 0.3
CLAIM_MAX_SCORE = 60.0
CLAIM_KEY_TERMS = 5  # the longest terms of a text, whose pairs are its index keys


def _names(raw_text: str) -> set[str]:
    """Runs of two or more capitalised words, unbroken by punctuation (a sentence's first word
    does not start one)."""
    names: set[str] = set()
    run: list[str] = []
    end = 0
    first = True  # the text's first word starts a sentence unless something stands before it
    for match in _WORD_RE.finditer(raw_text + " ."):
        word, gap = match.group(), raw_text[end : match.start()].strip()
        end = match.end()
        if gap:  # punctuation between the words ends a name
            if len(run) >= 2:
                names.add(normalise_text(" ".join(run)))
            run = []
        starts_sentence = (first and not gap) or (gap != "" and gap[-1] in ".!?:")
        first = False
        if word[0].isupper() and not starts_sentence:
            run.append(word)
            continue
        if len(run) >= 2:
            names.add(normalise_text(" ".join(run)))
        run = []
    return names


def claim_terms(raw_text: str | None) -> frozenset[str]:
    """Names ("p:gia lai") and numbers ("n:20000") of a raw text: what another outlet's
    article on the same claim has in common with it when no wording is shared."""
    if not raw_text:
        return frozenset()
    names = {"p:" + name for name in _names(raw_text)}
    numbers = {"n:" + re.sub(r"\D", "", m.group()) for m in _NUMBER_RE.finditer(raw_text)}
    return frozenset(term for term in names | numbers if len(term) > 3)


def claim_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Score 0..CLAIM_MAX_SCORE of two texts from the names and numbers they share.

    Never above CLAIM_MAX_SCORE (below the automatic threshold): the same names and numbers
    make a rewrite worth a verifier's look, not a join; different stories about the same
    people share names but rarely numbers, so both kinds must be shared.
    """
    shared = a & b
    if len(shared) < CLAIM_MIN_SHARED or not a or not b:
        return 0.0
    names = sum(1 for t in shared if t.startswith("p:"))
    if names < 2 or names == len(shared):  # two names and a number at least
        return 0.0
    share = len(shared) / min(len(a), len(b))
    if share < CLAIM_MIN_SHARE:
        return 0.0
    return round(min(CLAIM_MAX_SCORE, 45.0 + 30.0 * (share - CLAIM_MIN_SHARE)), 2)


def claim_keys(terms: frozenset[str]) -> list[int]:
    """Index keys of a text's claims: every pair of its CLAIM_KEY_TERMS longest terms."""
    chosen = sorted(terms, key=lambda t: (-len(t), _key(t)))[:CLAIM_KEY_TERMS]
    return sorted(
        _key("claim " + " ".join(pair)) for pair in itertools.combinations(sorted(chosen), 2)
    )
