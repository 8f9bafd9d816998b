"""Canonical URLs: the same post reached through different links gets one canonical form."""

from __future__ import annotations

import hashlib
import posixpath
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

# Host prefixes that serve the same content as the bare host.
_HOST_PREFIXES = ("www.", "m.", "mobile.", "mbasic.", "touch.", "web.")
# Whole-host aliases (after prefix stripping).
_HOST_ALIASES = {
    "fb.com": "facebook.com",
    "twitter.com": "x.com",
    "youtube-nocookie.com": "youtube.com",
}
# Query parameters that only track who shared or clicked; they never select content.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "igsh",
        "mibextid",
        "zarsrc",
        "zl_source",
        "si",
        "ref",
        "ref_src",
        "ref_url",
        "refid",
        "refsrc",
        "fref",
        "hc_ref",
        "hc_location",
        "__tn__",
        "_rdr",
        "_rdc",
        "eav",
        "paipv",
        "sfnsn",
        "extid",
        "rdid",
        "share",
        "sharing",
        "share_source",
        "share_medium",
        "share_id",
        "share_link_id",
        "share_app_id",
        "social_sharing",
        "feature",
        "app",
        "s_cid",
        "cmpid",
        "mc_cid",
        "mc_eid",
    }
)
_TRACKING_PREFIXES = ("utm_", "__cft__", "__tn__", "hc_", "pk_", "mtm_")
# Facebook identifies content only through these parameters; every other one is tracking.
_FACEBOOK_PARAMS = frozenset(
    {"story_fbid", "id", "v", "fbid", "set", "multi_permalinks", "comment_id", "reply_comment_id"}
)
# Hosts whose content is fully identified by the path: every query parameter is tracking.
_PATH_ONLY_HOSTS = frozenset({"tiktok.com", "x.com", "instagram.com", "threads.net"})
_SOCIAL_HOSTS = frozenset({"facebook.com", "youtube.com", "tiktok.com", "zalo.me"}) | (
    _PATH_ONLY_HOSTS
)
# Link shims that wrap the real target in a parameter: (host, path) -> parameter name.
_REDIRECTORS = {
    ("l.facebook.com", "/l.php"): "u",
    ("lm.facebook.com", "/l.php"): "u",
    ("google.com", "/url"): "q",
}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PCT_RE = re.compile(r"%([0-9A-Fa-f]{2})")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_HOST_RE = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*$")
_YOUTUBE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{6,}$")
# Paths and query keys of listing pages (search, tags, categories): never one post.
_LISTING_SEGMENTS = frozenset(
    {"search", "tim-kiem", "timkiem", "tag", "tags", "hashtag", "topic", "chu-de", "category"}
)
_SEARCH_KEYS = frozenset({"q", "s", "query", "keyword", "keywords", "search", "tu-khoa"})


def _normalise_escapes(component: str, safe: str) -> str:
    """Decode escaped unreserved characters, upper-case other escapes, escape raw non-ASCII."""

    def repl(match: re.Match[str]) -> str:
        ch = chr(int(match.group(1), 16))
        return ch if ch in _UNRESERVED else "%" + match.group(1).upper()

    # "%" is kept safe so the escapes just normalised are not escaped a second time.
    return quote(_PCT_RE.sub(repl, component), safe=safe + "%")


def _clean_host(netloc_host: str | None) -> str | None:
    """Lower-case, IDNA-encode and strip mobile/www prefixes from a host name."""
    if not netloc_host:
        return None
    host = netloc_host.strip(".").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    # A public web host has a dot; "localhost" or a bare word is not a reportable link.
    if not _HOST_RE.match(host) or "." not in host:
        return None
    changed = True
    while changed:
        changed = False
        for prefix in _HOST_PREFIXES:
            if host.startswith(prefix) and host.count(".") >= 2:
                host, changed = host[len(prefix) :], True
    return _HOST_ALIASES.get(host, host)


def _keep_param(host: str, key: str) -> bool:
    """Whether a query parameter may identify content (tracking parameters are dropped)."""
    if host == "facebook.com":
        return key in _FACEBOOK_PARAMS
    if host in _PATH_ONLY_HOSTS:
        return False
    k = key.lower()
    return k not in _TRACKING_PARAMS and not k.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str | None) -> str | None:
    """Return the canonical https form of an http(s) URL, or None if it is empty or not web."""
    return _canonical(url, depth=0)


def _canonical(url: str | None, depth: int) -> str | None:
    """canonical_url with a bound on nested link-shim unwrapping."""
    if not url or not url.strip():
        return None
    url = url.strip()
    scheme_match = _SCHEME_RE.match(url)
    if url.startswith("//"):
        url = "https:" + url
    elif "://" in url.split("?", 1)[0]:
        if not scheme_match or scheme_match.group(1).lower() not in ("http", "https"):
            return None
    elif scheme_match and not re.match(r"^[^:/]+:\d+(?:[/?#]|$)", url):
        # "mailto:", "javascript:", "data:" ...; "host:8080/path" is a host with a port.
        return None
    else:
        url = "https://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = _clean_host(parts.hostname)
    if host is None:
        return None
    path = parts.path or "/"

    shim_param = _REDIRECTORS.get((host, path))
    if shim_param and depth < 3:
        target = dict(parse_qsl(parts.query)).get(shim_param)
        return _canonical(target, depth + 1) if target else None

    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]

    # Per-site aliases of the same resource.
    if host == "youtu.be" and path.strip("/"):
        host, query = "youtube.com", [("v", path.strip("/").split("/")[0])]
        path = "/watch"
    elif host == "youtube.com":
        seg = path.strip("/").split("/")
        if (
            len(seg) == 2
            and seg[0] in ("shorts", "embed", "live", "v")
            and _YOUTUBE_ID_RE.match(seg[1])
        ):
            path, query = "/watch", [("v", seg[1])]
        if path == "/watch":
            # The video id is the content; timestamps, playlists and share ids are not.
            query = [(k, v) for k, v in query if k == "v"]
    elif host == "facebook.com" and path in ("/story.php", "/permalink.php"):
        path = "/permalink.php"

    path = _normalise_escapes(path, safe="/!$&'()*+,;=:@-._~")
    path = posixpath.normpath(re.sub(r"/{2,}", "/", path)) if path != "/" else "/"
    if path.endswith(("/index.html", "/index.htm")):
        path = path.rsplit("/", 1)[0]
    path = path.rstrip("/")

    # parse_qsl decoded the parameters, so re-encoding them gives one spelling per value.
    kept = sorted((k, v) for k, v in query if _keep_param(host, k))
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query_str = urlencode(kept, safe="!$'()*,;:@/?~") if kept else ""
    return f"https://{netloc}{path}" + (f"?{query_str}" if query_str else "")


def url_key(canonical: str) -> int:
    """Stable signed 64-bit key of a canonical URL, for an indexed BIGINT column."""
    digest = hashlib.blake2b(canonical.encode("utf-8"), digest_size=8, person=b"tingia-url")
    return int.from_bytes(digest.digest(), "big", signed=True)


def is_content_url(canonical: str | None) -> bool:
    """Whether a canonical URL points at one post/article (not a home, profile or list page)."""
    if not canonical:
        return False
    parts = urlsplit(canonical)
    host = parts.hostname or ""
    segments = [s for s in parts.path.split("/") if s]
    keys = {k for k, _ in parse_qsl(parts.query)}
    if any(s.lower() in _LISTING_SEGMENTS for s in segments) or keys & _SEARCH_KEYS:
        return False
    if host == "facebook.com":
        # Pages, profiles (profile.php?id=) and groups are roots; a post has an id in its path
        # (posts/videos/photos/permalink/reel/share) or a story/photo/video parameter.
        return bool(keys & {"story_fbid", "fbid", "v", "multi_permalinks"}) or any(
            s in ("posts", "videos", "photos", "permalink", "reel", "share") for s in segments
        )
    if host == "youtube.com":
        return parts.path == "/watch" and "v" in keys
    if host in ("tiktok.com", "vm.tiktok.com", "vt.tiktok.com"):
        return host != "tiktok.com" or "video" in segments or "photo" in segments
    if host == "x.com":
        return "status" in segments
    if host == "instagram.com":
        return bool(segments) and segments[0] in ("p", "reel", "tv")
    if host in _SOCIAL_HOSTS:
        return len(segments) >= 2
    if not segments:
        # A home page, unless the query names an item (WordPress "?p=123").
        return bool(keys)
    # An article slug carries an id or several words; "/thoi-su/giao-thong" is a section.
    last = unquote(segments[-1])
    return any(ch.isdigit() for ch in last) or len(re.split(r"[-_]", last)) >= 4 or "." in last
