"""Unit tests for tingia.matching.textsim."""

import random
import zlib
from array import array

import numpy as np
from matching_samples import FOOTER, OTHER_POST, POST, long_text

from tingia.matching.normalise import normalise_text as norm
from tingia.matching.scoring import DEFAULT_AUTO_THRESHOLD, DEFAULT_SUGGEST_THRESHOLD
from tingia.matching.textsim import (
    MAX_INDEX_KEYS,
    OPENING_SCORE,
    gram_blob,
    index_keys,
    opening_key,
    opening_similarity,
    shared_count,
    text_similarity,
)

ARTICLE = norm(POST + "\n" + long_text(1))


def _typos(text: str, seed: int = 3) -> str:
    """Drop one letter in every tenth word."""
    rng = random.Random(seed)
    words = text.split()
    for i in range(0, len(words), 10):
        w = words[i]
        if len(w) > 2:
            k = rng.randrange(len(w))
            words[i] = w[:k] + w[k + 1 :]
    return " ".join(words)


def test_identical_and_empty():
    assert text_similarity(ARTICLE, ARTICLE) == 100
    assert text_similarity("", ARTICLE) == 0
    assert text_similarity(ARTICLE, "") == 0


def test_variants_of_the_same_post_score_high():
    post = norm(POST)
    assert text_similarity(post, norm(POST.upper().replace("\n", "  "))) == 100
    assert text_similarity(post, norm(_typos(POST))) >= 75
    wrapped = norm("Có ai biết tin này thật không? " + POST + " Mọi người cẩn thận nhé!")
    assert text_similarity(post, wrapped) >= 90
    cut = norm(" ".join(POST.split()[:40]) + "... Xem thêm")
    assert text_similarity(cut, post) >= 95


def test_excerpt_of_a_long_article_scores_high():
    words = ARTICLE.split()
    passage = " ".join(words[150:210])
    assert text_similarity(passage, ARTICLE) >= 95
    assert text_similarity(ARTICLE, passage) == text_similarity(passage, ARTICLE)


def test_unrelated_texts_score_low_even_with_common_words():
    assert text_similarity(norm(POST), norm(OTHER_POST)) < 15
    assert text_similarity(norm(long_text(1)), norm(long_text(2))) < 25


def test_shared_outlet_footer_does_not_make_a_match():
    a = norm(POST + "\n" + FOOTER)
    b = norm(OTHER_POST + "\n" + FOOTER)
    assert text_similarity(a, b) < 45


def test_short_text_guard():
    # A headline whose words all occur in the article, but not together.
    words = ARTICLE.split()
    scattered = " ".join(words[i] for i in range(0, 120, 12))
    assert text_similarity(norm(scattered), ARTICLE) < 15
    # Even a headline that appears verbatim is weak evidence on its own...
    headline = norm(POST.split("\n")[0])
    assert 30 <= text_similarity(headline, ARTICLE) <= 60
    # ...and two identical three-word reports ("tin giả à?") are no evidence at all.
    assert text_similarity(norm("tin giả à?"), norm("Tin gia a")) < DEFAULT_SUGGEST_THRESHOLD


def test_a_short_post_sent_twice_is_a_copy_not_a_headline():
    post = "Đập thủy điện Hòa Bình bị nứt, nước sắp tràn về Hà Nội trong đêm nay"
    copy = "Dap thuy dien Hoa Binh bi nut, nuoc sap tran ve Ha Noi trong dem nay"
    assert text_similarity(norm(post), norm(copy)) >= DEFAULT_AUTO_THRESHOLD
    # The same 16 words inside a long article stay weak evidence (the guard).
    assert text_similarity(norm(post), norm(post + " " + ARTICLE)) < DEFAULT_AUTO_THRESHOLD


def test_typos_are_forgiven_through_rapidfuzz_alignment():
    words = ARTICLE.split()[:60]
    typed = list(words)
    for i in range(5, 60, 12):  # a typo every 12 words: two letters swapped
        word = typed[i]
        typed[i] = word[1] + word[0] + word[2:] if len(word) > 2 else word + "x"
    exact_only = 1 - (5 * 3) / 58  # what exact 3-gram matching would keep
    score = text_similarity(norm(" ".join(words)), norm(" ".join(typed)))
    assert score > 100 * exact_only + 10
    assert score >= 95


def test_index_keys_bounded_deterministic_signed():
    keys = index_keys(ARTICLE)
    assert 0 < len(keys) <= MAX_INDEX_KEYS
    assert keys == index_keys(ARTICLE)
    assert keys == sorted(set(keys))
    assert all(-(2**63) <= k < 2**63 for k in keys)
    huge = norm(long_text(7, n_words=5000))
    assert len(index_keys(huge)) == MAX_INDEX_KEYS


def test_index_keys_find_excerpts_and_wrapped_pastes():
    full = set(index_keys(ARTICLE))
    words = ARTICLE.split()
    for start in (0, 100, 250):
        passage = " ".join(words[start : start + 30])
        assert full & set(index_keys(passage)), start
    wrapped = norm("mọi người ơi có thật không " + " ".join(words[40:80]) + " xin cảm ơn")
    assert full & set(index_keys(wrapped))


def test_index_keys_of_unrelated_texts_do_not_meet():
    assert not set(index_keys(norm(POST))) & set(index_keys(norm(OTHER_POST)))


def test_index_keys_of_short_and_empty_texts():
    assert index_keys("") == []
    assert index_keys("link nay co that khong") == []  # a comment, no evidence
    headline = "bo y te canh bao thuoc gia ban tren mang"
    assert len(index_keys(headline)) == 1
    assert index_keys(headline) != index_keys(headline.replace("thuoc", "sua"))


def _pairs() -> list[tuple[str, str]]:
    post, article = norm(POST), ARTICLE
    words = ARTICLE.split()
    return [
        (post, article),
        (article, post),
        (post, norm(_typos(POST))),
        (norm(" ".join(words[150:210])), article),
        (norm(POST), norm(OTHER_POST)),
        (norm("tin giả à?"), norm("Tin gia a")),
        (norm("Đập thủy điện Hòa Bình bị nứt"), norm("Dap thuy dien Hoa Binh bi nut")),
        (norm(POST + "\n" + FOOTER), norm(OTHER_POST + "\n" + FOOTER)),
    ]


def test_stored_gram_blob_scores_as_the_text_itself():
    for a, b in _pairs():
        assert text_similarity(a, b, gram_blob(b)) == text_similarity(a, b), (a[:30], b[:30])


def test_gram_blob_is_the_token_count_then_sorted_distinct_3gram_hashes():
    text = "mot hai ba mot hai ba bon"
    values = array("I", gram_blob(text))
    assert values[0] == 7
    grams = ["mot hai ba", "hai ba mot", "ba mot hai", "hai ba bon"]  # "mot hai ba" twice
    assert list(values[1:]) == sorted(zlib.crc32(gram.encode()) for gram in grams)
    assert list(array("I", gram_blob("tin gia"))) == [2, zlib.crc32(b"tin gia")]
    assert list(array("I", gram_blob(""))) == [0]


def test_shared_count_is_the_size_of_the_intersection():
    rng = random.Random(4)
    for n, m in ((0, 5), (5, 0), (1, 1), (30, 500), (500, 30), (200, 200)):
        a = sorted(rng.sample(range(2000), n))
        b = sorted(rng.sample(range(2000), m))
        arrays = np.array(a, dtype="<u4"), np.array(b, dtype="<u4")
        assert shared_count(*arrays) == len(set(a) & set(b)), (n, m)
    top = np.array([0, 2**32 - 1], dtype="<u4")
    assert shared_count(top, np.array([2**32 - 1], dtype="<u4")) == 1


def test_a_headline_sent_alone_opens_its_article():
    headline = "Dap thuy dien Hoa Binh bi nut, nuoc sap tran ve Ha Noi trong dem nay"
    article = norm("Đập thủy điện Hòa Bình bị nứt, nước sắp tràn về Hà Nội trong đêm nay\n\n")
    article += " " + ARTICLE
    assert opening_similarity(norm(headline), article) == OPENING_SCORE
    assert opening_similarity(article, norm(headline)) == OPENING_SCORE  # either order
    with_typo = norm(headline.replace("thuy dien", "thuy dine"))
    assert opening_similarity(with_typo, article) == OPENING_SCORE
    assert opening_key(norm(headline)) == opening_key(article) is not None


def test_a_headline_inside_an_article_or_a_short_copy_is_no_opening():
    headline = norm("Đập thủy điện Hòa Bình bị nứt, nước sắp tràn về Hà Nội trong đêm nay")
    assert opening_similarity(headline, ARTICLE + " " + headline) == 0.0  # inside, not opening
    assert opening_similarity(headline, headline) == 0.0  # the same short post: a copy's rule
    # Eight words of the article scattered in order (a decoy headline) open nothing.
    words = ARTICLE.split()
    scattered = " ".join(words[i] for i in range(0, 96, 12))
    assert opening_similarity(norm(scattered), ARTICLE) == 0.0
    short = norm("tin này có thật không")  # under eight words: no key, no evidence
    assert opening_similarity(short, norm("tin này có thật không " + ARTICLE)) == 0.0
    assert opening_key(short) is None
