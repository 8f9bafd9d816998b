"""What the public sees: the content rules of verdicts and warnings, their public URLs, slugs,
schema.org ClaimReview, the reporter's outcome. Nothing here ever reads reporters' contact data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from slugify import slugify
from sqlalchemy import Select, select

from tingia.extensions import db
from tingia.models import RATINGS, Attachment, Case, Report, Verdict

# schema.org Rating: 1 (false) .. 5 (true).
RATING_VALUES = {"fake": 1, "untrue": 1, "misleading": 2, "inconclusive": 3, "authentic": 5}
# The ratings as the centre publishes them (ClaimReview's alternateName is in the page's language).
RATING_NAMES_VI = {
    "fake": "Tin giả",
    "untrue": "Tin sai sự thật",
    "misleading": "Gây hiểu nhầm",
    "authentic": "Tin xác thực",
    "inconclusive": "Chưa đủ cơ sở kết luận",
}
MAX_SOURCES = 20
MAX_TITLE = 300
MAX_TEXT = 20_000
SLUG_WORDS_LENGTH = 80

CLOSED_MESSAGES = {
    "harmful": _l(
        "The centre reviewed this content and passed it on for handling as harmful content. "
        "It is not fact-checked. Thank you for reporting it."
    ),
    "fraud": _l(
        "The centre handled this as online fraud and passed it on to the competent authorities. "
        "Thank you for reporting it."
    ),
    "out_of_scope": _l(
        "The centre reviewed your report and closed it: it is not a claim the centre can check, "
        "or it is outside the centre's competence. Thank you for reporting it."
    ),
}
DEFAULT_CLOSED_MESSAGE = _l("The centre reviewed your report and closed it. Thank you.")


@dataclass(frozen=True)
class PublicationInput:
    """The checked content of a verdict or a fraud warning."""

    title: str
    summary: str
    explanation: str
    sources: list[str] = field(default_factory=list)
    rating: str | None = None
    claim: str = ""
    advice: str = ""


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _check_sources(raw: Any, required: bool) -> tuple[list[str], str | None]:
    """Source URLs from a list (API) or one-per-line text (form); an error message or None."""
    if isinstance(raw, str):
        raw = [line.strip() for line in raw.splitlines() if line.strip()]
    if raw is None:
        raw = []
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        return [], str(_l("must be a list of web addresses"))
    sources = [item.strip() for item in raw if item.strip()]
    if required and not sources:
        return [], str(_l("give at least one source"))
    if len(sources) > MAX_SOURCES:
        return [], str(_l("at most %(n)d sources", n=MAX_SOURCES))
    for source in sources:
        parts = urlsplit(source)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(source) > 2048:
            return [], str(_l("not a web address (http:// or https://): %(url)s", url=source))
    return sources, None


def clean_publication_input(
    kind: str, data: Mapping[str, Any]
) -> tuple[PublicationInput | None, dict[str, str]]:
    """Check a verdict's (or warning's) fields; returns the input or the errors by field name."""
    errors: dict[str, str] = {}
    required = _l("this field is required")
    title, summary = _text(data, "title"), _text(data, "summary")
    explanation, advice, claim = (
        _text(data, "explanation"),
        _text(data, "advice"),
        _text(data, "claim"),
    )
    rating = data.get("rating") or None
    if not title:
        errors["title"] = str(required)
    elif len(title) > MAX_TITLE:
        errors["title"] = str(_l("at most %(n)d characters", n=MAX_TITLE))
    for name, value in (("summary", summary), ("explanation", explanation), ("advice", advice)):
        if len(value) > MAX_TEXT:
            errors[name] = str(_l("at most %(n)d characters", n=MAX_TEXT))
    if not explanation:
        errors["explanation"] = str(required)
    if kind == "verdict":
        if rating not in RATINGS:
            errors["rating"] = str(_l("must be one of %(values)s", values=", ".join(RATINGS)))
        if not summary:
            errors["summary"] = str(required)
    else:
        rating, claim = None, ""
        if not advice:
            errors["advice"] = str(required)
    sources, source_error = _check_sources(data.get("sources"), required=kind == "verdict")
    if source_error:
        errors["sources"] = source_error
    if errors:
        return None, errors
    return (
        PublicationInput(
            title=title,
            summary=summary,
            explanation=explanation,
            sources=sources,
            rating=rating,
            claim=claim or title,  # the claim as checked defaults to the headline
            advice=advice,
        ),
        {},
    )


def assign_slug(verdict: Verdict) -> None:
    """Give a verdict its public slug once: the title's words plus the id (always unique)."""
    if verdict.slug is None:
        words = slugify(verdict.title, max_length=SLUG_WORDS_LENGTH, word_boundary=True)
        verdict.slug = f"{words}-{verdict.id}" if words else str(verdict.id)


def published(kind: str | None = None) -> Select[tuple[Verdict]]:
    """Published verdicts or warnings (None: both), newest first."""
    query = select(Verdict).where(Verdict.status == "published")
    if kind is not None:
        query = query.where(Verdict.kind == kind)
    return query.order_by(Verdict.published_at.desc(), Verdict.id.desc())


def find_published(kind: str, id_or_slug: str) -> Verdict | None:
    """A published verdict (or warning) by id or slug."""
    query = published(kind)
    if id_or_slug.isdigit():
        return db.session.scalar(query.where(Verdict.id == int(id_or_slug)))
    return db.session.scalar(query.where(Verdict.slug == id_or_slug))


def public_endpoint(verdict: Verdict) -> str:
    """The endpoint of a publication's page."""
    return "publishing.verdict" if verdict.kind == "verdict" else "publishing.warning"


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL: PUBLIC_BASE_URL when configured, else this request's host."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def public_url(verdict: Verdict) -> str:
    """The absolute URL of a publication's page."""
    return external_url(public_endpoint(verdict), id_or_slug=verdict.slug or verdict.id)


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
    """Public links where the claim appeared: the reports' canonical URLs, nothing else."""
    links = db.session.scalars(
        select(Report.canonical_url)
        .where(Report.case_id == case.id, Report.canonical_url.is_not(None))
        .order_by(Report.id)
    )
    seen: list[str] = []
    for link in links:
        if link not in seen and urlsplit(link).scheme in ("http", "https"):
            seen.append(link)
    return seen


def claim_review(verdict: Verdict) -> dict[str, Any]:
    """The schema.org ClaimReview of a published verdict."""
    case = verdict.case
    item_reviewed: dict[str, Any] = {
        "@type": "Claim",
        "datePublished": local_date(case.first_seen),
    }
    links = appearances(case)
    if links:
        item_reviewed["appearance"] = [{"@type": "CreativeWork", "url": link} for link in links]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": public_url(verdict),
        "headline": verdict.title,
        "claimReviewed": verdict.claim or verdict.title,
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
    if case.status == "published" and verdict is not None and verdict.is_published:
        return {
            "kind": verdict.kind,
            "rating": verdict.rating,
            "title": verdict.title,
            "url": public_url(verdict),
            "message": None,
        }
    if case.status == "closed":
        message = CLOSED_MESSAGES.get(case.category or "", DEFAULT_CLOSED_MESSAGE)
        return {"kind": "closed", "rating": None, "title": None, "url": None, "message": message}
    return None
