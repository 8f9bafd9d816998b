"""Who published a piece of content, read from its canonical URL (tingia/matching/urls.py).

Pure functions, no network: the registered domain of a website comes from tldextract's bundled
snapshot of the Public Suffix List (private suffixes included, so two blogs on blogspot.com are
two sources). A URL that does not name its owner (a Facebook video or share link, a YouTube
watch page, a TikTok short link) has no source here: only a person who opens it can tell.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qsl, urlsplit

import tldextract

from tingia.models.enums import SourceKind, SourcePlatform

# First path segments of facebook.com that are features, not the name of a page or profile.
_FACEBOOK_RESERVED = frozenset(
    {
        "watch",
        "reel",
        "reels",
        "share",
        "photo",
        "photo.php",
        "video.php",
        "story.php",
        "stories",
        "events",
        "marketplace",
        "gaming",
        "hashtag",
        "search",
        "login",
        "login.php",
        "help",
        "settings",
        "notifications",
        "messages",
        "friends",
        "home.php",
        "media",
        "sharer",
        "sharer.php",
        "dialog",
        "plugins",
        "l.php",
        "privacy",
        "policies",
        "business",
        "ads",
        "fundraisers",
    }
)
_YOUTUBE_RESERVED = frozenset(
    {"watch", "shorts", "embed", "live", "results", "playlist", "feed", "hashtag", "v"}
)
_ZALO_RESERVED = frozenset({"s", "pc", "download", "zalo-pc", "blog"})
# Social hosts whose accounts are not tracked as sources: their domain is not a publisher.
_UNTRACKED_SOCIAL = frozenset(
    {"x.com", "instagram.com", "threads.net", "vm.tiktok.com", "vt.tiktok.com", "fb.watch"}
)
_PLATFORM_HOSTS = {
    "facebook.com": SourcePlatform.FACEBOOK,
    "fb.watch": SourcePlatform.FACEBOOK,
    "tiktok.com": SourcePlatform.TIKTOK,
    "vm.tiktok.com": SourcePlatform.TIKTOK,
    "vt.tiktok.com": SourcePlatform.TIKTOK,
    "youtube.com": SourcePlatform.YOUTUBE,
    "youtu.be": SourcePlatform.YOUTUBE,
    "zalo.me": SourcePlatform.ZALO,
    "oa.zalo.me": SourcePlatform.ZALO,
    "chat.zalo.me": SourcePlatform.ZALO,
}
_TIKTOK_HANDLE = re.compile(r"^@[A-Za-z0-9._]{1,40}$")
_FACEBOOK_NAME = re.compile(r"^[A-Za-z0-9.\-]{2,100}$")


@dataclass(frozen=True)
class SourceRef:
    """A source as read from a URL: its platform, kind, handle and home URL."""

    platform: SourcePlatform
    kind: SourceKind
    handle: str
    url: str


@cache
def _extractor() -> tldextract.TLDExtract:
    # No suffix-list URLs and no cache directory: the bundled snapshot, never a download.
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def platform_of(canonical: str) -> SourcePlatform:
    """The platform a canonical URL is on (a website unless a known social host)."""
    host = urlsplit(canonical).hostname or ""
    return _PLATFORM_HOSTS.get(host, SourcePlatform.WEBSITE)


def registered_domain(host: str) -> str | None:
    """The domain registered under a public suffix ("tin.baomoi.com.vn" -> "baomoi.com.vn");
    the address itself for an IP; None for a bare public suffix."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return host
    parts = _extractor()(host)
    if not parts.domain or not parts.suffix:
        return None
    return f"{parts.domain}.{parts.suffix}"


def _segments(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment]


def _facebook(segments: list[str], query: dict[str, str]) -> SourceRef | None:
    def ref(kind: SourceKind, handle: str, path: str) -> SourceRef:
        return SourceRef(SourcePlatform.FACEBOOK, kind, handle, f"https://facebook.com/{path}")

    if segments[:1] == ["groups"] and len(segments) >= 2:
        return ref(SourceKind.GROUP, f"groups/{segments[1]}", f"groups/{segments[1]}")
    if segments in (["profile.php"], ["permalink.php"]) and query.get("id", "").isdigit():
        # permalink.php?story_fbid=…&id=N: N is the page or profile that posted it.
        number = query["id"]
        return ref(SourceKind.PROFILE, number, f"profile.php?id={number}")
    if segments[:1] == ["pages"] and len(segments) >= 3 and segments[-1].isdigit():
        return ref(SourceKind.PAGE, segments[-1], f"profile.php?id={segments[-1]}")
    if segments and segments[0].lower() not in _FACEBOOK_RESERVED:
        name = segments[0]
        if _FACEBOOK_NAME.match(name) and not name.endswith(".php"):
            return ref(SourceKind.PAGE, name.lower(), name.lower())
    return None


def _tiktok(segments: list[str]) -> SourceRef | None:
    if segments and _TIKTOK_HANDLE.match(segments[0]):
        handle = segments[0].lower()
        return SourceRef(
            SourcePlatform.TIKTOK, SourceKind.ACCOUNT, handle, f"https://tiktok.com/{handle}"
        )
    return None


def _youtube(segments: list[str]) -> SourceRef | None:
    def ref(handle: str) -> SourceRef:
        return SourceRef(
            SourcePlatform.YOUTUBE, SourceKind.CHANNEL, handle, f"https://youtube.com/{handle}"
        )

    if not segments or segments[0].lower() in _YOUTUBE_RESERVED:
        return None
    first = segments[0]
    if first.startswith("@") and len(first) > 1:
        return ref(first.lower())
    if first == "channel" and len(segments) >= 2:
        return ref(f"channel/{segments[1]}")  # channel ids are case-sensitive
    if first in ("c", "user") and len(segments) >= 2:
        return ref(f"{first}/{segments[1].lower()}")
    return None


def _zalo(host: str, segments: list[str]) -> SourceRef | None:
    if host == "oa.zalo.me" and segments:
        handle = f"oa/{segments[-1]}"
        return SourceRef(
            SourcePlatform.ZALO, SourceKind.ACCOUNT, handle, f"https://oa.zalo.me/{segments[-1]}"
        )
    if host != "zalo.me" or not segments or segments[0].lower() in _ZALO_RESERVED:
        return None
    if segments[0] == "g" and len(segments) >= 2:
        handle = f"g/{segments[1]}"
        return SourceRef(SourcePlatform.ZALO, SourceKind.GROUP, handle, f"https://zalo.me/{handle}")
    handle = segments[0].lower()
    return SourceRef(SourcePlatform.ZALO, SourceKind.ACCOUNT, handle, f"https://zalo.me/{handle}")


def source_of(canonical: str | None) -> SourceRef | None:
    """The page, account, channel or website a canonical URL belongs to, or None when the URL
    does not name it."""
    if not canonical:
        return None
    parts = urlsplit(canonical)
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("http", "https"):
        return None
    segments = _segments(parts.path)
    query = dict(parse_qsl(parts.query))
    if host == "facebook.com":
        return _facebook(segments, query)
    if host == "tiktok.com":
        return _tiktok(segments)
    if host == "youtube.com":
        return _youtube(segments)
    if host.endswith("zalo.me"):
        return _zalo(host, segments)
    if host in _UNTRACKED_SOCIAL or host == "youtu.be":
        return None
    domain = registered_domain(host)
    if domain is None:
        return None
    return SourceRef(SourcePlatform.WEBSITE, SourceKind.DOMAIN, domain, f"https://{domain}")
