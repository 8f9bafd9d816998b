"""Image fingerprints: exact and perceptual hashes, screenshot detection and OCR."""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
import os
import re
import struct
import warnings
from dataclasses import dataclass

import cv2
import imagehash
import numpy as np
from PIL import Image, ImageOps

from tingia.text import fold_diacritics

try:  # PDQ is optional: without it, photos are compared with pHash and dHash only.
    import pdqhash
except ImportError:  # pragma: no cover - depends on the environment
    pdqhash = None
try:  # Without pytesseract (or the tesseract binary) screenshots are simply not read.
    import pytesseract
except ImportError:  # pragma: no cover - depends on the environment
    pytesseract = None

log = logging.getLogger(__name__)

# Bump when a change here changes fingerprints, so stored ones (and bench caches) are redone.
FINGERPRINT_VERSION = 6
# Bump when a change changes the text OCR reads (bench caches OCR text apart: it is slow).
OCR_VERSION = 2

# Largest image accepted, in pixels (a 12000 x 8000 phone panorama is 96 MP; screenshots are
# ~3 MP). Checked from the header before decoding so a decompression bomb is never decoded.
MAX_PIXELS = 50_000_000
# Below this size on either side an image is an icon or emoji: accepted, but no evidence.
MIN_SIDE = 64
_MASK64 = (1 << 64) - 1
_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# OCR language packs (Debian: tesseract-ocr-vie) and the width text is scaled to before OCR:
# a 360 px screenshot's 15 px font becomes ~40 px, which Tesseract reads well and fast.
OCR_LANG = "vie+eng"
OCR_WIDTH = 1000
OCR_TIMEOUT_S = 30
OCR_MIN_CONFIDENCE = 40.0
_ocr_warned = False


@dataclass(frozen=True)
class ImageFingerprint:
    """Fingerprint of one image; hashes are signed 64-bit ints so they fit a SQL BIGINT."""

    sha256: str
    width: int
    height: int
    phash: int
    dhash: int
    pdq: str | None
    text_heavy: bool
    ocr_text: str
    # The photo part: the image itself, or the photo shown inside a screenshot of a post.
    # has_photo says whether phash, dhash, region_hashes and features describe one.
    has_photo: bool = False
    region_hashes: tuple[int, ...] = ()
    features: bytes | None = None
    # Looked up, never stored in the photo-hash index: pHashes of a grid of crops of the photo
    # (lookup_hashes), so a copy cut by 5-15 % finds its original's stored hypotheses.
    lookup_hashes: tuple[int, ...] = ()


class InvalidImage(ValueError):
    """The bytes are not a supported, decodable image of acceptable size."""


def to_signed(value: int) -> int:
    """Unsigned 64-bit int to the signed int a BIGINT column stores."""
    value &= _MASK64
    return value - (1 << 64) if value >> 63 else value


def to_unsigned(value: int) -> int:
    """Signed 64-bit int (as stored) back to the unsigned hash bits."""
    return value & _MASK64


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two 64-bit hashes (signed or unsigned)."""
    return ((a ^ b) & _MASK64).bit_count()


def pdq_distance(a: str, b: str) -> int:
    """Hamming distance between two 256-bit PDQ hashes given as 64 hex digits."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def sniff_image_type(data: bytes) -> str | None:
    """MIME type from the magic bytes: image/jpeg, image/png, image/webp, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def decode_image(data: bytes) -> Image.Image:
    """Decode, validate and orient an image; raise InvalidImage on anything suspicious."""
    return _decode(data)


def _decode(data: bytes) -> Image.Image:
    """Decode, validate and orient an image; raise InvalidImage on anything suspicious."""
    mime = sniff_image_type(data)
    if mime is None:
        raise InvalidImage("not a JPEG, PNG or WebP image")
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; make it an error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != _FORMATS[mime]:
                    raise InvalidImage(f"content is {probe.format}, magic bytes say {mime}")
                w, h = probe.size
                if w * h > MAX_PIXELS:
                    raise InvalidImage(f"image too large: {w}x{h}")
                probe.verify()
            img = Image.open(io.BytesIO(data))
            img.load()
        except InvalidImage:
            raise
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning) as exc:
            raise InvalidImage(f"undecodable image: {exc}") from exc
    img = ImageOps.exif_transpose(img)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        # Transparent pixels are shown on a white page; without this they would be black.
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img.convert("RGB")


# Share of a side's outermost line within 8 levels of one colour for a coloured (not white,
# black or grey) frame or band to be trimmed.
COLOURED_FRAME_SHARE = 0.99


def _trim_border(img: Image.Image) -> Image.Image:
    """Remove a frame or a caption band from the edges, so the copy hashes like the original.

    A side is trimmed only if its outermost line is one flat colour: 95 % of its pixels within
    8 levels of a white, black or grey, or 99 % within 8 levels of another colour (a red or
    blue frame is perfectly flat; a flat coloured area of a photo, which heavy JPEG can turn
    flat in one copy and not in another, is not that flat over a whole side). Rows (columns)
    are then removed while 30% of their pixels keep that colour (a caption band is that
    colour except for its letters), at most 30% of the image per side.
    """
    rgb = np.asarray(img, dtype=np.int16)
    h, w = rgb.shape[:2]

    def depth(lines: np.ndarray) -> int:
        """How many leading lines (axis 0) belong to a flat band of the first line's colour."""
        colour = np.median(lines[0], axis=0)
        neutral = colour.max() - colour.min() <= 24 and (colour.min() >= 190 or colour.max() <= 60)
        close = np.abs(lines - colour).max(axis=2) <= 8
        if close[0].mean() < (0.95 if neutral else COLOURED_FRAME_SHARE):
            return 0
        banded = close.mean(axis=1) >= 0.3
        limit = int(len(lines) * 0.3)
        n = 0
        while n < limit and banded[n]:
            n += 1
        return n

    top, bottom = depth(rgb), depth(rgb[::-1])
    left, right = depth(rgb.transpose(1, 0, 2)), depth(rgb.transpose(1, 0, 2)[::-1])
    if top + bottom + left + right == 0:
        return img
    return img.crop((left, top, w - right, h - bottom))


# Local features for geometric verification: ORB keypoints of the photo resized so that its
# longer side is FEATURE_SIDE px, the FEATURE_COUNT strongest, stored as a blob of a header
# (width, height, count), coordinates (uint16, in 1/64 px) and 32-byte descriptors: ~9 KB.
FEATURE_SIDE = 512
FEATURE_COUNT = 256
_FEATURE_HEADER = struct.Struct("<HHH")
# Crop hypotheses hashed for candidate lookup, as (left, top, right, bottom) shares cut off:
# the whole photo, each corner after cutting two adjacent sides, each side, the centre, and
# halves of those. On the dev set a copy cropped by 5-15 % on any sides is within 10 bits of
# its original on some pair of hypotheses; unrelated photos were never closer than 14.
_C = 0.12
REGION_CUTS = (
    (0, 0, 0, 0),
    (0, 0, _C, _C),
    (_C, 0, 0, _C),
    (0, _C, _C, 0),
    (_C, _C, 0, 0),
    (_C, 0, 0, 0),
    (0, 0, _C, 0),
    (0, _C, 0, 0),
    (0, 0, 0, _C),
    (_C / 2, _C / 2, _C / 2, _C / 2),
    (_C, _C, _C, _C),
    (_C / 2, 0, _C / 2, 0),
    (0, _C / 2, 0, _C / 2),
)
# A screenshot's embedded photo: a band of rows mostly unlike the page background, at least
# this tall (relative to the screenshot's width) and half the width wide.
EMBEDDED_MIN_HEIGHT = 0.25
EMBEDDED_MIN_FEATURES = 40
TEXT_BACKGROUND_SHARE = 0.35
_CLAHE = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(4, 4))


@dataclass(frozen=True)
class Features:
    """Unpacked ORB features: frame size, keypoint coordinates (n, 2) and descriptors (n, 32)."""

    width: int
    height: int
    points: np.ndarray
    descriptors: np.ndarray


def orb_features(img: Image.Image) -> bytes | None:
    """ORB features of a photo as a blob (None when it has fewer than 8 keypoints: no texture)."""
    gray = img.convert("L")
    scale = FEATURE_SIDE / max(gray.size)
    size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
    gray = gray.resize(size, Image.Resampling.BILINEAR if scale < 1 else Image.Resampling.BICUBIC)
    # Local contrast equalisation gives smooth photos (sky, bokeh, fog) keypoints too.
    # A light blur first, so JPEG block edges and sensor noise do not become keypoints.
    equalised = _CLAHE.apply(cv2.GaussianBlur(np.asarray(gray), (0, 0), 1.0))
    orb = cv2.ORB_create(
        nfeatures=8 * FEATURE_COUNT, edgeThreshold=15, patchSize=31, fastThreshold=5
    )
    keypoints = _spread(orb.detect(equalised, None), gray.size)
    keypoints, descriptors = orb.compute(equalised, keypoints)
    if descriptors is None or len(keypoints) < 8:
        return None
    points = np.array([kp.pt for kp in keypoints], dtype=np.float32)
    return pack_features(Features(gray.width, gray.height, points, descriptors))


def _spread(keypoints, size: tuple[int, int]) -> list:
    """The strongest keypoints of each cell of a 4 x 4 grid (FEATURE_COUNT in all), so that a
    caption, a watermark or a logo, whose letters are strong corners, takes only its cells."""
    cells: dict[tuple[int, int], list] = {}
    for kp in keypoints:
        cell = (min(3, int(4 * kp.pt[0] / size[0])), min(3, int(4 * kp.pt[1] / size[1])))
        cells.setdefault(cell, []).append(kp)
    per_cell = FEATURE_COUNT // 16
    kept = []
    for members in cells.values():
        kept += sorted(members, key=lambda kp: -kp.response)[:per_cell]
    return kept


def pack_features(features: Features) -> bytes:
    """Features as the blob orb_features stores (unpack_features reads it)."""
    return (
        _FEATURE_HEADER.pack(features.width, features.height, len(features.points))
        + (features.points * 64).round().astype("<u2").tobytes()
        + features.descriptors.astype(np.uint8).tobytes()
    )


def unpack_features(blob: bytes) -> Features:
    """The blob of orb_features as arrays."""
    width, height, count = _FEATURE_HEADER.unpack_from(blob)
    start = _FEATURE_HEADER.size
    points = np.frombuffer(blob, "<u2", 2 * count, start).reshape(count, 2) / np.float32(64)
    descriptors = np.frombuffer(blob, np.uint8, 32 * count, start + 4 * count).reshape(count, 32)
    return Features(width, height, points.astype(np.float32), descriptors)


def pack_hashes(hashes: tuple[int, ...]) -> bytes:
    """Signed 64-bit hashes as bytes (for a LargeBinary column)."""
    return struct.pack(f"<{len(hashes)}q", *hashes)


def unpack_hashes(data: bytes | None) -> tuple[int, ...]:
    """The hashes of pack_hashes."""
    return struct.unpack(f"<{len(data) // 8}q", data) if data else ()


def _phash(img: Image.Image) -> int:
    return to_signed(int(str(imagehash.phash(img)), 16))


def region_hashes(img: Image.Image) -> tuple[int, ...]:
    """pHashes of the photo under crop hypotheses (REGION_CUTS): a copy cropped by up to 15 %
    on any sides has a hypothesis close to one of its original's."""
    return tuple(_phash(_cut(img, cuts)) for cuts in REGION_CUTS)


def _cut(img: Image.Image, cuts: tuple[float, float, float, float]) -> Image.Image:
    """The image with these shares (left, top, right, bottom) cut off its sides."""
    w, h = img.size
    left, top, right, bottom = cuts
    return img.crop(
        (round(w * left), round(h * top), round(w * (1 - right)), round(h * (1 - bottom)))
    )


# Lookup-only crop grid: every combination of these shares cut off each side (81 crops, the
# whole photo aside), hashed on the photo downscaled to LOOKUP_SIDE (pHash reads 32 x 32 px).
# Measured on the dev set's copies against their story photo's stored hypotheses, share within
# 10 bits: photo_combo 0.74 -> 0.88, cropped 0.96 -> 1.00, caption over 0.95 -> 1.00 (in_post
# 0.91 and border 0.98 unchanged); of 12,300 unrelated pairs none within 10 bits, 3 at 12.
LOOKUP_CUTS = (0.0, 0.05, 0.10)
LOOKUP_SIDE = 256


def lookup_hashes(img: Image.Image) -> tuple[int, ...]:
    """pHashes of the photo's crop grid (LOOKUP_CUTS on each side), for candidate lookup only."""
    small = img.copy()
    small.thumbnail((LOOKUP_SIDE, LOOKUP_SIDE), Image.Resampling.BOX)
    return tuple(
        _phash(_cut(small, cuts)) for cuts in itertools.product(LOOKUP_CUTS, repeat=4) if any(cuts)
    )


# A photo band filling less than this share of a (not text-heavy) screenshot is hashed apart
# too: a post whose photo fills most of the screen is not text-heavy, yet its chrome and page
# keep its hashes far from the photo's own.
EMBEDDED_MAX_SHARE = 0.8


def embedded_photo(img: Image.Image) -> tuple[int, int, int, int] | None:
    """The box of a photo shown inside a screenshot of a post, if there is one.

    On the screenshot at 200 px wide, a pixel is part of the page when its colour (8 levels a
    channel) is a page colour: one covering 2 % of the screen and filling 70 % of some row
    (backgrounds, cards, bubbles and bars fill whole rows; a photo's colours rarely do); a
    pixel with texture (its 3 x 3 neighbourhood spans more than 10 grey levels) is not. A
    photo is the tallest band of rows 60 % not page, at least EMBEDDED_MIN_HEIGHT of the
    width tall (text lines are short bands between empty rows) and half the width wide. So a
    dark photo on a dark page is found, and an app bar or a video's gradient is not a photo.
    """
    small = img.convert("RGB")
    scale = 200 / small.width
    small = small.resize((200, max(1, round(small.height * scale))), Image.Resampling.BOX)
    rgb = np.asarray(small).astype(np.int32)
    quantised = rgb // 8
    code = (quantised[..., 0] << 10) | (quantised[..., 1] << 5) | quantised[..., 2]
    common = np.flatnonzero(np.bincount(code.ravel(), minlength=1 << 15) >= 0.02 * code.size)
    row_fill = (code[..., None] == common).mean(axis=1)  # (rows, common colours)
    page = np.isin(code, common[(row_fill >= 0.7).any(axis=0)])
    lum = rgb.mean(axis=2)
    h, w = lum.shape
    padded = np.pad(lum, 1, mode="edge")
    shifted = np.stack([padded[dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3)])
    photo = ~page | (shifted.max(axis=0) - shifted.min(axis=0) > 10)
    rows = photo.mean(axis=1) >= 0.6
    edges = np.flatnonzero(np.diff(np.concatenate(([0], rows.astype(np.int8), [0]))))
    runs = [(end - start, start, end) for start, end in zip(edges[::2], edges[1::2], strict=True)]
    if not runs:
        return None
    length, top, bottom = max(runs)
    if length < EMBEDDED_MIN_HEIGHT * small.width:
        return None
    columns = np.flatnonzero(photo[top:bottom].mean(axis=0) >= 0.6)
    if len(columns) < 0.5 * small.width:
        return None
    left, right = columns[0], columns[-1] + 1
    return (
        round(left / scale),
        round(top / scale),
        min(img.width, round(right / scale)),
        min(img.height, round(bottom / scale)),
    )


def _background_level(gray: np.ndarray) -> int:
    """Most common grey level (histogram smoothed over 9 levels against JPEG noise)."""
    hist = np.bincount(gray.ravel(), minlength=256)
    return int(np.argmax(np.convolve(hist, np.ones(9), mode="same")))


def _text_layout(gray: np.ndarray) -> tuple[float, int]:
    """(background fraction, text line count) of a grayscale image.

    Ink is a pixel far (> 80 levels) from the background level. A text line is a short band
    of inked rows between rows without any ink, crossing many letters (a row with at least 12
    ink/background alternations); the edge of a shape in a photo has few alternations, and a
    shape is a tall band.
    """
    distance = np.abs(gray.astype(np.int16) - _background_level(gray))
    bg_fraction = float(np.mean(distance <= 12))
    ink = distance > 80
    inked = ink.any(axis=1)
    lettered = np.count_nonzero(ink[:, 1:] != ink[:, :-1], axis=1) >= 12
    # Bands of consecutive inked rows: [start, end) from the edges of the inked mask.
    edges = np.flatnonzero(np.diff(np.concatenate(([0], inked.astype(np.int8), [0]))))
    max_height = max(4, gray.shape[0] // 15)
    lines = sum(
        1
        for start, end in zip(edges[::2], edges[1::2], strict=True)
        if end - start <= max_height and lettered[start:end].any()
    )
    return bg_fraction, lines


def _flat_levels(gray: np.ndarray) -> list[int]:
    """The one or two most common grey levels: a page, and a card or bubble on it."""
    hist = np.convolve(np.bincount(gray.ravel(), minlength=256), np.ones(9), mode="same")
    first = int(np.argmax(hist))
    rest = hist.copy()
    rest[max(0, first - 12) : first + 13] = 0
    second = int(np.argmax(rest))
    return [first, second] if rest[second] >= 0.1 * gray.size else [first]


def is_text_heavy(img: Image.Image) -> bool:
    """Whether an image is a screenshot of text: flat neutral backgrounds and text lines.

    Post, chat and message screenshots have a white, grey or near-black page (and often a
    card or chat bubble of another grey on it) over at least TEXT_BACKGROUND_SHARE of the
    image, and at least 5 text lines; a photo with a large flat area has a coloured one. The
    share is lower than half because an app shows video frames and photos above the text.
    """
    small = img.copy()
    small.thumbnail((400, 1600))
    gray = np.asarray(small.convert("L"))
    _bg_fraction, lines = _text_layout(gray)
    if lines < 5:
        return False
    rgb = np.asarray(small.convert("RGB"), dtype=np.int16)
    distance = np.abs(gray.astype(np.int16)[..., None] - np.array(_flat_levels(gray)))
    flat_share = 0.0
    for n in range(distance.shape[-1]):
        near = distance[..., n] <= 4
        colour = np.median(rgb[near], axis=0)
        if colour.max() - colour.min() <= 40:  # a neutral page or card, not a coloured area
            flat_share += float(np.mean(distance[..., n] <= 12))
    return flat_share >= TEXT_BACKGROUND_SHARE


@dataclass(frozen=True)
class OcrLine:
    """A line Tesseract read: its words, their median height in px, and mean confidence."""

    text: str
    height: float
    confidence: float


def _ocr_lines(data: dict) -> list[OcrLine]:
    """Lines of Tesseract's image_to_data output, in reading order."""
    words: dict[tuple[int, int, int], list[tuple[str, int, float]]] = {}
    for i, word in enumerate(data["text"]):
        if word.strip():
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            words.setdefault(key, []).append((word, data["height"][i], float(data["conf"][i])))
    return [
        OcrLine(
            " ".join(w for w, _, _ in members),
            float(np.median([h for _, h, _ in members])),
            float(np.mean([c for _, _, c in members])),
        )
        for members in words.values()
    ]


def screenshot_post_text(lines: list[OcrLine]) -> str:
    """The post's text among a screenshot's lines: the app's chrome set aside.

    The post's text is most of the characters on a screen, in one font size; the status bar,
    names, times, counters, buttons and tab labels are set smaller (or larger), and icons
    read as short low-confidence garbage. So lines whose height is within 25 % of the
    character-weighted median height are kept, and lines Tesseract is unsure of (confidence
    under OCR_MIN_CONFIDENCE) dropped. (UI words still on kept lines are removed by
    normalise_text.)
    """
    lines = [line for line in lines if line.confidence >= OCR_MIN_CONFIDENCE]
    if not lines:
        return ""
    heights = np.repeat([line.height for line in lines], [len(line.text) for line in lines])
    body = float(np.median(heights))
    return "\n".join(line.text for line in lines if 0.75 * body <= line.height <= 1.3 * body)


# Lines of an app's chrome that are set in the post's own font size, so the height rule of
# screenshot_post_text keeps them (matched on lower-case text without diacritics, which OCR
# often loses on them): TikTok's tabs and sound line, a handle with its counter, status bars,
# counters and buttons. A line is chrome when nothing but these words, counters ("72,5K",
# "85%", "11:56") and symbols is left of it; a line of a plain number ("2016.") is not.
_CHROME_LINE_MARKS = re.compile(
    r"\bam thanh goc\b|\bdang hoat dong\b|\bcong khai\b|^@\S+(?:\s+\S+){0,2}$"
)
_CHROME_WORDS = re.compile(
    r"\b(?:da follow|danh cho ban|follow|following|chia se|binh luan|luot chia se|thich"
    r"|nhat ky|tin nhan|danh ba|kham pha|ca nhan|trang chu|ban be|hop thu|ho so|aa"
    r"|[45]g|lte)\b"
    r"|\d+(?:[.,]\d+)?\s*[km]\b|\d+%|\d+:\d+|[^\w\s]|_"
)


def drop_chrome_lines(text: str) -> str:
    """The OCR'd post text without the lines that are app chrome (see _CHROME_WORDS)."""
    kept = []
    for line in text.split("\n"):
        folded = fold_diacritics(line).casefold().strip()
        if _CHROME_LINE_MARKS.search(folded):
            continue
        if _CHROME_WORDS.sub(" ", folded).strip():
            kept.append(line)
    return "\n".join(kept)


def ocr_image(img: Image.Image) -> str:
    """Text read by Tesseract from a screenshot; "" if Tesseract is unavailable or fails."""
    global _ocr_warned
    gray = img.convert("L")
    if _background_level(np.asarray(gray)) < 100:
        gray = ImageOps.invert(gray)  # dark mode: Tesseract reads dark text on light best
    scale = OCR_WIDTH / gray.width
    if scale > 1.2 or scale < 0.8:
        size = (OCR_WIDTH, max(1, round(gray.height * scale)))
        gray = gray.resize(size, Image.Resampling.LANCZOS)
    # Tesseract's OpenMP threads oversubscribe small machines (5x slower measured on 2 cores);
    # the worker's parallelism is per report, so one thread per OCR run is the right default.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        if pytesseract is None:
            raise FileNotFoundError("pytesseract")
        data = pytesseract.image_to_data(
            gray, lang=OCR_LANG, timeout=OCR_TIMEOUT_S, output_type=pytesseract.Output.DICT
        )
        return drop_chrome_lines(screenshot_post_text(_ocr_lines(data)))
    except (FileNotFoundError, OSError) as exc:
        if not _ocr_warned:
            log.warning("OCR unavailable, screenshots will not be read: %s", exc)
            _ocr_warned = True
    except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
        log.warning("OCR failed: %s", exc)
    return ""


def fingerprint_image(data: bytes, *, ocr: bool = True) -> ImageFingerprint:
    """Fingerprint image bytes; raise InvalidImage for non-images, corrupt images and bombs."""
    img = _decode(data)
    text_heavy = is_text_heavy(img)
    photo: Image.Image | None = None
    features = None
    if not text_heavy:
        photo = _trim_border(img)
        features = orb_features(photo)
    else:
        box = embedded_photo(img)
        if box is not None:
            candidate = img.crop(box)
            features = orb_features(candidate)
            if features is not None and unpack_features(features).points.shape[0] >= (
                EMBEDDED_MIN_FEATURES
            ):
                photo = candidate
            else:
                features = None
    hashed = photo if photo is not None else img
    regions = region_hashes(photo) if photo is not None else ()
    lookups = lookup_hashes(photo) if photo is not None else ()
    if photo is not None and not text_heavy:
        box = embedded_photo(img)
        if box is not None and _area(box) < EMBEDDED_MAX_SHARE * img.width * img.height:
            band = img.crop(box)
            regions += region_hashes(band)
            lookups += lookup_hashes(band)
    pdq = None
    if pdqhash is not None:
        bits, _quality = pdqhash.compute(np.asarray(hashed))
        pdq = f"{int(''.join('1' if b else '0' for b in bits), 2):064x}"
    return ImageFingerprint(
        sha256=hashlib.sha256(data).hexdigest(),
        width=img.width,
        height=img.height,
        phash=_phash(hashed),
        dhash=to_signed(int(str(imagehash.dhash(hashed)), 16)),
        pdq=pdq,
        text_heavy=text_heavy,
        ocr_text=ocr_image(img) if ocr and text_heavy else "",
        has_photo=photo is not None,
        region_hashes=regions,
        features=features,
        lookup_hashes=lookups,
    )


def _area(box: tuple[int, int, int, int]) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])


def phash_distance(a: ImageFingerprint, b: ImageFingerprint) -> int:
    """pHash Hamming distance between two fingerprints."""
    return hamming(a.phash, b.phash)
