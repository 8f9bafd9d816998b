"""Phone screenshots of social posts for the dev set: four apps' chrome, widths, fonts, themes.

`render_post` draws one screen the way an app shows a post (status bar, app bar, author and
time, the post's text wrapped to the screen width in the chosen font, a photo if the post has
one, counters and buttons) and returns it with the post text that is visible on it, the
ground truth `bench.ocr` measures OCR against. Text really reflows: it is wrapped at the
screen's width with the font's own metrics.

Fonts (Debian packages): DejaVu Sans (fonts-dejavu-core) and Roboto (fonts-roboto-unhinted)
are the fonts the matcher was tuned on; Liberation Sans (fonts-liberation2), Open Sans
(fonts-open-sans) and DejaVu Serif are used only on the held-out stories.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

FONTS = {
    "dejavu": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    "roboto": (
        "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
        "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Bold.ttf",
    ),
    "liberation": (
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    ),
    "opensans": (
        "/usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf",
        "/usr/share/fonts/truetype/open-sans/OpenSans-Bold.ttf",
    ),
    "dejavu_serif": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    ),
}
TUNING_FONTS = ("dejavu", "roboto")
HOLDOUT_FONTS = ("liberation", "opensans", "dejavu_serif")
APPS = ("facebook", "zalo", "tiktok", "messenger")
WIDTHS = (360, 390, 412, 540, 720, 828, 1080)
CSS_WIDTHS = (360, 390, 412)


def available_fonts(names: tuple[str, ...]) -> tuple[str, ...]:
    """The fonts of `names` installed here (DejaVu Sans is always there: CI installs it)."""
    found = tuple(n for n in names if all(os.path.exists(p) for p in FONTS[n]))
    return found or ("dejavu",)


@dataclass(frozen=True)
class ScreenStyle:
    """How a screenshot looks: app, pixel width, CSS width, font, theme, status bar, crop."""

    app: str
    width: int
    css_width: int = 360
    font: str = "dejavu"
    dark: bool = False
    status: str = "android"  # "android" | "ios"
    crop_to_post: bool = False
    page: str = "Tin Nóng 24h"
    when: str = "2 giờ"


def random_style(rng: random.Random, app: str, fonts: tuple[str, ...], **fixed) -> ScreenStyle:
    """A style for an app with every other choice drawn at random."""
    values = {
        "app": app,
        "width": rng.choice(WIDTHS),
        "css_width": rng.choice(CSS_WIDTHS),
        "font": rng.choice(fonts),
        "dark": app == "tiktok" or rng.random() < 0.35,
        "status": rng.choice(["android", "ios"]),
        "crop_to_post": rng.random() < 0.3,
        "when": rng.choice(["2 giờ", "5 phút", "Hôm qua lúc 20:15", "12 tháng 3", "1 ngày"]),
    }
    values.update(fixed)
    return ScreenStyle(**values)


class _Painter:
    """Drawing helpers in CSS px (scaled to the screen's pixel width)."""

    def __init__(self, style: ScreenStyle, height_css: float) -> None:
        self.style = style
        self.s = style.width / style.css_width
        self.dark = style.dark
        self.bg = (24, 25, 26) if self.dark else (255, 255, 255)
        self.fg = (228, 230, 235) if self.dark else (5, 5, 5)
        self.sub = (176, 179, 184) if self.dark else (101, 103, 107)
        if style.app == "tiktok":
            self.bg, self.fg, self.sub = (0, 0, 0), (255, 255, 255), (200, 200, 200)
        self.img = Image.new("RGB", (style.width, round(height_css * self.s)), self.bg)
        self.draw = ImageDraw.Draw(self.img)
        regular, bold = FONTS[style.font]
        self._paths = {False: regular, True: bold}

    def font(self, size_css: float, bold: bool = False) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(self._paths[bold], max(6, round(size_css * self.s)))

    def px(self, value: float) -> int:
        return round(value * self.s)

    def text(self, x, y, text, size, bold=False, fill=None) -> None:
        self.draw.text(
            (self.px(x), self.px(y)), text, font=self.font(size, bold), fill=fill or self.fg
        )

    def wrap(self, text: str, size: float, width_css: float) -> Iterator[str]:
        """Greedy word wrap at a CSS width with the font's own metrics."""
        font = self.font(size)
        limit = self.px(width_css)
        for para in text.split("\n"):
            line = ""
            for word in para.split():
                trial = f"{line} {word}".strip()
                if line and self.draw.textlength(trial, font=font) > limit:
                    yield line
                    line = word
                else:
                    line = trial
            if line:
                yield line


def _status_bar(p: _Painter, rng_seed: int) -> float:
    """The phone's status bar; returns its height in CSS px."""
    rng = random.Random(rng_seed)
    clock = f"{rng.randint(6, 23)}:{rng.randint(0, 59):02d}"
    battery = f"{rng.randint(12, 99)}%"
    if p.style.status == "ios":
        p.text(22, 10, clock, 14, True)
        p.text(p.style.css_width - 70, 10, f"5G {battery}", 12, True)
        return 40
    p.text(12, 5, clock, 12)
    p.text(p.style.css_width - 78, 5, f"4G ▲ {battery}", 11)
    return 26


def _body(
    p: _Painter,
    text: str,
    x: float,
    y: float,
    width: float,
    bottom: float,
    size=15.0,
    line=1.38,
    fill=None,
) -> tuple[float, list[str]]:
    """Wrapped text from y down to bottom (cut there like a real screen); (new y, lines drawn)."""
    drawn = []
    for row in p.wrap(text, size, width):
        if y + size * line > bottom:
            break
        p.text(x, y, row, size, fill=fill)
        drawn.append(row)
        y += size * line
    return y, drawn


def _photo_block(p: _Painter, photo: Image.Image, y: float, height_max: float) -> float:
    """A photo at full screen width from y; returns the height used in CSS px."""
    width_px = p.style.width
    h_px = round(photo.height * width_px / photo.width)
    h_px = min(h_px, p.px(height_max))
    shown = photo.resize(
        (width_px, round(photo.height * width_px / photo.width)), Image.Resampling.LANCZOS
    )
    p.img.paste(shown.crop((0, 0, width_px, h_px)), (0, p.px(y)))
    return h_px / p.s


def render_post(text: str, style: ScreenStyle, photo: Image.Image | None = None, seed: int = 0):
    """(screenshot, visible post text) of a post in an app's style."""
    renderer = {
        "facebook": _facebook,
        "zalo": _zalo,
        "tiktok": _tiktok,
        "messenger": _messenger,
    }[style.app]
    height_css = style.css_width * 2.1
    p = _Painter(style, height_css)
    top, bottom, lines = renderer(p, text, photo, height_css, seed)
    img = p.img
    if style.crop_to_post:
        img = img.crop((0, p.px(top), img.width, min(img.height, p.px(bottom))))
    return img, "\n".join(lines)


def _facebook(p: _Painter, text, photo, height, seed):
    y = _status_bar(p, seed)
    blue = (45, 136, 255) if p.dark else (8, 102, 255)
    p.text(12, y + 4, "facebook", 24, True, fill=blue)
    for i in range(3):
        cx = p.style.css_width - 28 - 38 * i
        p.draw.ellipse((p.px(cx - 14), p.px(y + 6), p.px(cx + 14), p.px(y + 34)), fill=p.sub)
    y += 48
    p.draw.line((0, p.px(y), p.style.width, p.px(y)), fill=p.sub, width=max(1, p.px(4)))
    post_top = y + 4
    y += 12
    p.draw.ellipse((p.px(12), p.px(y), p.px(52), p.px(y + 40)), fill=(24, 119, 242))
    p.text(62, y + 2, p.style.page, 15, True)
    p.text(62, y + 22, f"{p.style.when} · Công khai", 12, fill=p.sub)
    p.text(p.style.css_width - 30, y, "···", 16, True, fill=p.sub)
    y += 54
    bottom = height - 110
    body_bottom = bottom if photo is None else min(bottom, y + 15 * 1.38 * 4)
    y, lines = _body(p, text, 12, y, p.style.css_width - 24, body_bottom)
    if photo is not None:
        y += 6 + _photo_block(p, photo, y + 6, bottom - y - 6)
    y += 8
    p.text(12, y, "1,2K", 12, fill=p.sub)
    p.text(p.style.css_width - 190, y, "348 bình luận  56 lượt chia sẻ", 12, fill=p.sub)
    y += 24
    p.draw.line((p.px(12), p.px(y), p.px(p.style.css_width - 12), p.px(y)), fill=p.sub)
    p.text(30, y + 10, "Thích", 13, True, fill=p.sub)
    p.text(p.style.css_width / 2 - 35, y + 10, "Bình luận", 13, True, fill=p.sub)
    p.text(p.style.css_width - 80, y + 10, "Chia sẻ", 13, True, fill=p.sub)
    post_bottom = y + 40
    # Bottom navigation bar.
    nav = height - 50
    p.draw.rectangle((0, p.px(nav), p.style.width, p.img.height), fill=p.bg)
    for i in range(5):
        cx = p.style.css_width * (i + 0.5) / 5
        p.draw.rounded_rectangle(
            (p.px(cx - 11), p.px(nav + 14), p.px(cx + 11), p.px(nav + 34)), radius=4, fill=p.sub
        )
    return post_top, post_bottom, lines


def _zalo(p: _Painter, text, photo, height, seed):
    blue = (0, 104, 255)
    bar = _status_bar(p, seed)
    p.draw.rectangle((0, 0, p.style.width, p.px(bar + 48)), fill=blue)
    # The status bar is drawn again on the app bar's blue, in white.
    clock = random.Random(seed)
    p.text(14, 5, f"{clock.randint(6, 23)}:{clock.randint(0, 59):02d}", 12, fill=(255, 255, 255))
    p.text(p.style.css_width - 60, 5, f"4G {clock.randint(12, 99)}%", 11, fill=(255, 255, 255))
    p.text(48, bar + 12, "Nhật ký", 18, True, fill=(255, 255, 255))
    y = bar + 48
    card = (38, 39, 41) if p.dark else (255, 255, 255)
    gap = (10, 10, 10) if p.dark else (236, 238, 241)
    p.draw.rectangle((0, p.px(y), p.style.width, p.img.height), fill=gap)
    y += 8
    post_top = y
    p.draw.rectangle((0, p.px(y), p.style.width, p.px(height - 56)), fill=card)
    y += 12
    p.draw.ellipse((p.px(12), p.px(y), p.px(52), p.px(y + 40)), fill=(255, 140, 0))
    p.text(62, y + 2, p.style.page, 15, True)
    p.text(62, y + 22, p.style.when, 12, fill=p.sub)
    y += 54
    bottom = height - 120
    body_bottom = bottom if photo is None else min(bottom, y + 16 * 1.4 * 4)
    y, lines = _body(p, text, 14, y, p.style.css_width - 28, body_bottom, size=16, line=1.4)
    if photo is not None:
        y += 6 + _photo_block(p, photo, y + 6, bottom - y - 6)
    y += 12
    p.text(14, y, "♥ 125", 13, fill=p.sub)
    p.text(90, y, "32 bình luận", 13, fill=p.sub)
    y += 30
    p.text(14, y, "Thích", 14, True, fill=p.sub)
    p.text(110, y, "Bình luận", 14, True, fill=p.sub)
    post_bottom = y + 30
    nav = height - 56
    p.draw.rectangle((0, p.px(nav), p.style.width, p.img.height), fill=card)
    for i, label in enumerate(["Tin nhắn", "Danh bạ", "Khám phá", "Nhật ký", "Cá nhân"]):
        cx = p.style.css_width * (i + 0.5) / 5
        p.text(cx - 22, nav + 30, label, 10, fill=blue if i == 3 else p.sub)
    return post_top, post_bottom, lines


def _tiktok(p: _Painter, text, photo, height, seed):
    rng = random.Random(seed)
    if photo is not None:
        frame_h = height * 0.45
        _photo_block(p, photo, 50, frame_h)
    else:
        for i in range(p.px(height * 0.5)):  # a dark video frame: a gradient
            shade = 20 + round(40 * i / p.px(height * 0.5))
            p.draw.line((0, i, p.style.width, i), fill=(shade, shade // 2, shade))
    _status_bar(p, seed)
    p.text(p.style.css_width / 2 - 90, 34, "Đã follow    Dành cho bạn", 15, True)
    x = p.style.css_width - 46
    for n, label in enumerate(
        [f"{rng.randint(10, 99)},{rng.randint(1, 9)}K", str(rng.randint(100, 999)), "Chia sẻ"]
    ):
        cy = height * 0.42 + 70 * n
        p.draw.ellipse((p.px(x), p.px(cy), p.px(x + 34), p.px(cy + 34)), fill=(230, 230, 230))
        p.text(x, cy + 38, label, 11, True)
    y = height * 0.56
    # Cropped to the post, a screenshot of a post with a photo keeps the photo above its text.
    post_top = 50 if photo is not None else y - 8
    handle = "@" + "".join(ch for ch in p.style.page.lower() if ch.isalnum())
    p.text(12, y, handle, 16, True)
    y += 28
    y, lines = _body(p, text, 12, y, p.style.css_width - 80, height - 90, size=14, line=1.4)
    p.text(12, y + 6, "♫ âm thanh gốc - " + handle[1:], 12)
    post_bottom = y + 30
    nav = height - 52
    p.draw.rectangle((0, p.px(nav), p.style.width, p.img.height), fill=(0, 0, 0))
    for i, label in enumerate(["Trang chủ", "Bạn bè", "+", "Hộp thư", "Hồ sơ"]):
        p.text(p.style.css_width * (i + 0.5) / 5 - 20, nav + 26, label, 10)
    return post_top, post_bottom, lines


def _messenger(p: _Painter, text, photo, height, seed):
    y = _status_bar(p, seed)
    p.text(14, y + 8, "‹", 26, True, fill=(0, 132, 255))
    p.draw.ellipse((p.px(40), p.px(y + 8), p.px(72), p.px(y + 40)), fill=(120, 80, 200))
    p.text(82, y + 6, p.style.page, 15, True)
    p.text(82, y + 26, "Đang hoạt động", 11, fill=p.sub)
    y += 56
    p.draw.line((0, p.px(y), p.style.width, p.px(y)), fill=p.sub)
    y += 14
    p.text(
        p.style.css_width / 2 - 24,
        y,
        p.style.when if ":" in p.style.when else "14:32",
        11,
        fill=p.sub,
    )
    y += 24
    post_top = y - 4
    bubble = (48, 48, 50) if p.dark else (233, 233, 235)
    bubble_w = p.style.css_width * 0.78
    lines = list(p.wrap(text, 15, bubble_w - 24))
    room = int((height - 70 - y - 24) // (15 * 1.35))
    lines = lines[:room]
    bubble_h = 16 + 15 * 1.35 * len(lines)
    p.draw.rounded_rectangle(
        (p.px(12), p.px(y), p.px(12 + bubble_w), p.px(y + bubble_h)), radius=p.px(18), fill=bubble
    )
    for n, row in enumerate(lines):
        p.text(24, y + 8 + 15 * 1.35 * n, row, 15)
    post_bottom = y + bubble_h + 8
    nav = height - 56
    p.draw.rectangle((0, p.px(nav), p.style.width, p.img.height), fill=p.bg)
    p.draw.rounded_rectangle(
        (p.px(90), p.px(nav + 10), p.px(p.style.css_width - 50), p.px(nav + 44)),
        radius=p.px(17),
        fill=bubble,
    )
    p.text(104, nav + 18, "Aa", 15, fill=p.sub)
    return post_top, post_bottom, lines
