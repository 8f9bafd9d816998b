"""The instant answer: a new report that matches a story already answered in public (a published
verdict or fraud warning of any centre) is told so at once, before the worker groups it.

Read-only and quick: the shared match index and the pure scorer, no OCR and no perceptual
hashing in the request (images count by their exact bytes), and no grouping decision.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tingia.extensions import db
from tingia.matching.scoring import build_signals
from tingia.matching.service import case_matches, stored_fingerprint, thresholds
from tingia.models import CaseStatus, PublicationStatus, Report, Verdict
from tingia.publishing.public import public_url

MAX_ANSWERS = 3


def known_answers(report: Report) -> list[dict[str, Any]]:
    """Published verdicts and warnings this report matches at the auto-grouping threshold, best
    first: {kind, rating, title, url} each (rating None for a warning)."""
    fingerprints = [stored_fingerprint(attachment) for attachment in report.attachments]
    signals = build_signals(report.content, report.url, fingerprints)
    if not (signals.text or signals.url or signals.images):
        return []
    auto, _suggest = thresholds()
    matches = [
        match
        for match in case_matches(signals, report.id, statuses=(CaseStatus.PUBLISHED,))
        if match.score.score >= auto
    ][:MAX_ANSWERS]
    if not matches:
        return []
    verdicts = {
        verdict.case_id: verdict
        for verdict in db.session.scalars(
            select(Verdict).where(
                Verdict.case_id.in_([match.case_id for match in matches]),
                Verdict.status == PublicationStatus.PUBLISHED,
            )
        )
    }
    return [
        {
            "kind": verdict.kind,
            "rating": verdict.rating,
            "title": verdict.title,
            "url": public_url(verdict),
        }
        for match in matches
        if (verdict := verdicts.get(match.case_id)) is not None
    ]
