"""What the public sees: published verdicts and warnings, their public URLs, schema.org
ClaimReview, the reporter's outcome. Nothing here ever reads reporters' contact data."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from tingia.database import parse_id
from tingia.extensions import db
from tingia.models import (
    Attachment,
    Case,
    CaseStatus,
    Category,
    Centre,
    PublicationKind,
    PublicationStatus,
    Rating,
    Report,
    SubjectArea,
    Verdict,
)
from tingia.publishing.content import slug_for
from tingia.text import fold_words

# schema.org Rating: 1 (false) .. 5 (true).
RATING_VALUES = {
    Rating.FAKE: 1,
    Rating.UNTRUE: 1,
    Rating.MISLEADING: 2,
    Rating.INCONCLUSIVE: 3,
    Rating.AUTHENTIC: 5,
}
# The ratings as the centre publishes them (ClaimReview's alternateName is in the page's language).
RATING_NAMES_VI = {
    Rating.FAKE: "Tin giả",
    Rating.UNTRUE: "Tin sai sự thật",
    Rating.MISLEADING: "Gây hiểu nhầm",
    Rating.AUTHENTIC: "Tin xác thực",
    Rating.INCONCLUSIVE: "Chưa đủ cơ sở kết luận",
}

CLOSED_MESSAGES = {
    Category.HARMFUL: _l(
        "The centre reviewed this content and passed it on for handling as harmful content. "
        "It is not fact-checked. Thank you for reporting it."
    ),
    Category.FRAUD: _l(
        "The centre handled this as online fraud and passed it on to the competent authorities. "
        "Thank you for reporting it."
    ),
    Category.OUT_OF_SCOPE: _l(
        "The centre reviewed your report and closed it: it is not a claim the centre can check, "
        "or it is outside the centre's competence. Thank you for reporting it."
    ),
}
# A search of more words than this uses the first ones (each word is one more LIKE).
MAX_SEARCH_WORDS = 8

DEFAULT_CLOSED_MESSAGE = _l("The centre reviewed your report and closed it. Thank you.")


def published(kind: PublicationKind | None = None) -> Select[tuple[Verdict]]:
    """Published verdicts or warnings (None: both), newest first, with their case and centre
    (every list shows the centre: one query for all, not two per item)."""
    query = (
        select(Verdict)
        .where(Verdict.status == PublicationStatus.PUBLISHED)
        .options(selectinload(Verdict.case).selectinload(Case.centre))
    )
    if kind is not None:
        query = query.where(Verdict.kind == kind)
    return query.order_by(Verdict.published_at.desc(), Verdict.id.desc())


def find_published(kind: PublicationKind, id_or_slug: str) -> Verdict | None:
    """A published verdict (or warning) by id or slug."""
    query = published(kind)
    verdict_id = parse_id(id_or_slug)
    if verdict_id is not None:
        return db.session.scalar(query.where(Verdict.id == verdict_id))
    return db.session.scalar(query.where(Verdict.slug == id_or_slug))


def public_endpoint(verdict: Verdict) -> str:
    """The endpoint of a publication's page."""
    if verdict.kind == PublicationKind.VERDICT:
        return "publishing.verdict"
    return "publishing.warning"


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL: PUBLIC_BASE_URL when configured, else this request's host."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def public_url(verdict: Verdict) -> str:
    """The absolute URL of a publication's page."""
    return external_url(public_endpoint(verdict), id_or_slug=verdict.slug or verdict.id)


def future_public_url(verdict: Verdict) -> str:
    """Where a draft will be read once published (its slug is given at first publication)."""
    if verdict.slug:
        return public_url(verdict)
    return external_url(public_endpoint(verdict), id_or_slug=slug_for(verdict))


def publishable_attachments(verdict: Verdict) -> list[Attachment]:
    """Images of the case that staff marked as fit for the public page."""
    return list(
        db.session.scalars(
            select(Attachment)
            .join(Report, Attachment.report_id == Report.id)
            .where(Report.case_id == verdict.case_id, Attachment.publishable.is_(True))
            .order_by(Attachment.id)
        )
    )


def local_date(moment: datetime) -> str:
    """The ISO date of a moment in the centre's time zone (Vietnam)."""
    return (
        moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date().isoformat()
    )


def appearances(case: Case) -> list[str]:
    """Public links where the claim appeared, earliest report first: the reports' canonical
    URLs, nothing else."""
    links = db.session.scalars(
        select(Report.canonical_url)
        .where(Report.case_id == case.id, Report.canonical_url.is_not(None))
        .order_by(Report.created_at, Report.id)
    )
    seen: list[str] = []
    for link in links:
        if link not in seen and urlsplit(link).scheme in ("http", "https"):
            seen.append(link)
    return seen


def source_links(verdict: Verdict) -> list[tuple[str, str, str]]:
    """(url, title, site) of each source: the title the verifier gave ('' when none; pages then
    name the site) and the site's domain."""
    titles = verdict.source_titles or {}
    return [
        (url, titles.get(url, ""), urlsplit(url).netloc.removeprefix("www."))
        for url in verdict.sources
    ]


def claim_review(verdict: Verdict) -> dict[str, Any]:
    """The schema.org ClaimReview of a published verdict: `claimReviewed` is the claim as it
    circulated (never the verdict's title); `itemReviewed` says where and since when."""
    case = verdict.case
    item_reviewed: dict[str, Any] = {
        "@type": "Claim",
        "datePublished": local_date(case.first_seen),
    }
    links = appearances(case)
    if links:
        item_reviewed["firstAppearance"] = {"@type": "CreativeWork", "url": links[0]}
        item_reviewed["appearance"] = [{"@type": "CreativeWork", "url": link} for link in links]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": public_url(verdict),
        "headline": verdict.title,
        "claimReviewed": verdict.claim,
        "datePublished": local_date(verdict.published_at or verdict.updated_at),
        "inLanguage": "vi",
        "author": {
            "@type": "Organization",
            "name": case.centre.name,
            "url": external_url("publishing.home"),
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING_VALUES[verdict.rating],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": RATING_NAMES_VI[verdict.rating],
        },
        "itemReviewed": item_reviewed,
    }


def public_outcome(report: Report) -> dict[str, Any] | None:
    """What the reporter may learn about the outcome: the published answer, or why it closed."""
    case = report.case
    if case is None or report.processed_at is None:
        return None
    verdict = case.verdict
    if case.status == CaseStatus.PUBLISHED and verdict is not None and verdict.is_published:
        return {
            "kind": verdict.kind,
            "rating": verdict.rating,
            "title": verdict.title,
            "url": public_url(verdict),
            "message": None,
        }
    if case.status == CaseStatus.CLOSED:
        message = CLOSED_MESSAGES.get(case.category, DEFAULT_CLOSED_MESSAGE)
        return {"kind": "closed", "rating": None, "title": None, "url": None, "message": message}
    return None


@dataclass(frozen=True)
class PublicFilters:
    """What a reader searches the verdicts or warnings for; every part optional."""

    words: str = ""
    rating: Rating | None = None
    subject_area: SubjectArea | None = None
    province_code: str | None = None
    published_from: date | None = None
    published_to: date | None = None

    @property
    def active(self) -> bool:
        """True when anything narrows the list."""
        return any(value not in (None, "") for value in astuple(self))


def _utc_start_of(day: date) -> datetime:
    """The first moment of a day in the centre's time zone, in UTC."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, zone).astimezone(UTC)


def search_published(kind: PublicationKind, filters: PublicFilters) -> Select[tuple[Verdict]]:
    """Published verdicts (or warnings) matching every filter, newest first.

    Words match the folded title, claim and texts (accents and case ignored), all of them
    required; a province matches the centre that published it and the provinces it was
    reported from; dates are the centre's calendar days, both ends included.
    """
    query = published(kind)
    for word in fold_words(filters.words).split()[:MAX_SEARCH_WORDS]:
        query = query.where(Verdict.search_text.contains(word, autoescape=True))
    if filters.rating is not None:
        query = query.where(Verdict.rating == filters.rating)
    if filters.subject_area is not None:
        query = query.where(Verdict.subject_area == filters.subject_area)
    if filters.province_code:
        reported_there = (
            select(Report.id)
            .where(Report.case_id == Verdict.case_id, Report.province_code == filters.province_code)
            .exists()
        )
        centre_there = (
            select(Centre.id)
            .join(Case, Case.centre_id == Centre.id)
            .where(Case.id == Verdict.case_id, Centre.province_code == filters.province_code)
            .exists()
        )
        query = query.where(or_(reported_there, centre_there))
    if filters.published_from is not None:
        query = query.where(Verdict.published_at >= _utc_start_of(filters.published_from))
    if filters.published_to is not None:
        next_day = filters.published_to + timedelta(days=1)
        query = query.where(Verdict.published_at < _utc_start_of(next_day))
    return query
