"""Processing a report: fingerprint it, find candidates, and attach it to a case or open one.

The database edge of matching; the decisions themselves are pure functions in scoring.py.
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from flask import current_app
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from tingia import storage
from tingia.budget import BudgetExceeded, time_budget
from tingia.cases.history import record
from tingia.cases.links import link_cases_to
from tingia.cases.membership import add_report, merge_cases, open_case_for
from tingia.cases.rules import WORKABLE
from tingia.database import utcnow
from tingia.extensions import db
from tingia.matching import index
from tingia.matching.images import (
    OCR_WIDTH,
    ImageFingerprint,
    InvalidImage,
    fingerprint_image,
    pack_hashes,
    unpack_hashes,
)
from tingia.matching.scoring import (
    DEFAULT_AUTO_THRESHOLD,
    DEFAULT_SUGGEST_THRESHOLD,
    HASH_ONLY_CAP,
    SUGGEST_ONLY,
    Framing,
    MatchScore,
    ReportSignals,
    build_signals,
    decide,
    has_link,
    nearest_photo_candidates,
    photo_evidence,
    score_reports,
    warm_up_photo_verification,
)
from tingia.matching.textsim import claim_keys, gram_blob
from tingia.matching.urls import canonical_url
from tingia.models import (
    Attachment,
    Case,
    CaseAction,
    CaseStatus,
    CaseSuggestion,
    GroupingLock,
    Report,
)

log = logging.getLogger(__name__)

GROUPING_LOCK_ID = 1
FULL_SCORE = 100.0  # the highest score score_reports gives (MatchScore: 0..100)


@dataclass(frozen=True)
class CaseMatch:
    """The best-scoring case for a report, and the report in it that scored best."""

    case_id: int
    centre_id: int
    report_id: int
    score: MatchScore


def thresholds() -> tuple[float, float]:
    """(auto, suggest) thresholds: MATCH_AUTO_THRESHOLD / MATCH_SUGGEST_THRESHOLD, else measured."""
    config = current_app.config
    auto = config.get("MATCH_AUTO_THRESHOLD")
    suggest = config.get("MATCH_SUGGEST_THRESHOLD")
    auto = DEFAULT_AUTO_THRESHOLD if auto is None else float(auto)
    suggest = DEFAULT_SUGGEST_THRESHOLD if suggest is None else float(suggest)
    if suggest > auto:
        raise ValueError(
            f"MATCH_SUGGEST_THRESHOLD ({suggest}) is above MATCH_AUTO_THRESHOLD ({auto})"
        )
    return auto, suggest


def fingerprint_attachments(report: Report) -> None:
    """Compute the fingerprints of images that have none yet (OCR for text-heavy ones).

    Each image is downscaled first (FINGERPRINT_MAX_PIXELS, never narrower than OCR reads well)
    and fingerprinted within IMAGE_TIME_BUDGET_SECONDS, so no upload can tie the worker up.
    """
    config = current_app.config
    ocr = config["MATCH_OCR_ENABLED"]
    for attachment in report.attachments:
        if attachment.fingerprinted_at is not None:
            continue
        try:
            with time_budget(config["IMAGE_TIME_BUDGET_SECONDS"]):
                data = storage.fingerprint_input(
                    attachment.storage_key, config["FINGERPRINT_MAX_PIXELS"], min_width=OCR_WIDTH
                )
                fingerprint = fingerprint_image(data, ocr=ocr)
        except (InvalidImage, OSError, ValueError, BudgetExceeded) as error:
            # Intake checked the image; a file that can't be read now is logged, not retried
            # forever: the report is still grouped on its text and link.
            log.warning("attachment %s not fingerprinted: %s", attachment.id, error)
            fingerprint = None
        store_fingerprint(attachment, fingerprint)


def store_fingerprint(attachment: Attachment, fingerprint: ImageFingerprint | None) -> None:
    """Store an image's fingerprint in its attachment (None: unreadable, never matched on looks)."""
    if fingerprint is None:
        attachment.text_heavy = True
        attachment.ocr_text = ""
    else:
        attachment.phash = fingerprint.phash
        attachment.dhash = fingerprint.dhash
        attachment.pdq = fingerprint.pdq
        attachment.text_heavy = fingerprint.text_heavy
        attachment.ocr_text = fingerprint.ocr_text
        attachment.has_photo = fingerprint.has_photo
        attachment.region_hashes = pack_hashes(fingerprint.region_hashes) or None
        attachment.lookup_hashes = pack_hashes(fingerprint.lookup_hashes) or None
        attachment.features = fingerprint.features
    attachment.fingerprinted_at = utcnow()


def stored_fingerprint(attachment: Attachment) -> ImageFingerprint:
    """An attachment's fingerprint as stored in its columns."""
    # An image whose fingerprint failed counts as a screenshot: never matched on looks.
    text_heavy = attachment.text_heavy is not False or attachment.phash is None
    has_photo = attachment.has_photo
    if has_photo is None:  # fingerprinted before photos inside screenshots were looked for
        has_photo = not text_heavy
    return ImageFingerprint(
        sha256=attachment.sha256,
        width=attachment.width,
        height=attachment.height,
        phash=attachment.phash or 0,
        dhash=attachment.dhash or 0,
        pdq=attachment.pdq,
        text_heavy=text_heavy,
        ocr_text=attachment.ocr_text or "",
        has_photo=has_photo and attachment.phash is not None,
        region_hashes=unpack_hashes(attachment.region_hashes),
        features=attachment.features,
        lookup_hashes=unpack_hashes(attachment.lookup_hashes),
    )


def signals_for(report: Report) -> ReportSignals:
    """What matching compares, built from a report's stored columns."""
    fingerprints = [
        stored_fingerprint(item) for item in report.attachments if item.fingerprinted_at is not None
    ]
    return build_signals(report.content, report.url, fingerprints)


def _flag(value: object) -> bool | None:
    """A boolean column read by a raw statement (SQLite gives 0/1)."""
    return None if value is None else bool(value)


def _row_fingerprint(row: tuple) -> ImageFingerprint:
    """An image's fingerprint from index.lookup_rows' image columns (as stored_fingerprint)."""
    (_, sha256, width, height, phash, dhash, pdq, text_heavy, has_photo, regions, features) = row[
        _IMAGE_AT : _IMAGE_AT + 11
    ]
    text_heavy = _flag(text_heavy) is not False or phash is None
    photo = _flag(has_photo)
    if photo is None:  # fingerprinted before photos inside screenshots were looked for
        photo = not text_heavy
    return ImageFingerprint(
        sha256=sha256,
        width=width,
        height=height,
        phash=phash or 0,
        dhash=dhash or 0,
        pdq=pdq,
        text_heavy=text_heavy,
        ocr_text=row[_IMAGE_AT + 11] or "",
        has_photo=photo and phash is not None,
        region_hashes=unpack_hashes(regions),
        features=features,
    )


_IMAGE_AT = 10  # index.lookup_rows: 10 report columns, then the image's


def _row_signals(rows: list[tuple], with_url: bool, with_claims: bool) -> ReportSignals:
    """A grouped report's signals from its lookup rows, reusing the normalised texts (and
    claims) stored when it was grouped: normalising every candidate again would cost more than
    scoring it."""
    first = rows[0]
    normalised_text, normalised_ocr_text, claims = first[3], first[4], first[5]
    images = tuple(_row_fingerprint(row) for row in rows if row[_IMAGE_AT] is not None)
    if normalised_text is None or normalised_ocr_text is None:  # grouped before, or by hand
        signals = build_signals(first[6], first[7], images)
        return signals if normalised_text is None else replace(signals, text=normalised_text)
    return ReportSignals(
        text=normalised_text,
        url=canonical_url(first[7]) if with_url else None,  # compared only with a link
        linked=has_link(first[7]),
        images=images,
        ocr_text=normalised_ocr_text,
        claims=stored_claim_terms(claims) if with_claims else frozenset(),
        text_grams=first[8],
        ocr_grams=first[9],
    )


def stored_claim_terms(stored: str | None) -> frozenset[str]:
    """The claim terms of Report.claim_terms ("|"-joined, "" for none)."""
    return frozenset(term for term in (stored or "").split("|") if term)


def _touch_grouping_lock() -> bool:
    """Update the lock row (waiting for whoever holds it); False if it does not exist yet."""
    touched = db.session.execute(
        update(GroupingLock).where(GroupingLock.id == GROUPING_LOCK_ID).values(touched_at=utcnow())
    )
    return touched.rowcount > 0


def _acquire_grouping_lock() -> None:
    """Serialise grouping decisions across workers until this transaction ends."""
    if _touch_grouping_lock():
        return
    try:
        with db.session.begin_nested():  # the very first decision creates the row
            db.session.add(GroupingLock(id=GROUPING_LOCK_ID))
    except IntegrityError:
        # Another worker created it at the same moment (its insert made us wait): queue behind.
        _touch_grouping_lock()


# Advisory lock of every grouping decision on a report with photos: photos match by Hamming
# distance, not by a shared key, so they are serialised among themselves (and PhotoHash ids keep
# growing in commit order, which index.py's cache relies on).
PHOTO_GROUPING_LOCK = -0x7467_6961_7068_6F74  # any constant; a clash only over-serialises


def lock_for_grouping(signals: ReportSignals) -> None:
    """Serialise, until this transaction ends, the grouping decisions that could see each other.

    Two reports can only find each other through a shared index key (or, for photos, a near
    pHash), so on PostgreSQL each decision takes a transaction-level advisory lock on each of its
    index keys (and one shared photo lock), in sorted order so two workers never deadlock: the
    second of two near-duplicates waits for the first to commit and then finds its case, while
    unrelated reports are grouped in parallel. SQLite has one writer anyway: the lock row.
    """
    if db.engine.dialect.name != "postgresql":
        _acquire_grouping_lock()
        return
    keys = _lock_keys(signals)
    if keys:
        db.session.execute(
            text(
                "SELECT count(pg_advisory_xact_lock(k)) FROM"
                " unnest(CAST(:keys AS bigint[])) WITH ORDINALITY AS t(k, n)"
            ),
            {"keys": keys},
        )


def _lock_keys(signals: ReportSignals) -> list[int]:
    """The advisory lock keys of a grouping decision, sorted (see lock_for_grouping)."""
    keys = index_keys_of(signals)
    if _photo_hashes(signals):
        keys.add(PHOTO_GROUPING_LOCK)
    return sorted(keys)


# On PostgreSQL the advisory locks and the claim are one statement (one round trip). The locks
# are taken before the report's row is written; a report another worker claimed meanwhile
# fails the `processed_at IS NULL` recheck PostgreSQL makes on a row updated by a transaction
# that committed while this statement waited. The candidate lookup is a later statement, so it
# sees what the decisions this one waited for committed.
_LOCK_AND_CLAIM = text(
    "WITH locks AS (SELECT count(pg_advisory_xact_lock(k)) AS n"
    " FROM unnest(CAST(:keys AS bigint[])) WITH ORDINALITY AS t(k, o))"
    " UPDATE reports SET processed_at = :now, normalised_text = :text,"
    " normalised_ocr_text = :ocr_text, claim_terms = :claims,"
    " text_grams = :text_grams, ocr_grams = :ocr_grams"
    " FROM locks WHERE reports.id = :id AND reports.processed_at IS NULL AND locks.n >= 0"
)


def claim_for_grouping(report: Report, signals: ReportSignals) -> bool:
    """Take the grouping locks (lock_for_grouping) and mark the report processed, with its
    normalised texts, in this transaction; False if another worker processed it first.

    One statement instead of re-reading the report after the lock: the guard is the row itself.
    """
    now = utcnow()
    values = {
        "processed_at": now,
        "normalised_text": signals.text,
        "normalised_ocr_text": signals.ocr_text,
        "claim_terms": "|".join(sorted(signals.claims)),
        "text_grams": gram_blob(signals.text) if signals.text else None,
        "ocr_grams": gram_blob(signals.ocr_text) if signals.ocr_text else None,
    }
    if db.engine.dialect.name == "postgresql":
        claimed = db.session.execute(
            _LOCK_AND_CLAIM,
            {"keys": _lock_keys(signals), "now": now, "text": values["normalised_text"],
             "ocr_text": values["normalised_ocr_text"], "claims": values["claim_terms"],
             "text_grams": values["text_grams"], "ocr_grams": values["ocr_grams"],
             "id": report.id},
        )  # fmt: skip
    else:
        lock_for_grouping(signals)
        claimed = db.session.execute(
            update(Report)
            .where(Report.id == report.id, Report.processed_at.is_(None))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    if claimed.rowcount == 0:
        return False
    for name, value in values.items():  # what the row now holds, without reading it again
        set_committed_value(report, name, value)
    return True


def lock_cases(case_ids: list[int]) -> dict[int, Case]:
    """Lock the rows of cases a decision writes to (sorted: no deadlock) and read them afresh:
    another decision may have merged one away while this one was scoring."""
    if not case_ids:
        return {}
    cases = db.session.scalars(
        select(Case)
        .where(Case.id.in_(sorted(set(case_ids))))
        .order_by(Case.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {case.id: case for case in cases}


def index_keys_of(signals: ReportSignals) -> set[int]:
    """The report's keys in the shared index."""
    texts = [signals.text, signals.ocr_text]
    keys = index.keys_for(texts, signals.url, [image.sha256 for image in signals.images])
    return keys | set(claim_keys(signals.claims))


def _photo_hashes(signals: ReportSignals) -> list[int]:
    """pHashes of the report's photos (every crop hypothesis): photos, and photos shown inside
    screenshots; a screenshot's own looks are never matched."""
    return [
        value
        for image in signals.images
        if image.has_photo
        for value in (image.region_hashes or (image.phash,))
    ]


def _has_photo(signals: ReportSignals) -> bool:
    return any(image.has_photo for image in signals.images)


def candidate_rows(
    signals: ReportSignals,
    exclude_report_id: int | None = None,
    statuses: tuple[CaseStatus, ...] | None = None,
) -> list[tuple]:
    """Grouped reports the index finds for these signals (text, link and image keys; photos
    near in the photo-hash cache), those in open cases (or in cases of these states), with what
    scoring needs of them: one statement (two with a photo: the cache catches up first)."""
    grid = [value for image in signals.images if image.has_photo for value in image.lookup_hashes]
    photo_ids = index.candidates_by_photo(_photo_hashes(signals), exclude_report_id, grid)
    return index.lookup_rows(
        index_keys_of(signals),
        photo_ids,
        exclude_report_id,
        statuses=statuses,
        with_features=_has_photo(signals),
    )


# Comparing two photos' local features (ORB) is the costliest step of scoring (0.3-0.5 ms a
# pair in numpy; compiled, ~0.1 ms, more where RANSAC runs): only the candidates whose photos
# are nearest the new one's in hash space are verified, and of those at most MAX_FAR_VERIFIED
# whose photos are farther than the photo-hash cache looks (an unrelated report with a photo
# met up to 8 text candidates with photos at 1,000,000 reports); the others' photos count by
# their hashes alone, which may only suggest.
# With 4 verified, bench.quality lost photo combos' recall (0.945 -> 0.928) and other shots'
# precision (1.000 -> 0.983). With 8, of them at most 2 far, it printed the precision and recall
# of verifying every candidate, kind by kind (6 more close or other shots suggested, not
# joined); with 8 far ones allowed, the same output line for line, in both arrival orders.
MAX_VERIFIED_CANDIDATES = 8
MAX_FAR_VERIFIED = 2


def warm_up_photo_matching() -> None:
    """Compile numba's photo loops (kernels) through the calls matching makes, with arrays of
    the same kinds, so that a worker's first photo does not wait seconds for them."""
    index.warm_up_photo_cache()
    warm_up_photo_verification()


def case_matches(
    signals: ReportSignals,
    exclude_report_id: int | None = None,
    statuses: tuple[CaseStatus, ...] | None = None,
) -> list[CaseMatch]:
    """Each open (not closed) candidate case with its best-matching report, best first.

    Only the index's candidates are scored. On equal scores the oldest case comes first.
    `statuses` narrows the cases to those states (the instant answer asks for published ones).
    """
    rows = candidate_rows(signals, exclude_report_id, statuses)
    with_url, with_claims = bool(signals.url), bool(signals.claims)
    # Rows come ordered by case, report and image: one group of rows per report.
    by_report = itertools.groupby(rows, key=lambda row: row[0])
    groups = {report_id: list(group) for report_id, group in by_report}
    olds = {
        report_id: _row_signals(report_rows, with_url, with_claims)
        for report_id, report_rows in groups.items()
    }
    verified = nearest_photo_candidates(signals, olds, MAX_VERIFIED_CANDIDATES, MAX_FAR_VERIFIED)
    best_by_case: dict[int, CaseMatch] = {}
    framings: dict[int, _CaseFramings] = defaultdict(_CaseFramings)
    for report_id, report_rows in groups.items():
        case_id, centre_id = report_rows[0][1], report_rows[0][2]
        current = best_by_case.get(case_id)
        if current is not None and current.score.score >= FULL_SCORE and not _only_around(current):
            continue  # scores are 0..100: no other report of the case can beat it
        score = score_reports(signals, olds[report_id], verify=report_id in verified)
        framings[case_id].add(score)
        if current is None or score.score > current.score.score:
            best_by_case[case_id] = CaseMatch(
                case_id=case_id, centre_id=centre_id, report_id=report_id, score=score
            )
    matches = [_weigh_framings(match, framings[match.case_id]) for match in best_by_case.values()]
    return sorted(matches, key=lambda match: (-match.score.score, match.case_id))


# A second shot shares more with the first shot than with a crop of it: a photo that frames a
# case's photo differently with this many times the verified matches it has with the photos
# it contains is another shot, while a screenshot of the post and a copy with a caption band
# both hold the whole photo. At 1.2, with the bridging rule of _bridge, bench.quality printed
# decoy_close_shot precision 1.000 and photo_in_post recall 0.959 (before both: 0.966, 0.959).
APART_DOMINANCE = 1.2


@dataclass
class _CaseFramings:
    """How the new photo's frame lies against one case's photos, over its scored reports."""

    inside: bool = False  # inside (or the same as) some photo of the case
    around_inliers: int = 0  # most matches with a photo of the case lying inside it
    apart_inliers: int = 0  # most matches with a photo of the case framed differently

    def add(self, score: MatchScore) -> None:
        """Take one scored report into account."""
        self.inside |= score.framing == Framing.INSIDE
        if score.framing == Framing.AROUND:
            self.around_inliers = max(self.around_inliers, score.inliers)
        self.apart_inliers = max(self.apart_inliers, score.apart_inliers)


def _only_around(match: CaseMatch) -> bool:
    """The case's best evidence is a photo of the case lying inside the new one."""
    return match.score.basis == "image_similar" and match.score.framing == Framing.AROUND


def _weigh_framings(match: CaseMatch, framings: _CaseFramings) -> CaseMatch:
    """A suggestion, not a join, for a photo that only contains the case's photos while it
    frames one of them differently, sharing much more with it (two shots of one scene a step
    apart: the case's crop of the first lies inside the second too); a copy lies inside some
    photo of its case, or shares as much with the photos it contains."""
    if (
        _only_around(match)
        and not framings.inside
        and framings.apart_inliers
        and framings.apart_inliers >= APART_DOMINANCE * framings.around_inliers
    ):
        capped = replace(match.score, score=min(match.score.score, HASH_ONLY_CAP))
        return replace(match, score=capped)
    return match


def best_case_match(
    signals: ReportSignals, exclude_report_id: int | None = None
) -> CaseMatch | None:
    """The open case whose reports best match (used by the worker and `bench.matching`)."""
    matches = case_matches(signals, exclude_report_id)
    return matches[0] if matches else None


def _bridge(case: Case, joined: CaseMatch, others: list[CaseMatch], auto: float) -> list[int]:
    """Merge into `case` the other cases of its centre this report also joins automatically.

    A link-only report and a screenshot-only report of one story open two cases when they
    arrive first; the full post that matches both shows they are one story. Cases already
    published are left as they are (a verifier can merge them by hand). `others` holds only
    cases of the report's own centre: nothing automatic crosses centres.
    """
    merged = []
    for other in others:
        if other.score.score < auto:
            break
        source = db.session.get(Case, other.case_id)
        if source is None or source.status not in WORKABLE or source.verdict:
            continue
        if other.score.basis in SUGGEST_ONLY:  # another outlet's article: never merged on it
            continue
        if _inside_both(other) and not _photos_agree(joined.report_id, other.report_id):
            continue  # a crop lies inside two shots of one scene as well as in two copies
        merge_cases(source, case, actor=None)
        merged.append(source.id)
    return merged


def _inside_both(other: CaseMatch) -> bool:
    """The report joins the other case on a photo lying inside one of that case's photos."""
    return other.score.basis == "image_similar" and other.score.framing == Framing.INSIDE


def _photos_agree(report_id: int, other_report_id: int) -> bool:
    """Some photo of one report is verified to lie inside a photo of the other (or to be it)."""
    attachments = db.session.scalars(
        select(Attachment).where(
            Attachment.report_id.in_((report_id, other_report_id)),
            Attachment.fingerprinted_at.is_not(None),
        )
    )
    photos: dict[int, list[ImageFingerprint]] = {report_id: [], other_report_id: []}
    for attachment in attachments:
        fingerprint = stored_fingerprint(attachment)
        if fingerprint.has_photo:
            photos[attachment.report_id].append(fingerprint)
    return any(
        photo_evidence(a, b)[1] in (Framing.INSIDE, Framing.AROUND)
        for a in photos[report_id]
        for b in photos[other_report_id]
    )


def _locked_case_matches(
    signals: ReportSignals, report_id: int
) -> tuple[list[CaseMatch], dict[int, Case]]:
    """`case_matches`, with the candidate cases' rows locked and still open when returned (and
    the cases themselves: the session only keeps weak references)."""
    while True:
        matches = case_matches(signals, report_id)
        locked = lock_cases([match.case_id for match in matches])
        if all(
            match.case_id in locked and locked[match.case_id].status != CaseStatus.CLOSED
            for match in matches
        ):
            return matches, locked


def _link_elsewhere(case: Case, elsewhere: list[CaseMatch], suggest: float) -> list[int]:
    """Link `case` to the other centres' cases this report matches at least as a suggestion."""
    others = []
    for other in elsewhere:
        if other.score.score < suggest:
            break
        other_case = db.session.get(Case, other.case_id)  # locked by lock_cases: no query
        if other_case is not None:
            others.append((other_case, other.score.score, other.score.basis))
    return [linked.id for linked in link_cases_to(case, others)]


def process_report(report_id: int) -> dict[str, Any]:
    """Fingerprint and group one report; running it again for the same report changes nothing."""
    # One round trip for the report and its images (each statement is one on a busy machine).
    report = db.session.get(Report, report_id, options=[joinedload(Report.attachments)])
    if report is None:
        return {"report_id": report_id, "outcome": "missing"}
    if report.processed_at is not None:
        return {"report_id": report_id, "outcome": "already_processed", "case_id": report.case_id}

    # The slow part (OCR, hashing) happens before the lock, so workers only queue for the decision.
    fingerprint_attachments(report)
    signals = signals_for(report)

    if not claim_for_grouping(report, signals):  # another worker got here first
        db.session.refresh(report, ["case_id"])
        return {"report_id": report_id, "outcome": "already_processed", "case_id": report.case_id}

    auto, suggest = thresholds()
    matches, locked = _locked_case_matches(signals, report.id)
    # A report is grouped only within the centre it was routed to; another centre's case that
    # matches is linked, never joined, bridged or suggested (its reporters are not ours to see).
    own = [item for item in matches if item.centre_id == report.centre_id]
    elsewhere = [item for item in matches if item.centre_id != report.centre_id]
    match = own[0] if own else None
    decision = decide(match.score.score, auto, suggest, match.score.basis) if match else "new"
    case = locked[match.case_id] if decision == "attach" else open_case_for(report)
    add_report(report, case)
    # Every change of the report before the next query: one UPDATE of its row.
    report.match_score = match.score.score if match else None
    report.match_basis = match.score.basis if match else None
    bridged = _bridge(case, match, own[1:], auto) if decision == "attach" else []
    if decision == "suggest":
        db.session.add(
            CaseSuggestion(
                case_id=match.case_id,
                report_id=report.id,
                score=match.score.score,
                basis=match.score.basis,
            )
        )
    linked = _link_elsewhere(case, elsewhere, suggest)
    record(
        case,
        CaseAction.REPORT_ADDED,
        report_id=report.id,
        tracking_code=report.tracking_code,
        decision=decision,
        score=report.match_score,
        basis=report.match_basis,
    )
    db.session.flush()  # after every change to the report and its cases: one flush of them
    index.store_keys(report.id, index_keys_of(signals), _photo_hashes(signals))
    return {
        "report_id": report_id,
        "outcome": decision,
        "case_id": case.id,
        "score": report.match_score,
        "merged_cases": bridged,
        "linked_cases": linked,
    }
