"""The content rules of a verdict or a fraud warning: what is required, how long, which sources;
and its public slug. Pure checks over the submitted fields; no database access."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from slugify import slugify

from tingia.models import PublicationKind, Rating, Verdict
from tingia.models.enums import member_or_none

MAX_SOURCES = 20
MAX_TITLE = 300
MAX_TEXT = 20_000
SLUG_WORDS_LENGTH = 80


@dataclass(frozen=True)
class PublicationInput:
    """The checked content of a verdict or a fraud warning."""

    title: str
    summary: str
    explanation: str
    sources: list[str] = field(default_factory=list)
    rating: Rating | None = None
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
        return [], str(_l("Give the sources as a list of web addresses."))
    sources = [item.strip() for item in raw if item.strip()]
    if required and not sources:
        return [], str(
            _l("Give at least one source: the web address of what the verdict rests on.")
        )
    if len(sources) > MAX_SOURCES:
        return [], str(_l("Give at most %(n)d sources.", n=MAX_SOURCES))
    for source in sources:
        parts = urlsplit(source)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(source) > 2048:
            return [], str(
                _l(
                    "This is not a web address (it must start with http:// or https://): %(url)s",
                    url=source,
                )
            )
    return sources, None


def _too_long(n: int) -> str:
    return str(_l("This text is too long: at most %(n)d characters.", n=n))


def clean_publication_input(
    kind: str, data: Mapping[str, Any]
) -> tuple[PublicationInput | None, dict[str, str]]:
    """Check a verdict's (or warning's) fields; returns the input or the errors by field name.

    The messages are sentences for the people who fill in the form (the API sends them too)."""
    errors: dict[str, str] = {}
    title, summary = _text(data, "title"), _text(data, "summary")
    explanation, advice, claim = (
        _text(data, "explanation"),
        _text(data, "advice"),
        _text(data, "claim"),
    )
    rating = data.get("rating") or None
    if not title:
        errors["title"] = str(_l("Give a title: what readers see first."))
    elif len(title) > MAX_TITLE:
        errors["title"] = str(_l("The title is too long: at most %(n)d characters.", n=MAX_TITLE))
    for name, value in (("summary", summary), ("explanation", explanation), ("advice", advice)):
        if len(value) > MAX_TEXT:
            errors[name] = _too_long(MAX_TEXT)
    if kind == PublicationKind.VERDICT:
        if member_or_none(Rating, rating) is None:
            errors["rating"] = str(_l("Choose one of the five ratings."))
        if not summary:
            errors["summary"] = str(_l("Give a summary: the verdict in one or two sentences."))
        if not explanation:
            errors["explanation"] = str(_l("Explain how the claim was checked and what was found."))
    else:
        rating, claim = None, ""
        if not explanation:
            errors["explanation"] = str(_l("Explain how the scam works."))
        if not advice:
            errors["advice"] = str(_l("Say how people can protect themselves."))
    sources, source_error = _check_sources(
        data.get("sources"), required=kind == PublicationKind.VERDICT
    )
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
            rating=Rating(rating) if rating else None,
            claim=claim or title,  # the claim as checked defaults to the headline
            advice=advice,
        ),
        {},
    )


def slug_for(verdict: Verdict) -> str:
    """The public slug a verdict gets: the title's words plus the id (always unique)."""
    words = slugify(verdict.title, max_length=SLUG_WORDS_LENGTH, word_boundary=True)
    return f"{words}-{verdict.id}" if words else str(verdict.id)


def assign_slug(verdict: Verdict) -> None:
    """Give a verdict its public slug once (at first publication: links stay valid)."""
    if verdict.slug is None:
        verdict.slug = slug_for(verdict)
