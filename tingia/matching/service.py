"""Processing a report: fingerprint it, find candidates, and attach it to a case or open one.

The database edge of matching; the decisions themselves are pure functions in scoring.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from tingia import storage
from tingia.database import utcnow
from tingia.extensions import db
from tingia.matching import index
from tingia.matching.images import ImageFingerprint, InvalidImage, fingerprint_image
from tingia.matching.scoring import (
    DEFAULT_AUTO_THRESHOLD,
    DEFAULT_SUGGEST_THRESHOLD,
    MatchScore,
    ReportSignals,
    build_signals,
    decide,
    score_reports,
)
from tingia.models import Attachment, Case, CaseSuggestion, GroupingLock, Report
from tingia.triage.membership import add_report, open_case_for, record

log = logging.getLogger(__name__)

GROUPING_LOCK_ID = 1


@dataclass(frozen=True)
class CaseMatch:
    """The best-scoring case for a report."""

    case: Case
    score: MatchScore


def thresholds() -> tuple[float, float]:
    """(auto, suggest) thresholds from config, defaulting to the measured ones."""
    config = current_app.config
    auto = config.get("MATCH_AUTO_THRESHOLD") or DEFAULT_AUTO_THRESHOLD
    suggest = config.get("MATCH_SUGGEST_THRESHOLD") or DEFAULT_SUGGEST_THRESHOLD
    return float(auto), float(suggest)


def fingerprint_attachments(report: Report) -> None:
    """Compute the fingerprints of images that have none yet (OCR for text-heavy ones)."""
    ocr = current_app.config["MATCH_OCR_ENABLED"]
    for attachment in report.attachments:
        if attachment.fingerprinted_at is not None:
            continue
        try:
            fingerprint = fingerprint_image(storage.read_image(attachment.storage_key), ocr=ocr)
        except (InvalidImage, OSError) as error:
            # Intake checked the image; a file that can't be read now is logged, not retried
            # forever: the report is still grouped on its text and link.
            log.warning("attachment %s not fingerprinted: %s", attachment.id, error)
            attachment.text_heavy = True  # never matched on appearance
            attachment.ocr_text = ""
        else:
            attachment.phash = fingerprint.phash
            attachment.dhash = fingerprint.dhash
            attachment.pdq = fingerprint.pdq
            attachment.text_heavy = fingerprint.text_heavy
            attachment.ocr_text = fingerprint.ocr_text
        attachment.fingerprinted_at = utcnow()


def stored_fingerprint(attachment: Attachment) -> ImageFingerprint:
    """An attachment's fingerprint as stored in its columns."""
    return ImageFingerprint(
        sha256=attachment.sha256,
        width=attachment.width,
        height=attachment.height,
        phash=attachment.phash or 0,
        dhash=attachment.dhash or 0,
        pdq=attachment.pdq,
        # An image whose fingerprint failed counts as a screenshot: never matched on looks.
        text_heavy=attachment.text_heavy is not False or attachment.phash is None,
        ocr_text=attachment.ocr_text or "",
    )


def signals_for(report: Report) -> ReportSignals:
    """What matching compares, built from a report's stored columns."""
    fingerprints = [
        stored_fingerprint(item) for item in report.attachments if item.fingerprinted_at is not None
    ]
    return build_signals(report.content, report.url, fingerprints)


def _acquire_grouping_lock() -> None:
    """Serialise grouping decisions across workers until this transaction ends."""
    touched = db.session.execute(
        update(GroupingLock).where(GroupingLock.id == GROUPING_LOCK_ID).values(touched_at=utcnow())
    )
    if touched.rowcount == 0:
        db.session.add(GroupingLock(id=GROUPING_LOCK_ID))
        db.session.flush()


def best_case_match(report: Report, signals: ReportSignals) -> CaseMatch | None:
    """The open (not closed) case whose reports best match, scored in full on candidates only."""
    candidate_ids = index.candidates_by_keys(index_keys_of(report, signals), report.id)
    photo_hashes = [
        image.phash for image in signals.images if image.phash is not None and not image.text_heavy
    ]
    candidate_ids += index.candidates_by_photo(photo_hashes, report.id)
    if not candidate_ids:
        return None
    candidates = db.session.scalars(
        select(Report)
        .join(Case, Report.case_id == Case.id)
        .where(Report.id.in_(set(candidate_ids)), Case.status != "closed")
        .options(selectinload(Report.attachments), selectinload(Report.case))
    ).all()
    best: CaseMatch | None = None
    for candidate in candidates:
        score = score_reports(signals, signals_for(candidate))
        if best is None or score.score > best.score.score:
            best = CaseMatch(case=candidate.case, score=score)
    return best


def index_keys_of(report: Report, signals: ReportSignals) -> set[int]:
    """The report's keys in the shared index."""
    texts = [signals.text, signals.ocr_text]
    return index.keys_for(texts, signals.url, [image.sha256 for image in signals.images])


def process_report(report_id: int) -> dict[str, Any]:
    """Fingerprint and group one report; running it again for the same report changes nothing."""
    report = db.session.get(Report, report_id)
    if report is None:
        return {"report_id": report_id, "outcome": "missing"}
    if report.processed_at is not None:
        return {"report_id": report_id, "outcome": "already_processed", "case_id": report.case_id}

    # The slow part (OCR, hashing) happens before the lock, so workers only queue for the decision.
    fingerprint_attachments(report)
    signals = signals_for(report)
    report.normalised_text = signals.text

    _acquire_grouping_lock()
    db.session.refresh(report)
    if report.processed_at is not None:  # another worker got here first
        return {"report_id": report_id, "outcome": "already_processed", "case_id": report.case_id}

    auto, suggest = thresholds()
    match = best_case_match(report, signals)
    decision = decide(match.score.score, auto, suggest) if match else "new"
    case = match.case if decision == "attach" else open_case_for(report)
    add_report(report, case)
    if decision == "suggest":
        db.session.add(
            CaseSuggestion(
                case_id=match.case.id,
                report_id=report.id,
                score=match.score.score,
                basis=match.score.basis,
            )
        )
    report.match_score = match.score.score if match else None
    report.match_basis = match.score.basis if match else None
    report.processed_at = utcnow()
    index.store_keys(report.id, index_keys_of(report, signals))
    record(
        case,
        "report_added",
        report_id=report.id,
        tracking_code=report.tracking_code,
        decision=decision,
        score=report.match_score,
        basis=report.match_basis,
    )
    db.session.flush()
    return {
        "report_id": report_id,
        "outcome": decision,
        "case_id": case.id,
        "score": report.match_score,
    }
