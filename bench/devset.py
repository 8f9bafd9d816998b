"""Build a labelled dev set of citizen reports from a corpus of real news articles.

Usage: python -m bench.devset --out build/devset [--articles PATH] [--seed 1] [--limit N]

Each article becomes one gold cluster of reports, each report a variation of what citizens
really send (docs: DESIGN.md, "What reporters really send"); hard negatives get clusters of
their own. The corpus is read at run time and never copied into the repository.
Output: <out>/reports.jsonl ({"id", "cluster", "variation", "content", "url", "images"}) and
<out>/images/*. Deterministic for a given seed and corpus.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tingia.matching.normalise import fold_diacritics

DEFAULT_ARTICLES = "/work/shared/data/vfnd-real-articles.jsonl"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

# Articles of the corpus that report the same claim or event through different outlets; the
# later ones become "other_outlet" reports in the first one's cluster.
SAME_CLAIM_GROUPS = (
    ("VFND_Ac_Real_125", "VFND_Ac_Real_126", "VFND_Ac_Real_127"),  # Japan "bans" microwaves
    ("VFND_Ac_Real_37", "VFND_Ac_Real_36"),  # Gia Lai ward official shot
)
# Footers an outlet appends to every post: shared text between unrelated reports.
OUTLET_FOOTERS = {
    "vnexpress": "Theo dõi VnExpress trên Facebook và Zalo để cập nhật tin tức nóng nhất mỗi "
    "ngày. Mời độc giả gửi tin bài, hình ảnh, video về tòa soạn qua email.",
    "dantri": "Độc giả có thể gửi thông tin, phản ánh về Báo Dân trí qua hộp thư điện tử của "
    "tòa soạn hoặc đường dây nóng, Dân trí xin chân thành cảm ơn.",
    "tuoitre": "Mời bạn đọc theo dõi Tuổi Trẻ Online trên các nền tảng mạng xã hội để cập nhật "
    "tin tức nhanh và chính xác nhất.",
}
BEFORE = (
    "Có ai biết tin này thật không?",
    "Mọi người ơi, tin này có đúng không ạ?",
    "Thấy trên mạng chia sẻ nhiều quá, nhờ kiểm tra giúp:",
    "Nhờ các anh chị xác minh giúp em tin này.",
    "Tin này đang lan truyền khắp Facebook:",
    "Đọc được bài này trong nhóm Zalo của xóm:",
)
AFTER = (
    "Mọi người cẩn thận nhé!",
    "Có phải tin giả không ạ?",
    "Đề nghị cơ quan chức năng vào cuộc.",
    "Share cho mọi người cùng biết.",
    "Xin cảm ơn!",
)
URL_COMMENTS = ("", "", "Link này có thật không?", "Kiểm tra giúp link này", "tin giả?")
SYNONYMS = {
    "cho biết": "cho hay",
    "người dân": "bà con",
    "tuy nhiên": "thế nhưng",
    "hiện nay": "hiện tại",
    "nhiều": "không ít",
    "rất": "hết sức",
    "khoảng": "chừng",
    "nhanh chóng": "mau chóng",
    "sau đó": "tiếp đó",
    "bắt đầu": "khởi đầu",
    "phát hiện": "phát giác",
    "cơ quan chức năng": "nhà chức trách",
    "thông tin": "tin tức",
}
# Phone screen geometry in CSS px at scale 1 (360 wide): status bar, post header, body font.
SCREEN_RATIO = 2.1
PAGE_NAME = "Tin Nóng 24h"


@dataclass
class Report:
    """One dev-set report before it is written."""

    cluster: str
    variation: str
    content: str = ""
    url: str | None = None
    images: list[tuple[str, bytes]] = field(default_factory=list)  # (file name, bytes)


def load_articles(path: str) -> list[dict]:
    """Read the JSONL corpus (title, text, url, source_domain...)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _outlet(article: dict) -> str:
    """Short outlet name from the article's domain ("vnexpress", "dantri"...)."""
    host = urlsplit(article["url"]).hostname or ""
    for name in OUTLET_FOOTERS:
        if name in host:
            return name
    return host


def post_text(article: dict) -> str:
    """The social post a reporter copies: headline, paragraphs, the outlet's footer if any."""
    title = article["title"].replace("&#39;", "'")
    paragraphs = [p.strip() for p in article["text"].split("\n") if p.strip()]
    footer = OUTLET_FOOTERS.get(_outlet(article))
    return "\n\n".join([title, *paragraphs, *([footer] if footer else [])])


# --- text variations -------------------------------------------------------------------------


def respace(text: str, rng: random.Random) -> str:
    """Same text, different whitespace: paragraphs joined, double spaces, broken lines."""
    words = text.split()
    out = []
    for word in words:
        out.append(word)
        r = rng.random()
        out.append("\n" if r < 0.05 else "  " if r < 0.15 else " ")
    return "".join(out).strip()


def excerpt(text: str, rng: random.Random) -> str:
    """A contiguous passage of ~30% of the body (whole paragraphs, at least 40 words)."""
    paragraphs = text.split("\n\n")[1:]
    total = sum(len(p.split()) for p in paragraphs)
    start = rng.randrange(max(1, len(paragraphs) // 2))
    chunk: list[str] = []
    for p in paragraphs[start:]:
        chunk.append(p)
        if sum(len(c.split()) for c in chunk) >= max(40, total * 0.3):
            break
    return "\n\n".join(chunk)


def wrap_with_comments(text: str, rng: random.Random) -> str:
    """A paste with the reporter's own words before and after."""
    before = " ".join(rng.sample(BEFORE, rng.randint(1, 2)))
    after = " ".join(rng.sample(AFTER, rng.randint(1, 2)))
    return f"{before}\n{text}\n{after}"


def add_typos(text: str, rng: random.Random, rate: float = 0.08) -> str:
    """Typing errors in ~8% of words: swapped, dropped, doubled letters or a lost accent."""

    def typo(word: str) -> str:
        if len(word) < 3 or not word.isalpha():
            return word
        i = rng.randrange(len(word) - 1)
        kind = rng.randrange(4)
        if kind == 0:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if kind == 1:
            return word[:i] + word[i + 1 :]
        if kind == 2:
            return word[:i] + word[i] + word[i:]
        return fold_diacritics(word)

    return re.sub(r"\S+", lambda m: typo(m.group()) if rng.random() < rate else m.group(), text)


def see_more(text: str, rng: random.Random) -> str:
    """The first 35-60 words as a feed shows them, then "... Xem thêm"."""
    words = text.split(" ")
    return " ".join(words[: rng.randint(35, 60)]) + "... Xem thêm"


def rewrite(text: str, rng: random.Random) -> str:
    """A paraphrase: sentences reordered inside paragraphs, synonyms swapped, one dropped."""
    out = []
    for para in text.split("\n\n")[1:]:
        sentences = re.split(r"(?<=[.!?])\s+", para)
        rng.shuffle(sentences)
        if len(sentences) > 2:
            sentences.pop(rng.randrange(len(sentences)))
        para = " ".join(sentences)
        for word, synonym in SYNONYMS.items():
            if rng.random() < 0.7:
                para = re.sub(rf"\b{word}\b", synonym, para, flags=re.IGNORECASE)
        out.append(para)
    return "\n\n".join(out)


def decoy_headline(article: dict, rng: random.Random) -> str:
    """Negative: 8 words of an article, in order but scattered, as a short headline."""
    words = [w for w in re.findall(r"\w+", article["text"]) if len(w) > 1]
    picks = sorted(rng.sample(range(len(words)), min(8, len(words))))
    return " ".join(words[i] for i in picks).capitalize()


# --- URL variations --------------------------------------------------------------------------


def url_with_tracking(url: str, rng: random.Random) -> str:
    """The link as shared from a social app: utm_*, fbclid, zarsrc, a fragment."""
    params = "utm_source=facebook&utm_medium=social&fbclid=IwAR" + "".join(
        rng.choices("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=24)
    )
    if rng.random() < 0.5:
        params += "&zarsrc=30"
    return f"{url}{'&' if '?' in url else '?'}{params}#comments"


def url_mobile(url: str) -> str:
    """The same link on the mobile host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return urlunsplit((parts.scheme, "m." + host, parts.path, parts.query, ""))


def url_slash(url: str) -> str:
    """The same link over http with a trailing slash and an upper-case host."""
    parts = urlsplit(url)
    return urlunsplit(("http", (parts.hostname or "").upper(), parts.path + "/", parts.query, ""))


# --- screenshots ---------------------------------------------------------------------------


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans (it has every Vietnamese glyph) at a pixel size."""
    return ImageFont.truetype(FONT_BOLD if bold else FONT, size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> Iterator[str]:
    """Greedy word wrap to a pixel width (text reflows with the phone's width)."""
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            trial = f"{line} {word}".strip()
            if line and draw.textlength(trial, font=font) > width:
                yield line
                line = word
            else:
                line = trial
        yield line


def render_screenshot(text: str, width: int, dark: bool = False) -> Image.Image:
    """A phone screenshot of a social post: status bar, page header, reflowed text, actions."""
    s = width / 360
    height = int(width * SCREEN_RATIO)
    bg, fg, sub = (
        ((24, 25, 26), (228, 230, 235), (176, 179, 184))
        if dark
        else (
            (255, 255, 255),
            (5, 5, 5),
            (101, 103, 107),
        )
    )
    img = Image.new("RGB", (width, height), bg)
    d = ImageDraw.Draw(img)
    # Status bar.
    d.text((int(14 * s), int(4 * s)), "9:41", font=_font(int(12 * s), True), fill=fg)
    d.text((width - int(60 * s), int(4 * s)), "4G 85%", font=_font(int(11 * s)), fill=fg)
    # Post header: avatar, page name, time.
    top = int(34 * s)
    d.ellipse((int(12 * s), top, int(52 * s), top + int(40 * s)), fill=(24, 119, 242))
    d.text((int(62 * s), top + int(2 * s)), PAGE_NAME, font=_font(int(14 * s), True), fill=fg)
    d.text((int(62 * s), top + int(21 * s)), "2 giờ · Công khai", font=_font(int(12 * s)), fill=sub)
    # Body text, cut at the bottom of the screen like a real screenshot.
    font = _font(int(15 * s))
    line_h = int(21 * s)
    y = top + int(54 * s)
    bottom = height - int(70 * s)
    for line in _wrap(d, text.replace("\n\n", "\n"), font, width - int(24 * s)):
        if y + line_h > bottom:
            break
        d.text((int(12 * s), y), line, font=font, fill=fg)
        y += line_h
    # Counters and action bar.
    d.line((int(12 * s), bottom + int(8 * s), width - int(12 * s), bottom + int(8 * s)), fill=sub)
    d.text(
        (int(12 * s), bottom + int(14 * s)),
        "1,2K lượt thích · 348 bình luận",
        font=_font(int(12 * s)),
        fill=sub,
    )
    d.text(
        (int(30 * s), bottom + int(40 * s)),
        "Thích      Bình luận      Chia sẻ",
        font=_font(int(13 * s), True),
        fill=sub,
    )
    return img


# --- photos --------------------------------------------------------------------------------


def render_photo(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A photo-like picture unique to a seed: gradient sky, shapes, blur and sensor noise."""
    rng = np.random.default_rng(seed)
    w, h = size
    c1, c2 = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    t = np.linspace(0, 1, h)[:, None, None]
    tilt = np.linspace(0, rng.uniform(-0.5, 0.5), w)[None, :, None]
    base = np.clip(c1 * (1 - t - tilt) + c2 * (t + tilt), 0, 255).astype(np.uint8)
    img = Image.fromarray(base, "RGB")
    d = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(6, 14))):
        x0, y0 = int(rng.integers(-50, w)), int(rng.integers(-50, h))
        x1, y1 = x0 + int(rng.integers(40, w // 2)), y0 + int(rng.integers(40, h // 2))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        shape = int(rng.integers(3))
        if shape == 0:
            d.ellipse((x0, y0, x1, y1), fill=colour)
        elif shape == 1:
            d.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            pts = [(int(rng.integers(0, w)), int(rng.integers(0, h))) for _ in range(3)]
            d.polygon(pts, fill=colour)
    img = img.filter(ImageFilter.GaussianBlur(1.5))
    noise = rng.normal(0, 6, (h, w, 3))
    return Image.fromarray(np.clip(np.asarray(img) + noise, 0, 255).astype(np.uint8), "RGB")


def photo_variants(photo: Image.Image, caption: str, rng: random.Random) -> dict[str, Image.Image]:
    """Recompressed, resized, cropped (<=10%), captioned and framed copies of a photo."""
    w, h = photo.size
    cx, cy = int(w * rng.uniform(0.03, 0.08)), int(h * rng.uniform(0.03, 0.08))
    band = int(h * 0.16)
    captioned = Image.new("RGB", (w, h + band), (255, 255, 255))
    captioned.paste(photo, (0, 0))
    ImageDraw.Draw(captioned).text(
        (12, h + band // 4), caption[:60], font=_font(int(band * 0.35), True), fill=(0, 0, 0)
    )
    border = int(min(w, h) * 0.06)
    framed = Image.new("RGB", (w + 2 * border, h + 2 * border), (250, 250, 250))
    framed.paste(photo, (border, border))
    return {
        "photo_recompressed": photo,  # re-encoded at low quality by _encode
        "photo_resized": photo.resize((w // 2, h // 2), Image.Resampling.LANCZOS),
        "photo_cropped": photo.crop((cx, cy, w - cx // 2, h - cy // 2)),
        "photo_captioned": captioned,
        "photo_framed": framed,
    }


def _encode(img: Image.Image, fmt: str, quality: int = 90) -> bytes:
    """Image bytes in a format (JPEG at a quality)."""
    buf = io.BytesIO()
    if fmt == "JPEG":
        img.save(buf, "JPEG", quality=quality)
    else:
        img.save(buf, fmt)
    return buf.getvalue()


# --- assembling ----------------------------------------------------------------------------


def article_reports(article: dict, index: int, rng: random.Random) -> list[Report]:
    """All positive variations of one article; the first report is the full anchor report."""
    cid = article["id"]
    post = post_text(article)
    url = article["url"]
    photo = render_photo(index + 1000 * rng.randrange(1_000_000))
    photo_jpg = _encode(photo, "JPEG", 90)
    reports = [
        Report(cid, "exact", post, url, [("photo.jpg", photo_jpg)]),
        Report(cid, "spacing", respace(post, rng)),
        Report(cid, "no_diacritics", fold_diacritics(post)),
        Report(cid, "excerpt", excerpt(post, rng)),
        Report(cid, "paste_wrapped", wrap_with_comments(post, rng)),
        Report(cid, "typos", add_typos(post, rng)),
        Report(cid, "all_caps", post.upper()),
        Report(cid, "see_more", see_more(post, rng)),
        Report(cid, "url_tracking", rng.choice(URL_COMMENTS), url_with_tracking(url, rng)),
        Report(cid, "url_mobile", rng.choice(URL_COMMENTS), url_mobile(url)),
        Report(cid, "url_slash", rng.choice(URL_COMMENTS), url_slash(url)),
        Report(cid, "rewrite", rewrite(post, rng)),
        Report(cid, "headline", post.split("\n\n")[0]),
        Report(cid, "photo", "", None, [("photo.jpg", photo_jpg)]),
    ]
    for width in (360, 412, 1080):
        shot = render_screenshot(post, width)
        reports.append(Report(cid, f"screenshot_{width}", images=[("s.png", _encode(shot, "PNG"))]))
        if width == 412:
            dark = render_screenshot(post, width, dark=True)
            reports.append(Report(cid, "screenshot_dark", images=[("s.png", _encode(dark, "PNG"))]))
            recompressed = _encode(shot, "JPEG", 55)
            reports.append(Report(cid, "screenshot_recompressed", images=[("s.jpg", recompressed)]))
        if width == 1080:
            scaled = shot.resize((720, int(720 * SCREEN_RATIO)), Image.Resampling.BILINEAR)
            reports.append(
                Report(cid, "screenshot_scaled", images=[("s.jpg", _encode(scaled, "JPEG", 85))])
            )
    for variation, img in photo_variants(photo, article["title"], rng).items():
        quality = 40 if variation == "photo_recompressed" else 85
        reports.append(Report(cid, variation, images=[("p.jpg", _encode(img, "JPEG", quality))]))
    return reports


def build(articles: list[dict], seed: int, n_decoys: int = 40) -> list[Report]:
    """Every report of the dev set, in arrival order (see order_reports)."""
    rng = random.Random(seed)
    by_id = {a["id"]: a for a in articles}
    absorbed = {
        other: group[0]
        for group in SAME_CLAIM_GROUPS
        if all(i in by_id for i in group)
        for other in group[1:]
    }
    reports: list[Report] = []
    for index, article in enumerate(articles):
        if article["id"] in absorbed:
            continue
        reports.extend(article_reports(article, index, rng))
    for other, first in absorbed.items():
        reports.append(Report(first, "other_outlet", post_text(by_id[other]), by_id[other]["url"]))
    for i in range(n_decoys):
        source = rng.choice(articles)
        reports.append(Report(f"decoy-{i}", "decoy_headline", decoy_headline(source, rng)))
    return order_reports(reports, rng)


def order_reports(reports: list[Report], rng: random.Random) -> list[Report]:
    """Shuffle arrivals, but each cluster's full report ("exact") arrives first.

    The real worker attaches each report to the best earlier case and never merges cases, so
    two reports sharing no evidence (a photo-only and a link-only report) open two cases when
    they arrive before anything linking them; the anchor-first order measures the scorer, and
    bench.tune --order shuffled measures that policy effect too.
    """
    rng.shuffle(reports)
    first_seen: dict[str, int] = {}
    for pos, report in enumerate(reports):
        first_seen.setdefault(report.cluster, pos)
    for pos, report in enumerate(reports):
        if report.variation == "exact":
            head = first_seen[report.cluster]
            reports[head], reports[pos] = reports[pos], reports[head]
    return reports


def write(reports: list[Report], out: Path) -> None:
    """Write reports.jsonl and the images under out (replacing a previous build)."""
    if out.exists():
        shutil.rmtree(out)
    (out / "images").mkdir(parents=True)
    with open(out / "reports.jsonl", "w", encoding="utf-8") as fh:
        for n, report in enumerate(reports):
            rid = f"r{n:05d}"
            paths = []
            for k, (name, data) in enumerate(report.images):
                rel = f"images/{rid}-{k}{Path(name).suffix}"
                (out / rel).write_bytes(data)
                paths.append(rel)
            row = {
                "id": rid,
                "cluster": report.cluster,
                "variation": report.variation,
                "content": report.content,
                "url": report.url,
                "images": paths,
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="build/devset", type=Path)
    parser.add_argument("--articles", default=DEFAULT_ARTICLES)
    parser.add_argument("--seed", default=1, type=int)
    parser.add_argument("--limit", default=None, type=int, help="use the first N articles")
    args = parser.parse_args(argv)
    articles = load_articles(args.articles)[: args.limit]
    reports = build(articles, args.seed)
    write(reports, args.out)
    print(f"{len(reports)} reports in {len({r.cluster for r in reports})} clusters -> {args.out}")


if __name__ == "__main__":
    main()
