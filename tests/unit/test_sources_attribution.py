"""Sources read from canonical URLs: Facebook pages, profiles and groups, TikTok handles,
YouTube channels, Zalo accounts and groups, websites by registered domain."""

import pytest

from tingia.matching.urls import canonical_url
from tingia.models import SourceKind, SourcePlatform
from tingia.sources.attribution import platform_of, registered_domain, source_of


@pytest.mark.parametrize(
    ("raw", "platform", "kind", "handle"),
    [
        (
            "https://www.facebook.com/groups/suckhoegiadinh/posts/8812345678",
            "facebook",
            "group",
            "groups/suckhoegiadinh",
        ),
        (
            "https://m.facebook.com/VnExpress/posts/pfbid02abc?ref=share",
            "facebook",
            "page",
            "vnexpress",
        ),
        (
            "https://facebook.com/congan.tiepnhan.hoantien",
            "facebook",
            "page",
            "congan.tiepnhan.hoantien",
        ),
        (
            "https://www.facebook.com/profile.php?id=100012345678&sk=about",
            "facebook",
            "profile",
            "100012345678",
        ),
        (
            "https://www.facebook.com/permalink.php?story_fbid=99&id=100012345678",
            "facebook",
            "profile",
            "100012345678",
        ),
        (
            "https://www.facebook.com/story.php?story_fbid=99&id=100012345678",
            "facebook",
            "profile",
            "100012345678",
        ),
        (
            "https://www.tiktok.com/@TinTucNong24h/video/7301234567890123456?lang=vi",
            "tiktok",
            "account",
            "@tintucnong24h",
        ),
        ("https://www.youtube.com/@VTV24/videos", "youtube", "channel", "@vtv24"),
        (
            "https://youtube.com/channel/UCabcDEF123/featured",
            "youtube",
            "channel",
            "channel/UCabcDEF123",
        ),
        ("https://www.youtube.com/c/TinNhanh", "youtube", "channel", "c/tinnhanh"),
        ("https://zalo.me/g/congtacvien-tiktok-2026", "zalo", "group", "g/congtacvien-tiktok-2026"),
        ("https://zalo.me/0912345678", "zalo", "account", "0912345678"),
        ("https://oa.zalo.me/123456789", "zalo", "account", "oa/123456789"),
        (
            "http://sbv-xacthuc-sinhtrachoc.top/cap-nhat?utm_source=sms",
            "website",
            "domain",
            "sbv-xacthuc-sinhtrachoc.top",
        ),
        ("https://tin.baomoi.com.vn/a-b-c-d.html", "website", "domain", "baomoi.com.vn"),
        ("https://www.chinhphu.vn/tin-tuc-123", "website", "domain", "chinhphu.vn"),
        ("https://news.bbc.co.uk/x/1", "website", "domain", "bbc.co.uk"),
        (
            "https://ten-blog.blogspot.com/2024/01/bai.html",
            "website",
            "domain",
            "ten-blog.blogspot.com",
        ),
    ],
)
def test_sources_of_content_urls(raw, platform, kind, handle):
    found = source_of(canonical_url(raw))
    assert found is not None
    assert (found.platform, found.kind, found.handle) == (platform, kind, handle)


@pytest.mark.parametrize(
    "raw",
    [
        "https://www.facebook.com/share/p/1AbCdEfGhJ/",  # a share link does not name the page
        "https://www.facebook.com/watch?v=123",
        "https://www.facebook.com/photo.php?fbid=1",
        "https://www.facebook.com/reel/123",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://vm.tiktok.com/ZSabc/",
        "https://www.tiktok.com/video/123",
        "https://x.com/someone/status/1",
        None,
        "",
    ],
)
def test_urls_that_do_not_name_their_source(raw):
    assert source_of(canonical_url(raw) if raw else raw) is None


def test_the_same_page_through_different_links_is_one_source():
    links = [
        "https://www.facebook.com/TrangTinXau/posts/1",
        "https://m.facebook.com/trangtinxau/videos/2/?fbclid=IwAR0",
        "http://fb.com/trangtinxau",
    ]
    assert {source_of(canonical_url(link)).handle for link in links} == {"trangtinxau"}
    assert source_of(canonical_url(links[2])).url == "https://facebook.com/trangtinxau"


def test_registered_domains_come_from_the_bundled_public_suffix_list():
    assert registered_domain("a.b.gov.vn") == "b.gov.vn"
    assert registered_domain("com.vn") is None  # a public suffix is nobody's
    assert registered_domain("203.0.113.5") == "203.0.113.5"


def test_platforms_of_urls():
    assert platform_of("https://facebook.com/x/posts/1") == SourcePlatform.FACEBOOK
    assert platform_of("https://youtube.com/watch?v=abcdefg") == SourcePlatform.YOUTUBE
    assert platform_of("https://zalo.me/g/abc") == SourcePlatform.ZALO
    assert platform_of("https://vnexpress.net/a-1.html") == SourcePlatform.WEBSITE
    assert SourceKind.DOMAIN == "domain"
