"""The pure decision: how strongly two reports are evidence of the same story."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tingia.matching.images import MIN_SIDE, ImageFingerprint, hamming, pdq_distance
from tingia.matching.normalise import normalise_text
from tingia.matching.textsim import text_similarity
from tingia.matching.urls import canonical_url, is_content_url

# Thresholds measured with `python -m bench.tune --devset build/devset` (bench/README.md):
# the auto threshold is the lowest one with zero unrelated screenshots merged and no precision
# loss against a stricter value; the suggest threshold is where the false matches start.
DEFAULT_AUTO_THRESHOLD = 70.0
DEFAULT_SUGGEST_THRESHOLD = 45.0

# Photo distances (64-bit pHash/dHash, 256-bit PDQ). Recompression and resizing stay within
# ~4 bits, a 10% crop within ~14; unrelated photos average 32 (128 for PDQ).
PHOTO_MAX_DISTANCE = 16
PDQ_MAX_DISTANCE = 100


@dataclass(frozen=True)
class ReportSignals:
    """Everything matching needs from one report, buildable from stored columns.

    text: normalised report text; url: canonical URL or None; images: fingerprints;
    ocr_text: normalised text read from the report's screenshots (kept apart from text because
    one citizen pastes a post while another sends a screenshot of it).
    """

    text: str
    url: str | None
    images: tuple[ImageFingerprint, ...] = ()
    ocr_text: str = ""


@dataclass(frozen=True)
class MatchScore:
    """Best evidence between two reports: score 0..100 and which kind of evidence gave it."""

    score: float
    basis: str  # "url" | "text" | "image_exact" | "image_similar" | "ocr_text" | "none"


def build_signals(
    text: str | None, url: str | None, images: Sequence[ImageFingerprint] = ()
) -> ReportSignals:
    """Signals of a report from its raw text, raw URL and image fingerprints."""
    ocr = " ".join(img.ocr_text for img in images if img.text_heavy and img.ocr_text)
    return ReportSignals(
        text=normalise_text(text),
        url=canonical_url(url),
        images=tuple(images),
        ocr_text=normalise_text(ocr),
    )


def photo_similarity(a: ImageFingerprint, b: ImageFingerprint) -> float:
    """Score 0..100 of two photos from perceptual-hash distances (0 beyond the limits).

    Both pHash and dHash must be within PHOTO_MAX_DISTANCE (and PDQ within PDQ_MAX_DISTANCE
    when both have one): two independent hashes agreeing by chance is far rarer than one.
    Distance 4 or less scores 100, then 3 points are lost per bit of the worse hash.
    """
    d_phash, d_dhash = hamming(a.phash, b.phash), hamming(a.dhash, b.dhash)
    worst = max(d_phash, d_dhash)
    if worst > PHOTO_MAX_DISTANCE:
        return 0.0
    if a.pdq and b.pdq and pdq_distance(a.pdq, b.pdq) > PDQ_MAX_DISTANCE:
        return 0.0
    return min(100.0, 100.0 - 3.0 * (worst - 4))


def _usable(img: ImageFingerprint) -> bool:
    """Icons and emoji-sized images are no evidence."""
    return min(img.width, img.height) >= MIN_SIDE


def _best(candidates: Iterable[MatchScore]) -> MatchScore:
    """Highest score; on a tie the first (strongest kind of evidence) wins."""
    best = MatchScore(0.0, "none")
    for candidate in candidates:
        if candidate.score > best.score:
            best = candidate
    return best


def _image_scores(new: ReportSignals, old: ReportSignals) -> Iterable[MatchScore]:
    """Exact-bytes matches, and perceptual matches between photos only."""
    for a in filter(_usable, new.images):
        for b in filter(_usable, old.images):
            if a.sha256 == b.sha256:
                yield MatchScore(100.0, "image_exact")
            elif not a.text_heavy and not b.text_heavy:
                # Screenshots share one layout, so their perceptual hashes are close whatever
                # the post says: they are compared through their OCR text instead.
                yield MatchScore(photo_similarity(a, b), "image_similar")


def score_reports(new: ReportSignals, old: ReportSignals) -> MatchScore:
    """Strongest evidence that two reports are about the same story (max over evidence)."""
    candidates: list[MatchScore] = []
    if new.url and new.url == old.url and is_content_url(new.url):
        candidates.append(MatchScore(100.0, "url"))
    candidates.extend(_image_scores(new, old))
    candidates.append(MatchScore(text_similarity(new.text, old.text), "text"))
    for a, b in ((new.text, old.ocr_text), (new.ocr_text, old.text), (new.ocr_text, old.ocr_text)):
        if a and b:
            candidates.append(MatchScore(text_similarity(a, b), "ocr_text"))
    return _best(candidates)


def decide(score: float, auto_threshold: float, suggest_threshold: float) -> str:
    """ "attach" at or above the auto threshold, "suggest" at or above the other, else "new"."""
    if score >= auto_threshold:
        return "attach"
    if score >= suggest_threshold:
        return "suggest"
    return "new"
