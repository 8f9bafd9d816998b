"""The pure decision: how strongly two reports are evidence of the same story."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import cv2
import numpy as np

from tingia.matching.features import ratio_test_matches
from tingia.matching.images import (
    MIN_SIDE,
    Features,
    ImageFingerprint,
    hamming,
    pack_features,
    pdq_distance,
    unpack_features,
)
from tingia.matching.normalise import normalise_text, tokens
from tingia.matching.textsim import (
    CLAIM_MIN_TOKENS,
    claim_similarity,
    claim_terms,
    opening_similarity,
    text_similarity,
)
from tingia.matching.urls import canonical_url, is_content_url

# Chosen with `python -m bench.tune` on the dev set of `python -m bench.devset` (3218 reports,
# 127 stories; figures in bench/tune.py). B-cubed precision is 1.0 and no unrelated
# screenshots merge from 60 up, in arrival orders with and without the full report first; the
# most similar unrelated pair scores 61 (posts sharing an outlet's footer), so attaching at 70
# keeps a margin for little recall (F1 0.959 at 60, 0.956 at 70, 0.951 at 80). At 45 a report
# that does not attach is still suggested for its story: headlines alone (40-57) and 15-18 bit
# photo crops; 0 wrong suggestions with the full report first, 4 of 55 in a shuffled order.
DEFAULT_AUTO_THRESHOLD = 70.0
DEFAULT_SUGGEST_THRESHOLD = 45.0

# Photo distances, measured on the dev set's photos (64-bit pHash/dHash, worse of the two):
# recompressed, resized, framed and captioned copies stay within 9 bits, crops of 3-8% per side
# within 20 (90% within 16); the closest pair of unrelated photos is 22 bits apart.
PHOTO_SAME_DISTANCE = 8  # at or below: 100
PHOTO_POINTS_PER_BIT = 5.0  # 14 bits -> 70 (attach), 18 -> 50 (suggest)
PHOTO_MAX_DISTANCE = 18  # beyond: no evidence
# PDQ (256 bits) survives recompression, resizing, frames and captions within 16 bits but not
# crops (up to 124, chance is 128), so it is no veto; within Facebook's recommended 31 it is
# evidence of its own. Unrelated dev-set photos are at least 94 apart.
PDQ_MATCH_DISTANCE = 31
# Local-feature verification (ORB, 256 keypoints on the photo at 512 px): Lowe's ratio test,
# descriptors within 64 of 256 bits, RANSAC reprojection error in px at that size.
RATIO_TEST = 0.8
MAX_DESCRIPTOR_BITS = 64
RANSAC_PIXELS = 4.0
MIN_INLIERS = 12  # fewer: no evidence from features, for or against
# From here the features are evidence of their own (50 points, 100 at VERIFIED_INLIERS); below
# it a weak match (captions in one font match each other) needs the hashes to agree.
EVIDENT_INLIERS = 16
VERIFIED_INLIERS = 24  # at or above, with one photo inside the other: the same photo (100)
# A copy (crop, resize, caption, frame, screenshot) keeps the photo's angle: on the dev set
# 99 % of copies align within 0.32 degrees (all within 0.7), while a second shot by hand is
# turned (its camera was): 60 of 80 second shots with 12 inliers were turned more than 0.5.
ROTATION_TOLERANCE_DEGREES = 0.5
CONTAINED_TOLERANCE = 0.04  # share of a frame allowed outside the other (alignment error)
HASH_ONLY_CAP = 65.0
# A smooth photo made small (a crop under a caption, resized) keeps only 3-11 consistent ORB
# matches with its original. From FEW_INLIERS of them, a new photo that is a crop of an old one
# (inside it at the same angle, and at least FEW_INLIERS_CROP of the old frame outside it)
# whose crop hypotheses are within PHOTO_CANDIDATE_BITS of the other's is a copy
# (FEW_INLIERS_SCORE: joined, below any fuller evidence). Measured on the dev set's photo pairs
# with crop hypotheses within 12 bits and 3-11 inliers: 49 pairs of one story's photos (25 of
# them photo combos, 12-39 % of the old frame outside), none of a story photo and a second shot
# (one close shot contains a cropped copy: the other way round), none of two stories' photos
# (without FEW_INLIERS_CROP, two screenshots of one app matched on its chrome in place).
FEW_INLIERS = 6
FEW_INLIERS_CROP = 0.05
FEW_INLIERS_SCORE = 80.0
# Photos are candidates (and verified with ORB) when some crop hypotheses of theirs are this
# close (region_hashes, 64-bit pHash); unrelated dev-set photos were never closer than 14.
PHOTO_CANDIDATE_BITS = 10


@dataclass(frozen=True)
class ReportSignals:
    """Everything matching needs from one report, buildable from stored columns.

    text: normalised report text; url: canonical URL or None; images: fingerprints;
    ocr_text: normalised text read from the report's screenshots (kept apart from text because
    one citizen pastes a post while another sends a screenshot of it); claims: the names and
    numbers of an article-length text (textsim.claim_terms), for rewrites by other outlets;
    text_grams / ocr_grams: the texts' textsim.gram_blob when read from storage (a candidate),
    None when the texts are to be read afresh (the new report).
    """

    text: str
    url: str | None
    images: tuple[ImageFingerprint, ...] = ()
    ocr_text: str = ""
    claims: frozenset[str] = frozenset()  # names and numbers of an article-length text
    text_grams: bytes | None = None
    ocr_grams: bytes | None = None
    # The report carries a link (read as stored, even when `url` is left unread): the text sent
    # with an article's link opens with its title, which a headline sent alone can join.
    linked: bool = False


@dataclass(frozen=True)
class MatchScore:
    """Best evidence between two reports: score 0..100 and which kind of evidence gave it."""

    score: float
    basis: str  # "url" | "text" | "image_exact" | "image_similar" | "ocr_text" | "claim" | "none"
    # For image_similar: how the best pair's frames lie (Framing) and its verified matches;
    # apart_inliers: the most matches of a photo pair of the two reports that is two framings
    # of one scene (case_matches weighs both across a case).
    framing: str = ""
    inliers: int = 0
    apart_inliers: int = 0


class Framing(StrEnum):
    """How two verified photos' frames lie: the new one inside the old (or the same frame), the
    old inside the new, or two overlapping framings of one scene (a second shot)."""

    INSIDE = "inside"
    AROUND = "around"
    APART = "apart"


# Two framings of one scene show mostly the same: each shows at most this share the other does
# not (a step aside: 4-8 % on the dev set; a photo against a screenshot of a post, whose chrome
# is half the frame, is no second shot).
APART_MAX_OUTSIDE = 0.35


def build_signals(
    text: str | None, url: str | None, images: Sequence[ImageFingerprint] = ()
) -> ReportSignals:
    """Signals of a report from its raw text, raw URL and image fingerprints."""
    ocr = " ".join(img.ocr_text for img in images if img.text_heavy and img.ocr_text)
    normalised = normalise_text(text)
    long_enough = len(tokens(normalised)) >= CLAIM_MIN_TOKENS
    return ReportSignals(
        text=normalised,
        url=canonical_url(url),
        linked=has_link(url),
        images=tuple(images),
        ocr_text=normalise_text(ocr),
        claims=claim_terms(text) if long_enough else frozenset(),
    )


def has_link(url: str | None) -> bool:
    """The report was sent with a link (ReportSignals.linked)."""
    return bool(url and url.strip())


@dataclass(frozen=True)
class PhotoMatch:
    """Geometric verification of two photos' ORB features.

    inliers: matches consistent with one similarity transform (shift, scale, rotation);
    outside_a / outside_b: share of each photo's frame that falls outside the other's once
    aligned. A copy (crop, resize, caption, frame) lies inside its original, so one of the two
    is ~0; two shots of one scene each show something the other does not.
    """

    inliers: int
    outside_a: float = 1.0
    outside_b: float = 1.0
    rotation: float = 0.0  # degrees, of b relative to a

    @property
    def contained(self) -> bool:
        """One photo's frame lies within the other's (within CONTAINED_TOLERANCE)."""
        return min(self.outside_a, self.outside_b) <= CONTAINED_TOLERANCE


def _outside(transform: np.ndarray, width: int, height: int, frame: tuple[int, int]) -> float:
    """Share of a width x height frame that the 2x3 transform maps outside `frame`."""
    xs, ys = np.meshgrid(np.linspace(0, width, 16), np.linspace(0, height, 16))
    points = np.stack([xs.ravel(), ys.ravel(), np.ones(xs.size)])
    mapped = transform @ points
    inside = (
        (mapped[0] >= -2)
        & (mapped[0] <= frame[0] + 2)
        & (mapped[1] >= -2)
        & (mapped[1] <= frame[1] + 2)
    )
    return float(1.0 - inside.mean())


def verify_photos(a: bytes, b: bytes) -> PhotoMatch:
    """Match two photos' ORB features (ratio test), then fit a similarity with RANSAC."""
    fa, fb = unpack_features(a), unpack_features(b)
    if len(fa.descriptors) < 2 or len(fb.descriptors) < 2:
        return PhotoMatch(0)
    query, train = ratio_test_matches(
        fa.descriptors, fb.descriptors, RATIO_TEST, MAX_DESCRIPTOR_BITS
    )
    if len(query) < FEW_INLIERS:
        return PhotoMatch(len(query))
    src = fa.points[query]
    dst = fb.points[train]
    transform, mask = cv2.estimateAffinePartial2D(
        src, dst, method=cv2.RANSAC, ransacReprojThreshold=RANSAC_PIXELS, maxIters=1000
    )
    if transform is None:
        return PhotoMatch(0)
    inliers = int(mask.sum())
    scale = float(np.hypot(transform[0, 0], transform[0, 1]))
    if not 0.1 <= scale <= 10:
        return PhotoMatch(0)
    inverse = cv2.invertAffineTransform(transform)
    return PhotoMatch(
        inliers,
        _outside(transform, fa.width, fa.height, (fb.width, fb.height)),
        _outside(inverse, fb.width, fb.height, (fa.width, fa.height)),
        float(np.degrees(np.arctan2(transform[1, 0], transform[0, 0]))),
    )


def warm_up_photo_verification() -> None:
    """Verify a two-descriptor photo against itself: compiles (or loads) the ratio test's
    compiled loop for the arrays verify_photos passes it (read-only, from a stored blob)."""
    descriptors = np.arange(64, dtype=np.uint8).reshape(2, 32)
    blob = pack_features(Features(8, 8, np.zeros((2, 2), np.float32), descriptors))
    verify_photos(blob, blob)


def _hash_similarity(a: ImageFingerprint, b: ImageFingerprint) -> float:
    """Score from perceptual-hash distances alone (the worse of pHash and dHash decides)."""
    score = _distance_score(max(hamming(a.phash, b.phash), hamming(a.dhash, b.dhash)))
    if a.pdq and b.pdq and pdq_distance(a.pdq, b.pdq) <= PDQ_MATCH_DISTANCE:
        score = max(score, 90.0)
    return score


def region_distance(a: ImageFingerprint, b: ImageFingerprint) -> int:
    """Smallest pHash distance between one photo's crop hypotheses and the other's hypotheses or
    lookup grid (64 if either has none)."""
    pairs = (
        (a.region_hashes, b.region_hashes + b.lookup_hashes),
        (b.region_hashes, a.lookup_hashes),
    )
    best = 64
    for stored, looked_up in pairs:
        if stored and looked_up:
            x = np.array(stored, dtype=np.int64).view(np.uint64)
            y = np.array(looked_up, dtype=np.int64).view(np.uint64)
            best = min(best, int(np.bitwise_count(x[:, None] ^ y[None, :]).min()))
    return best


def _distance_score(bits: int) -> float:
    """Score of a 64-bit hash distance on the photo scale (100 down to 50 at 18 bits, then 0)."""
    if bits > PHOTO_MAX_DISTANCE:
        return 0.0
    return 100.0 - PHOTO_POINTS_PER_BIT * max(0, bits - PHOTO_SAME_DISTANCE)


def photo_similarity(a: ImageFingerprint, b: ImageFingerprint) -> float:
    """Score 0..100 of two photos (photo_evidence without the framing)."""
    return photo_evidence(a, b)[0]


def _framing(match: PhotoMatch) -> str:
    """Framing of a verified match ("" when the frames are too different to say)."""
    if abs(match.rotation) <= ROTATION_TOLERANCE_DEGREES:
        if match.outside_a <= CONTAINED_TOLERANCE:
            return Framing.INSIDE
        if match.outside_b <= CONTAINED_TOLERANCE:
            return Framing.AROUND
    if max(match.outside_a, match.outside_b) <= APART_MAX_OUTSIDE:
        return Framing.APART
    return ""


def few_inliers_copy(a: ImageFingerprint, b: ImageFingerprint, match: PhotoMatch) -> bool:
    """Whether photo a, verified against b with fewer than MIN_INLIERS matches, is a crop of b:
    FEW_INLIERS matches or more, a inside b at the same angle with FEW_INLIERS_CROP of b's
    frame outside it, and crop hypotheses within PHOTO_CANDIDATE_BITS."""
    # Only the new photo inside the old: a step-aside shot can contain a crop of the first.
    return (
        match.inliers >= FEW_INLIERS
        and _framing(match) == Framing.INSIDE
        and match.outside_b >= FEW_INLIERS_CROP
        and region_distance(a, b) <= PHOTO_CANDIDATE_BITS
    )


def photo_evidence(
    a: ImageFingerprint, b: ImageFingerprint, verify: bool = True
) -> tuple[float, str, int]:
    """Score 0..100 of two photos: local features verified geometrically, else hashes.

    With features on both sides the verification decides. Two photos that overlap (MIN_INLIERS
    matches or more) but each show what the other does not, or are turned against each other
    by more than ROTATION_TOLERANCE_DEGREES, are two shots of one scene: 0, whatever their
    hashes say. One photo inside the other, at the same angle, is the same photo: 100 from
    VERIFIED_INLIERS matches (50 at EVIDENT_INLIERS), or what the hashes say if more (the
    global ones, or the closest pair of crop hypotheses: a weakly textured photo under a
    caption has few matches, but its geometry agrees). When the features are inconclusive
    (fewer than MIN_INLIERS: a smooth photo, a heavy overlay) or missing, the global hashes
    decide as they always did, but for a smooth copy whose few matches and crop hypotheses
    agree (few_inliers_copy: FEW_INLIERS_SCORE). Returned with the Framing of the verified
    match ("" if none) and its number of inliers. Not `verify`: the features are not compared
    (a far candidate, see matching.service), and hashes alone may only suggest.
    """
    hashed = _hash_similarity(a, b)
    if not verify:
        return min(hashed, HASH_ONLY_CAP), "", 0
    if a.features is None or b.features is None:
        return hashed, "", 0
    match = verify_photos(a.features, b.features)
    if match.inliers < MIN_INLIERS:
        if few_inliers_copy(a, b, match):
            return FEW_INLIERS_SCORE, Framing.INSIDE, match.inliers
        # Textured enough to have features, yet they do not agree: hashes alone may suggest.
        return min(hashed, HASH_ONLY_CAP), "", match.inliers
    framing = _framing(match)
    if framing not in (Framing.INSIDE, Framing.AROUND):
        return 0.0, framing, match.inliers
    if match.inliers >= VERIFIED_INLIERS:
        return 100.0, framing, match.inliers
    verified = 0.0
    if match.inliers >= EVIDENT_INLIERS:
        span = VERIFIED_INLIERS - EVIDENT_INLIERS
        verified = 50.0 + 50.0 * (match.inliers - EVIDENT_INLIERS) / span
    return max(verified, hashed, _distance_score(region_distance(a, b))), framing, match.inliers


def nearest_photo_candidates(
    new: ReportSignals, candidates: dict[int, ReportSignals], limit: int, far_limit: int
) -> set[int]:
    """Of the candidates (by report id) with a photo, the `limit` whose photos are nearest the
    new report's (closest pair of crop hypotheses or whole-photo hashes; ties: lower id), of
    which at most `far_limit` farther than PHOTO_CANDIDATE_BITS."""
    photos = _comparable_photos(new)
    theirs = {report_id: _comparable_photos(old) for report_id, old in candidates.items()}
    theirs = {report_id: images for report_id, images in theirs.items() if images}
    if not photos:
        return set(theirs)
    distance = {
        report_id: min(
            min(region_distance(a, b), hamming(a.phash, b.phash)) for a in photos for b in images
        )
        for report_id, images in theirs.items()
    }
    nearest = sorted(distance, key=lambda report_id: (distance[report_id], report_id))[:limit]
    near = [report_id for report_id in nearest if distance[report_id] <= PHOTO_CANDIDATE_BITS]
    return set(near + nearest[len(near) : len(near) + far_limit])


def _comparable_photos(signals: ReportSignals) -> list[ImageFingerprint]:
    """The report's images that are compared as photos (photo_evidence)."""
    return [image for image in signals.images if image.has_photo and _usable(image)]


def _usable(img: ImageFingerprint) -> bool:
    """Icons and emoji-sized images are no evidence: an image needs the area of a MIN_SIDE
    square (a photo sent at a quarter of 360 x 240, 90 x 60, is one) and half that each side."""
    return img.width * img.height >= MIN_SIDE * MIN_SIDE and min(img.width, img.height) >= (
        MIN_SIDE // 2
    )


def _best(candidates: Iterable[MatchScore]) -> MatchScore:
    """Highest score; on a tie the first (strongest kind of evidence) wins."""
    best = MatchScore(0.0, "none")
    for candidate in candidates:
        if candidate.score > best.score:
            best = candidate
    return best


def _image_scores(new: ReportSignals, old: ReportSignals, verify: bool) -> Iterable[MatchScore]:
    """Exact-bytes matches, and perceptual matches between photos only (`verify`: with their
    local features)."""
    for a in filter(_usable, new.images):
        for b in filter(_usable, old.images):
            if a.sha256 == b.sha256:
                yield MatchScore(100.0, "image_exact")
            elif a.has_photo and b.has_photo:
                # Screenshots share one layout, so their perceptual hashes are close whatever
                # the post says: they are compared through their OCR text instead, and only a
                # photo shown inside one (has_photo) is compared as a photo.
                score, framing, inliers = photo_evidence(a, b, verify)
                apart = inliers if framing == Framing.APART else 0
                yield MatchScore(score, "image_similar", framing, inliers, apart)


def score_reports(new: ReportSignals, old: ReportSignals, verify: bool = True) -> MatchScore:
    """Strongest evidence that two reports are about the same story (max over evidence);
    `verify`: compare their photos' local features (photo_evidence)."""
    candidates: list[MatchScore] = []
    if new.url and new.url == old.url and is_content_url(new.url):
        candidates.append(MatchScore(100.0, "url"))
    candidates.extend(_image_scores(new, old, verify))
    candidates.append(MatchScore(text_similarity(new.text, old.text, old.text_grams), "text"))
    # Only the opening of a linked report's text is an article's title: an excerpt or a rewrite
    # may begin with a related article's title quoted in the body.
    if old.linked if len(old.text) >= len(new.text) else new.linked:
        candidates.append(MatchScore(opening_similarity(new.text, old.text), "text"))
    for a, b, grams in (
        (new.text, old.ocr_text, old.ocr_grams),
        (new.ocr_text, old.text, old.text_grams),
        (new.ocr_text, old.ocr_text, old.ocr_grams),
    ):
        if a and b:
            candidates.append(MatchScore(text_similarity(a, b, grams), "ocr_text"))
    if new.claims and old.claims:
        candidates.append(MatchScore(claim_similarity(new.claims, old.claims), "claim"))
    best = _best(candidates)
    apart = max(candidate.apart_inliers for candidate in candidates)
    return replace(best, apart_inliers=apart) if apart else best


# Evidence that may only ever suggest a case to a verifier, whatever the thresholds.
SUGGEST_ONLY = frozenset({"claim"})


def decide(score: float, auto_threshold: float, suggest_threshold: float, basis: str = "") -> str:
    """ "attach" at or above the auto threshold, "suggest" at or above the other, else "new";
    evidence of a SUGGEST_ONLY kind (another outlet's article) is never more than a suggestion."""
    if score >= auto_threshold and basis not in SUGGEST_ONLY:
        return "attach"
    if score >= suggest_threshold:
        return "suggest"
    return "new"
