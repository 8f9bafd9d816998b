"""Unit tests for bench.metrics and the pure parts of bench.devset."""

import random

import pytest
from matching_samples import POST

from bench.devset import (
    add_typos,
    build,
    excerpt,
    order_reports,
    post_text,
    respace,
    see_more,
    url_mobile,
    url_slash,
    url_with_tracking,
)
from bench.metrics import bcubed, bcubed_by_group
from tingia.matching.normalise import normalise_text
from tingia.matching.urls import canonical_url

ARTICLE = {
    "id": "A1",
    "title": "Bộ Y tế cảnh báo thuốc giả",
    "text": POST,
    "url": "https://vnexpress.net/bo-y-te-canh-bao-thuoc-gia-123.html",
    "source_domain": "vnexpress.net",
}


def test_bcubed_hand_checked():
    gold = {"a": 1, "b": 1, "c": 2}
    # a alone; b and c together. Per item (P, R): a (1, 1/2), b (1/2, 1/2), c (1/2, 1).
    p, r, f = bcubed({"a": "x", "b": "y", "c": "y"}, gold)
    assert (p, r, f) == pytest.approx((2 / 3, 2 / 3, 2 / 3))


def test_bcubed_extremes():
    gold = {"a": 1, "b": 1, "c": 2, "d": 2}
    assert bcubed(dict(gold), gold) == (1.0, 1.0, 1.0)
    p, r, f = bcubed(dict.fromkeys(gold, 0), gold)  # everything merged
    assert (p, r) == (0.5, 1.0) and f == pytest.approx(2 / 3)
    p, r, _ = bcubed({k: k for k in gold}, gold)  # everything split
    assert (p, r) == (1.0, 0.5)


def test_bcubed_rejects_different_items():
    with pytest.raises(ValueError):
        bcubed({"a": 1}, {"b": 1})


def test_bcubed_by_group():
    gold = {"a": 1, "b": 1, "c": 2}
    pred = {"a": "x", "b": "y", "c": "y"}
    by = bcubed_by_group(pred, gold, {"a": "exact", "b": "typos", "c": "exact"})
    assert by["typos"] == pytest.approx((0.5, 0.5, 0.5))
    assert by["exact"] == pytest.approx((0.75, 0.75, 0.75))


def test_text_variations_keep_the_content():
    rng = random.Random(1)
    post = post_text(ARTICLE)
    assert post.startswith(ARTICLE["title"]) and "Theo dõi VnExpress" in post
    assert normalise_text(respace(post, rng)) == normalise_text(post)
    assert normalise_text(excerpt(post, rng)) in normalise_text(post)
    cut = see_more(post, rng)
    assert cut.endswith("... Xem thêm") and normalise_text(cut) in normalise_text(post)
    typoed = add_typos(post, rng)
    assert typoed != post and len(typoed.split()) == len(post.split())


def test_url_variations_canonicalise_to_the_article():
    rng = random.Random(1)
    url = ARTICLE["url"]
    variants = (url_with_tracking(url, rng), url_mobile(url), url_slash(url))
    assert len(set(variants)) == 3
    assert {canonical_url(v) for v in variants} == {canonical_url(url)}


def test_build_is_deterministic_and_anchor_comes_first():
    other = dict(ARTICLE, id="A2", url="https://dantri.com.vn/b-456.htm", text=POST[::-1])
    first = build([ARTICLE, other], seed=3, n_decoys=2, photo_sources="skimage")
    second = build([ARTICLE, other], seed=3, n_decoys=2, photo_sources="skimage")
    assert [(r.cluster, r.variation, r.content) for r in first] == [
        (r.cluster, r.variation, r.content) for r in second
    ]
    assert [r.images for r in first] == [r.images for r in second]
    for cluster in ("A1", "A2"):
        assert next(r for r in first if r.cluster == cluster).variation == "exact"
    variations = {r.variation for r in first if r.cluster == "A1"}
    assert {
        "screenshot_360",
        "screenshot_facebook_dark",
        "screenshot_tiktok",
        "photo_cropped",
        "photo_in_post",
        "url_mobile",
    } <= variations
    assert sum(r.variation == "decoy_headline" for r in first) == 2
    # Every story photo has a second shot of its scene: a near miss of a cluster of its own.
    shots = [r for r in first if r.variation == "decoy_other_shot"]
    assert len(shots) == 2 and all(r.cluster.startswith("decoy-shot-") for r in shots)
    screenshots = [r for r in first if r.variation.startswith("screenshot")]
    assert all(r.screen_text and r.style for r in screenshots)


def test_order_reports_keeps_every_report():
    reports = build([ARTICLE], seed=1, n_decoys=3, photo_sources="skimage")
    again = order_reports(list(reports), random.Random(5))
    assert sorted(map(id, again)) == sorted(map(id, reports))
