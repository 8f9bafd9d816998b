"""Real photographs for the dev set, and the camera-like pipeline that makes citizens' copies.

Sources (read at run time from installed packages, never copied into the repository):
- scikit-image's bundled sample data (`skimage.data`): astronaut (NASA, public domain),
  camera (CC0, Lav Varshney), chelsea (CC0, Stefan van der Walt), coffee (CC0, Rachel
  Michetti), coins (no known copyright restrictions), hubble_deep_field (NASA, public domain),
  rocket (SpaceX, public domain) and the Middlebury 2014 stereo pair `stereo_motorcycle`
  (Scharstein et al., distributed with scikit-image): its right image is a real second shot of
  the same scene a few centimetres away;
- Debian's `mate-backgrounds` package, /usr/share/backgrounds/mate/nature/*.jpg: twelve
  nature photographs, GPL-2+ (authors in /usr/share/doc/mate-backgrounds/copyright);
- Debian's `plasma-workspace-wallpapers` package, the eleven photographs among its wallpapers
  (PLASMA_PHOTOS; the others are drawings), GPL-2+ (KDE Visual Design Group; each
  wallpaper's metadata names its photographer).

Photographs of at least 1200 px on both sides are cut into four quarters, each a photo of its
own (they share no pixel). Quarters without texture (variance of the Laplacian below
MIN_SHARPNESS at 512 px, the usual blur measure: a macro photo's out-of-focus background) are
left out: a smooth blob is evidence for no one, and the matcher handles it by hashes alone.

Every story photo is the central 80 % window of its region, so that a *second shot* of the
same scene (a window shifted by 10-20 %, slightly rotated and rescaled, with its own exposure
and noise) shows content the first one does not: the near miss that must not group.
"""

from __future__ import annotations

import glob
import io
import os
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

MATE_NATURE = "/usr/share/backgrounds/mate/nature/*.jpg"
SKIMAGE_PHOTOS = (
    ("astronaut", "NASA, public domain"),
    ("camera", "CC0, Lav Varshney"),
    ("chelsea", "CC0, Stefan van der Walt"),
    ("coffee", "CC0, Rachel Michetti"),
    ("coins", "no known copyright restrictions"),
    ("hubble_deep_field", "NASA, public domain"),
    ("rocket", "SpaceX, public domain"),
)
PLASMA_PHOTOS = (
    "BytheWater",
    "ColdRipple",
    "ColorfulCups",
    "DarkestHour",
    "EveningGlow",
    "FallenLeaf",
    "Grey",
    "Kite",
    "OneStandsOut",
    "Path",
    "summer_1am",
)
PLASMA_DIR = "/usr/share/wallpapers/{}/contents/images/*"
MIN_SHARPNESS = 20.0
STORY_WINDOW = 0.8  # a story photo is this share of its region's width and height


@dataclass
class BasePhoto:
    """A region of a real photograph, with the rest of the photograph around it."""

    name: str
    source: str
    licence: str
    parent: Image.Image  # the whole photograph
    box: tuple[int, int, int, int]  # the region in the parent
    second_shot: Image.Image | None = None  # a real second shot of the region, if one exists

    def story_photo(self) -> Image.Image:
        """The central STORY_WINDOW of the region: what the story's first reporter sends."""
        return self.parent.crop(_window(self.box, 0.0, 0.0))


def _window(box: tuple[int, int, int, int], dx: float, dy: float) -> tuple[int, int, int, int]:
    """The central STORY_WINDOW of a box, shifted by dx, dy (fractions of the box size)."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    ww, wh = w * STORY_WINDOW, h * STORY_WINDOW
    left = x0 + (w - ww) / 2 + dx * w
    top = y0 + (h - wh) / 2 + dy * h
    return (round(left), round(top), round(left + ww), round(top + wh))


def _rgb(array: np.ndarray) -> Image.Image:
    if array.ndim == 2:
        array = np.stack([array] * 3, axis=-1)
    return Image.fromarray(array.astype(np.uint8), "RGB")


def load_base_photos(sources: str = "all") -> list[BasePhoto]:
    """Every base photo of the chosen sources ("all", "skimage"), in a fixed order."""
    import skimage.data

    photos: list[BasePhoto] = []
    for name, licence in SKIMAGE_PHOTOS:
        img = _rgb(getattr(skimage.data, name)())
        photos.append(BasePhoto(name, "scikit-image", licence, img, (0, 0, *img.size)))
    left, right, _ = skimage.data.stereo_motorcycle()
    left_img, right_img = _rgb(left), _rgb(right)
    box = (0, 0, *left_img.size)
    photos.append(
        BasePhoto(
            "stereo_motorcycle",
            "scikit-image",
            "Middlebury 2014 stereo dataset",
            left_img,
            box,
            second_shot=right_img.crop(_window(box, 0.0, 0.0)),
        )
    )
    if sources == "all":
        paths = [("mate-backgrounds", path) for path in sorted(glob.glob(MATE_NATURE))]
        for name in PLASMA_PHOTOS:
            found = sorted(glob.glob(PLASMA_DIR.format(name)), key=os.path.getsize)
            paths += [("plasma-workspace-wallpapers", found[-1])] if found else []
        if len(paths) < len(PLASMA_PHOTOS) + 12:
            raise SystemExit(
                "bench: photos missing (apt-get install mate-backgrounds "
                "plasma-workspace-wallpapers, or --photos skimage)"
            )
        for package, path in paths:
            with Image.open(path) as opened:
                img = opened.convert("RGB")
            name = path.split("/")[-1 if package == "mate-backgrounds" else -4].rsplit(".", 1)[0]
            w, h = img.size
            boxes = [(0, 0, w, h)]
            if min(w, h) >= 1200:
                boxes = [(x, y, x + w // 2, y + h // 2) for y in (0, h // 2) for x in (0, w // 2)]
            for n, region in enumerate(boxes):
                base = BasePhoto(f"{name}-{n}", package, "GPL-2+", img, region)
                if sharpness(base.story_photo()) >= MIN_SHARPNESS:
                    photos.append(base)
    return photos


def sharpness(img: Image.Image) -> float:
    """Variance of the Laplacian of the photo at 512 px on its longer side (blur measure)."""
    import cv2

    gray = img.convert("L")
    scale = 512 / max(gray.size)
    gray = gray.resize((round(gray.width * scale), round(gray.height * scale)))
    return float(cv2.Laplacian(np.asarray(gray), cv2.CV_64F).var())


# --- the camera-like pipeline ----------------------------------------------------------------


def encode_jpeg(img: Image.Image, quality: int) -> bytes:
    """JPEG bytes at a quality."""
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def add_noise(img: Image.Image, sigma: float, rng: random.Random) -> Image.Image:
    """Gaussian sensor noise."""
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, sigma, (img.height, img.width, 3))
    return Image.fromarray(np.clip(np.asarray(img) + noise, 0, 255).astype(np.uint8), "RGB")


def resize(img: Image.Image, factor: float) -> Image.Image:
    """Scaled by a factor (Lanczos)."""
    size = (max(1, round(img.width * factor)), max(1, round(img.height * factor)))
    return img.resize(size, Image.Resampling.LANCZOS)


def crop_sides(img: Image.Image, rng: random.Random, sides: int, low: float, high: float):
    """Crop `sides` random sides by low..high of the width/height each."""
    w, h = img.size
    cut = dict.fromkeys("ltrb", 0.0)
    for side in rng.sample("ltrb", sides):
        cut[side] = rng.uniform(low, high)
    return img.crop(
        (
            round(w * cut["l"]),
            round(h * cut["t"]),
            round(w * (1 - cut["r"])),
            round(h * (1 - cut["b"])),
        )
    )


def _bold(fonts: dict, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(fonts["bold"], max(8, size))


def caption_over(img: Image.Image, text: str, fonts: dict, rng: random.Random) -> Image.Image:
    """A caption bar across the bottom of the picture (solid or translucent), text in it."""
    out = img.copy().convert("RGBA")
    w, h = out.size
    band = round(h * rng.uniform(0.12, 0.2))
    colour = rng.choice([(0, 0, 0), (200, 20, 30), (10, 60, 160), (255, 255, 255)])
    alpha = rng.choice([255, 200, 160])
    layer = Image.new("RGBA", out.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.rectangle((0, h - band, w, h), fill=(*colour, alpha))
    ink = (
        (0, 0, 0, 255)
        if colour == (255, 255, 255)
        else rng.choice([(255, 255, 255, 255), (255, 230, 0, 255)])
    )
    font = _bold(fonts, round(band * 0.32))
    draw.text((round(w * 0.03), h - band + round(band * 0.12)), text[:48], font=font, fill=ink)
    draw.text((round(w * 0.03), h - band + round(band * 0.55)), text[48:96], font=font, fill=ink)
    return Image.alpha_composite(out, layer).convert("RGB")


def caption_below(img: Image.Image, text: str, fonts: dict, rng: random.Random) -> Image.Image:
    """A caption band added under the picture (white, black or a colour), text in it."""
    w, h = img.size
    band = round(h * rng.uniform(0.12, 0.22))
    colour = rng.choice([(255, 255, 255), (0, 0, 0), (180, 10, 20), (245, 245, 240)])
    ink = (0, 0, 0) if sum(colour) > 380 else (255, 255, 255)
    out = Image.new("RGB", (w, h + band), colour)
    out.paste(img, (0, 0))
    font = _bold(fonts, round(band * 0.3))
    draw = ImageDraw.Draw(out)
    draw.text((round(w * 0.03), h + round(band * 0.12)), text[:50], font=font, fill=ink)
    draw.text((round(w * 0.03), h + round(band * 0.52)), text[50:100], font=font, fill=ink)
    return out


def watermark(img: Image.Image, mark: str, fonts: dict, rng: random.Random) -> Image.Image:
    """A translucent page name over the picture: in a corner, or large across the middle."""
    out = img.copy().convert("RGBA")
    w, h = out.size
    layer = Image.new("RGBA", out.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    if rng.random() < 0.5:
        font = _bold(fonts, round(h * 0.06))
        x, y = rng.choice([(0.03, 0.03), (0.6, 0.03), (0.03, 0.88), (0.6, 0.88)])
        draw.rounded_rectangle(
            (w * x - 6, h * y - 4, w * x + draw.textlength(mark, font=font) + 6, h * y + h * 0.08),
            radius=8,
            fill=(0, 0, 0, 90),
        )
        draw.text((w * x, h * y), mark, font=font, fill=(255, 255, 255, 210))
    else:
        font = _bold(fonts, round(h * 0.12))
        text_w = draw.textlength(mark, font=font)
        draw.text(((w - text_w) / 2, h * 0.44), mark, font=font, fill=(255, 255, 255, 110))
    return Image.alpha_composite(out, layer).convert("RGB")


def border(img: Image.Image, rng: random.Random) -> Image.Image:
    """A frame of 3-10 % around the picture: white, black or a colour, sometimes uneven."""
    w, h = img.size
    colour = rng.choice([(255, 255, 255), (0, 0, 0), (250, 250, 250), (200, 0, 0), (20, 90, 200)])
    size = round(min(w, h) * rng.uniform(0.03, 0.1))
    top, bottom = size, size if rng.random() < 0.6 else size * 3
    out = Image.new("RGB", (w + 2 * size, h + top + bottom), colour)
    out.paste(img, (size, top))
    return out


def second_shot(
    base: BasePhoto, rng: random.Random, shift: tuple[float, float] = (0.1, 0.2)
) -> Image.Image:
    """Another photograph of the same scene: shifted by `shift` (10-20 %), turned, rescaled,
    re-exposed. A close shot (a step aside: 4-8 %) shows little the first one does not."""
    low, high = shift
    if base.second_shot is not None and shift == (0.1, 0.2):
        shot = base.second_shot
    else:
        x0, y0, x1, y1 = base.box
        pw, ph = base.parent.size
        for _ in range(20):
            dx = rng.choice([-1, 1]) * rng.uniform(low, high)
            dy = rng.choice([-1, 1, 0]) * rng.uniform(low / 2, high * 0.75)
            box = _window(base.box, dx, dy)
            if box[0] >= 0 and box[1] >= 0 and box[2] <= pw and box[3] <= ph:
                break
        else:  # a region filling its photograph: the window can only move inside it
            box = _window(base.box, rng.choice([-1, 1]) * low, 0.0)
        margin = round(0.05 * (x1 - x0))
        outer = (
            max(0, box[0] - margin),
            max(0, box[1] - margin),
            min(pw, box[2] + margin),
            min(ph, box[3] + margin),
        )
        region = base.parent.crop(outer).rotate(
            rng.uniform(-3, 3), resample=Image.Resampling.BICUBIC, expand=False
        )
        scale = rng.uniform(0.93, 1.07)
        cx, cy = (
            box[0] - outer[0] + (box[2] - box[0]) / 2,
            box[1] - outer[1] + (box[3] - box[1]) / 2,
        )
        half_w, half_h = (box[2] - box[0]) / 2 / scale, (box[3] - box[1]) / 2 / scale
        shot = region.crop(
            (round(cx - half_w), round(cy - half_h), round(cx + half_w), round(cy + half_h))
        )
        shot = shot.resize((box[2] - box[0], box[3] - box[1]), Image.Resampling.BICUBIC)
    shot = ImageEnhance.Brightness(shot).enhance(rng.uniform(0.85, 1.15))
    shot = ImageEnhance.Color(shot).enhance(rng.uniform(0.85, 1.15))
    if rng.random() < 0.3:
        shot = shot.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.0)))  # focus differs
    return add_noise(shot, rng.uniform(1.5, 4), rng)


def encode_png(img: Image.Image) -> bytes:
    """PNG bytes (screenshots are usually PNG)."""
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()
