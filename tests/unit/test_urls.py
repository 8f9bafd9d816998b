"""Unit tests for tingia.matching.urls."""

import pytest

from tingia.matching.urls import canonical_url, is_content_url, url_key

ARTICLE = "https://vnexpress.net/ba-lan-doa-chia-4497958.html"
FB_POST = "https://facebook.com/permalink.php?id=456&story_fbid=123"


@pytest.mark.parametrize("url", [None, "", "   "])
def test_empty_is_none(url):
    assert canonical_url(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "mailto:a@b.vn",
        "ftp://example.com/a",
        "data:text/html,x",
        "file:///etc/passwd",
        "localhost:8080/x",
        "https://",
    ],
)
def test_non_web_urls_are_rejected(url):
    assert canonical_url(url) is None


@pytest.mark.parametrize(
    "variant",
    [
        ARTICLE,
        "vnexpress.net/ba-lan-doa-chia-4497958.html",
        "http://vnexpress.net/ba-lan-doa-chia-4497958.html",
        "HTTPS://WWW.VNEXPRESS.NET/ba-lan-doa-chia-4497958.html",
        "https://m.vnexpress.net/ba-lan-doa-chia-4497958.html",
        "https://vnexpress.net/ba-lan-doa-chia-4497958.html/",
        "https://vnexpress.net:443/ba-lan-doa-chia-4497958.html#box-comment",
        "https://vnexpress.net/ba-lan-doa-chia-4497958.html?utm_source=facebook&utm_medium=x"
        "&fbclid=IwAR0abc&gclid=1&zarsrc=30&ref=home&si=abc",
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fvnexpress.net%2Fba-lan-doa-chia-4497958"
        ".html%3Futm_source%3Dfb&h=AT0x",
    ],
)
def test_article_link_variants_share_one_form(variant):
    assert canonical_url(variant) == ARTICLE


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.facebook.com/story.php?story_fbid=123&id=456",
        "https://m.facebook.com/story.php?id=456&story_fbid=123&mibextid=Nif5oz",
        "https://mbasic.facebook.com/permalink.php?story_fbid=123&id=456&__cft__[0]=AZW"
        "&__tn__=%2CO%2CP-R&_rdr",
        "https://fb.com/permalink.php?story_fbid=123&id=456&sfnsn=mo",
        "https://web.facebook.com/permalink.php?story_fbid=123&id=456&ref=share",
    ],
)
def test_facebook_post_variants(variant):
    assert canonical_url(variant) == FB_POST


@pytest.mark.parametrize(
    "variant",
    [
        "https://youtu.be/dQw4w9WgXcQ?si=abc",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s&feature=share",
        "https://m.youtube.com/shorts/dQw4w9WgXcQ",
        "https://youtube.com/embed/dQw4w9WgXcQ",
    ],
)
def test_youtube_variants(variant):
    assert canonical_url(variant) == "https://youtube.com/watch?v=dQw4w9WgXcQ"


def test_content_parameters_are_kept_and_sorted():
    assert canonical_url("https://ex.vn/view.php?p=2&id=7&utm_campaign=x") == (
        "https://ex.vn/view.php?id=7&p=2"
    )
    assert canonical_url("https://ex.vn/a?v=1") != canonical_url("https://ex.vn/a?v=2")


def test_different_posts_stay_different():
    assert canonical_url("https://facebook.com/permalink.php?story_fbid=1&id=9") != (
        canonical_url("https://facebook.com/permalink.php?story_fbid=2&id=9")
    )


def test_tiktok_short_links_are_kept_and_video_params_dropped():
    assert canonical_url("https://vm.tiktok.com/ZMabc123/") == "https://vm.tiktok.com/ZMabc123"
    assert canonical_url(
        "https://www.tiktok.com/@user/video/7312?is_from_webapp=1&sender_device=pc"
    ) == ("https://tiktok.com/@user/video/7312")


def test_x_and_twitter_are_one_host():
    assert canonical_url("https://mobile.twitter.com/a/status/1?s=20") == "https://x.com/a/status/1"


def test_percent_encoding_is_normalised():
    a = canonical_url("https://vi.wikipedia.org/wiki/Bộ_Y_tế")
    assert a == canonical_url("https://vi.wikipedia.org/wiki/B%e1%bb%99_Y_t%E1%BA%BF")
    assert canonical_url("https://ex.vn/%7Euser/%41") == "https://ex.vn/~user/A"
    # An encoded slash or percent sign is data, not structure: it stays encoded.
    assert canonical_url("https://ex.vn/a%2Fb/%2541") == "https://ex.vn/a%2Fb/%2541"


def test_path_cleanup_ports_and_credentials():
    assert canonical_url("https://ex.vn/a/./b/../c/index.html") == "https://ex.vn/a/c"
    assert canonical_url("http://ex.vn:80/x-1") == "https://ex.vn/x-1"
    assert canonical_url("https://ex.vn:8443/x-1") == "https://ex.vn:8443/x-1"
    # "facebook.com@evil.vn" is a login to evil.vn: the host is what the browser opens.
    assert canonical_url("https://facebook.com@evil.vn/x-1") == "https://evil.vn/x-1"


@pytest.mark.parametrize(
    "url",
    [
        "https://vnexpress.net/",
        "https://vnexpress.net/thoi-su/giao-thong",
        "https://vnexpress.net/tim-kiem?q=bao",
        "https://ex.vn/?s=lua+dao",
        "https://facebook.com/tingia.vn",
        "https://facebook.com/profile.php?id=1000123",
        "https://facebook.com/groups/123456",
        "https://facebook.com/hashtag/tingia",
        "https://youtube.com/@kenh",
        "https://tiktok.com/@user",
        "https://x.com/someone",
    ],
)
def test_home_profile_and_listing_pages_are_not_content(url):
    assert not is_content_url(canonical_url(url))


@pytest.mark.parametrize(
    "url",
    [
        ARTICLE,
        FB_POST,
        "https://facebook.com/groups/123/posts/456",
        "https://facebook.com/page/videos/789",
        "https://facebook.com/share/p/1AbCdEf",
        "https://youtube.com/watch?v=dQw4w9WgXcQ",
        "https://tiktok.com/@user/video/7312",
        "https://vm.tiktok.com/ZMabc",
        "https://x.com/a/status/1",
        "https://instagram.com/p/Cx1",
        "https://blog.vn/?p=123",
        "https://baomoi.vn/canh-bao-lua-dao-qua-mang-xa-hoi",
    ],
)
def test_posts_and_articles_are_content(url):
    assert is_content_url(canonical_url(url))


def test_is_content_url_of_none():
    assert not is_content_url(None)


def test_url_key_is_stable_signed_64_bit():
    key = url_key(ARTICLE)
    assert key == url_key(ARTICLE)
    assert -(2**63) <= key < 2**63
    assert key != url_key(FB_POST)
    # Pinned: the key is stored in the database, so it must never change between releases.
    assert url_key("https://example.com/a") == 4006757582363922876
