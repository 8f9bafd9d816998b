"""The content rules of a verdict or a fraud warning: what is required, how long, which sources;
and its public slug. Pure checks over the submitted fields; no database access."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from slugify import slugify

from tingia.models import PublicationKind, Rating, SubjectArea, Verdict
from tingia.models.enums import member_or_none
from tingia.text import fold_words

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
    subject_area: SubjectArea = SubjectArea.OTHER
    source_titles: dict[str, str] = field(default_factory=dict)

    @property
    def search_text(self) -> str:
        """The words public search matches, folded (accents and case ignored)."""
        return fold_words(
            " ".join((self.title, self.claim, self.summary, self.explanation, self.advice))
        )


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def split_source(line: str) -> tuple[str, str]:
    """A source line "Title | URL" (or just "URL") as (url, title); the title may be empty."""
    title, bar, url = line.rpartition("|")
    if not bar:
        return line.strip(), ""
    return url.strip(), title.strip()


def source_lines(sources: list[str], titles: Mapping[str, str]) -> str:
    """The sources as the editor shows them: "Title | URL" lines (just the URL without title)."""
    return "\n".join(f"{titles[url]} | {url}" if titles.get(url) else url for url in sources)


def _check_sources(raw: Any, required: bool) -> tuple[list[str], dict[str, str], str | None]:
    """Source URLs and their titles from a list (API) or one-per-line text (form), each item a
    URL or "Title | URL"; an error message or None."""
    if isinstance(raw, str):
        raw = [line.strip() for line in raw.splitlines() if line.strip()]
    if raw is None:
        raw = []
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        return [], {}, str(_l("Give the sources as a list of web addresses."))
    items = [split_source(item) for item in raw if item.strip()]
    if required and not items:
        return (
            [],
            {},
            str(_l("Give at least one source: the web address of what the verdict rests on.")),
        )
    if len(items) > MAX_SOURCES:
        return [], {}, str(_l("Give at most %(n)d sources.", n=MAX_SOURCES))
    sources: list[str] = []
    titles: dict[str, str] = {}
    for url, title in items:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2048:
            message = _l(
                "This is not a web address (it must start with http:// or https://): %(url)s",
                url=url,
            )
            return [], {}, str(message)
        if len(title) > MAX_TITLE:
            return [], {}, str(_l("A source title has at most %(n)d characters.", n=MAX_TITLE))
        if url not in sources:
            sources.append(url)
        if title:
            titles[url] = title
    return sources, titles, None


def _check_subject_area(data: Mapping[str, Any]) -> tuple[SubjectArea, str | None]:
    """The subject area: `other` when the field is not sent at all (API clients written before
    it existed), an error when it is sent empty or with an unknown value."""
    if "subject_area" not in data or data["subject_area"] is None:
        return SubjectArea.OTHER, None
    area = member_or_none(SubjectArea, data["subject_area"])
    if area is None:
        return SubjectArea.OTHER, str(_l("Choose the subject area."))
    return area, None


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
        if not claim:
            errors["claim"] = str(
                _l("Write the claim as it circulated, in one or two sentences (not the title).")
            )
    else:
        rating, claim = None, ""
        if not explanation:
            errors["explanation"] = str(_l("Explain how the scam works."))
        if not advice:
            errors["advice"] = str(_l("Say how people can protect themselves."))
    sources, source_titles, source_error = _check_sources(
        data.get("sources"), required=kind == PublicationKind.VERDICT
    )
    if source_error:
        errors["sources"] = source_error
    subject_area, area_error = _check_subject_area(data)
    if area_error:
        errors["subject_area"] = area_error
    if errors:
        return None, errors
    return (
        PublicationInput(
            title=title,
            summary=summary,
            explanation=explanation,
            sources=sources,
            rating=Rating(rating) if rating else None,
            claim=claim,
            advice=advice,
            subject_area=subject_area,
            source_titles=source_titles,
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
