"""Unit tests for tingia.matching.scoring."""

import dataclasses

import pytest
from matching_samples import OTHER_POST, POST, encode, photo, screenshot_png

from tingia.matching.images import ImageFingerprint, fingerprint_image
from tingia.matching.scoring import (
    DEFAULT_AUTO_THRESHOLD,
    DEFAULT_SUGGEST_THRESHOLD,
    MatchScore,
    build_signals,
    decide,
    score_reports,
)

ARTICLE_URL = "https://vnexpress.net/ba-lan-doa-chia-4497958.html"


def _shot(ocr_text: str, sha: str = "a" * 64, phash: int = 0x0F0F) -> ImageFingerprint:
    """A screenshot fingerprint as the database would hand it back."""
    return ImageFingerprint(sha, 1080, 2268, phash, phash, None, True, ocr_text)


def test_same_content_url_is_a_certain_match():
    a = build_signals("", ARTICLE_URL + "?utm_source=fb")
    b = build_signals("hoàn toàn khác", "http://m.vnexpress.net/ba-lan-doa-chia-4497958.html/")
    assert score_reports(a, b) == MatchScore(100.0, "url")


@pytest.mark.parametrize(
    "url", ["https://vnexpress.net/", "https://www.facebook.com/tingia.vn", "https://ex.vn/?s=a"]
)
def test_home_and_profile_urls_are_no_evidence(url):
    assert score_reports(build_signals("", url), build_signals("", url)).score == 0


def test_pasted_text_matches_a_screenshot_of_it_through_ocr():
    pasted = build_signals("Có ai biết tin này không? " + POST, None)
    shot = build_signals(None, None, [_shot(POST.upper())])
    match = score_reports(pasted, shot)
    assert match.basis == "ocr_text" and match.score >= DEFAULT_AUTO_THRESHOLD
    assert score_reports(shot, pasted) == match
    other = build_signals(None, None, [_shot(OTHER_POST, sha="b" * 64)])
    assert score_reports(shot, other).score < DEFAULT_SUGGEST_THRESHOLD


def test_screenshots_of_different_posts_never_match_on_perceptual_hash():
    # Identical perceptual hashes (same layout), different bytes and different text.
    a = build_signals(None, None, [_shot(POST, sha="a" * 64)])
    b = build_signals(None, None, [_shot(OTHER_POST, sha="b" * 64)])
    assert score_reports(a, b).score < DEFAULT_SUGGEST_THRESHOLD
    # Same with real renders and no OCR at all: nothing to go on, so no match.
    ra = build_signals(None, None, [fingerprint_image(screenshot_png(POST), ocr=False)])
    rb = build_signals(None, None, [fingerprint_image(screenshot_png(OTHER_POST), ocr=False)])
    assert score_reports(ra, rb).score == 0


def test_a_screenshot_and_a_photo_are_never_compared_perceptually():
    shot = _shot("")
    lookalike = dataclasses.replace(shot, sha256="c" * 64, text_heavy=False)
    assert score_reports(build_signals("", None, [shot]), build_signals("", None, [lookalike])) == (
        MatchScore(0.0, "none")
    )


def test_same_bytes_match_exactly_even_for_screenshots():
    a = build_signals("", None, [_shot(POST)])
    b = build_signals("", None, [_shot("OCR đọc khác đi")])
    assert score_reports(a, b) == MatchScore(100.0, "image_exact")


def test_tiny_images_are_no_evidence():
    icon = ImageFingerprint("d" * 64, 48, 48, 1, 1, None, False, "")
    assert (
        score_reports(build_signals("", None, [icon]), build_signals("", None, [icon])).score == 0
    )


def test_photo_copies_match_and_other_photos_do_not():
    original = fingerprint_image(encode(photo(1)), ocr=False)
    smaller = fingerprint_image(encode(photo(1).resize((160, 120)), quality=50), ocr=False)
    other = fingerprint_image(encode(photo(2)), ocr=False)
    a, b, c = (build_signals("", None, [fp]) for fp in (original, smaller, other))
    match = score_reports(a, b)
    assert match.basis == "image_similar" and match.score >= DEFAULT_AUTO_THRESHOLD
    assert score_reports(a, c).score < DEFAULT_SUGGEST_THRESHOLD


def test_text_variants_match_and_short_comments_do_not():
    full = build_signals(POST, None)
    assert score_reports(build_signals(POST.lower(), None), full) == MatchScore(100.0, "text")
    # Two link-only reports that share nothing but the reporter's usual question.
    a = build_signals("Link này có thật không?", "https://ex.vn/a-1")
    b = build_signals("Link này có thật không?", "https://ex.vn/b-2")
    assert score_reports(a, b).score < DEFAULT_SUGGEST_THRESHOLD
    assert score_reports(full, build_signals(OTHER_POST, None)).score < DEFAULT_SUGGEST_THRESHOLD


def test_empty_reports_do_not_match():
    assert score_reports(build_signals(None, None), build_signals("", "")) == MatchScore(0, "none")


def test_build_signals_normalises_everything():
    sig = build_signals("Bộ Y TẾ!", "HTTP://M.EX.VN/a-1?fbclid=x", [_shot("Xin chào"), _shot("")])
    assert sig.text == "bo y te"
    assert sig.url == "https://ex.vn/a-1"
    assert sig.ocr_text == "xin chao"
    assert len(sig.images) == 2


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (100, "attach"),
        (80, "attach"),
        (79.99, "suggest"),
        (50, "suggest"),
        (49.9, "new"),
        (0, "new"),
    ],
)
def test_decide(score, expected):
    assert decide(score, auto_threshold=80, suggest_threshold=50) == expected


def test_default_thresholds_are_ordered():
    assert 0 < DEFAULT_SUGGEST_THRESHOLD < DEFAULT_AUTO_THRESHOLD <= 100


def test_a_headline_alone_joins_the_linked_article_it_titles_not_an_excerpt_opening_with_it():
    headline = POST.split("\n")[0]  # "Bộ Y tế cảnh báo về loại thuốc giả ..." (16 words)
    alone = build_signals(headline, None)
    article = build_signals(POST + "\n" + OTHER_POST, ARTICLE_URL)
    assert score_reports(alone, article).score >= DEFAULT_AUTO_THRESHOLD
    assert score_reports(article, alone).score >= DEFAULT_AUTO_THRESHOLD  # either arrives first
    # Another story's text that quotes this title first (a related link, a rewrite) without
    # the article's link is still only a headline inside a text: at most a suggestion.
    quoting = build_signals(headline + "\n" + OTHER_POST, None)
    assert score_reports(alone, quoting).score < DEFAULT_AUTO_THRESHOLD


def _photo(phash: int, regions: tuple[int, ...] = (), features: bytes | None = None):
    return ImageFingerprint(
        "e" * 64, 800, 600, phash, phash, None, False, "", True, regions, features
    )


def test_only_the_candidates_whose_photos_are_nearest_are_verified():
    from tingia.matching.scoring import nearest_photo_candidates

    new = build_signals("", None, [_photo(0, (0, 0xFF))])
    far = {rid: build_signals("", None, [_photo((1 << (rid + 20)) - 1)]) for rid in range(1, 6)}
    near = build_signals(
        "", None, [_photo(0xFFFF_FFFF_0000_0000, (0b111,))]
    )  # a hypothesis 3 bits off
    text_only = build_signals("một bài khác hẳn", None)
    candidates = {**far, 9: near, 10: text_only}
    # The nearest photos first, by their closest pair of hypotheses; text-only ones never count.
    assert nearest_photo_candidates(new, candidates, 3, 3) == {9, 1, 2}
    assert nearest_photo_candidates(new, candidates, 10, 10) == {1, 2, 3, 4, 5, 9}
    everything = {1, 2, 3, 4, 5, 9}
    assert nearest_photo_candidates(build_signals("chữ", None), candidates, 3, 3) == everything
    # Photos farther than the photo-hash cache looks (PHOTO_CANDIDATE_BITS) count apart.
    assert nearest_photo_candidates(new, candidates, 10, 1) == {9, 1}
    assert nearest_photo_candidates(new, candidates, 10, 0) == {9}


def test_an_unverified_photo_pair_may_only_suggest():
    from tingia.matching.scoring import HASH_ONLY_CAP, photo_evidence

    same = _photo(0x1234_5678_9ABC_DEF0)
    assert photo_evidence(same, same, verify=True)[0] == 100.0  # no features: hashes decide
    assert photo_evidence(same, same, verify=False)[0] == HASH_ONLY_CAP
