"""Public pages: home, verdicts, fraud warnings, their publishable images and the Atom feed.

Nothing here reads reporters' contact fields; the templates only get publications and cases.
"""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request
from flask_babel import gettext as _

from tingia import storage
from tingia.centres.service import provinces_by_name
from tingia.extensions import db
from tingia.i18n import RATING_LABELS
from tingia.models import Attachment, PublicationKind, Verdict
from tingia.pagination import paginate_page
from tingia.publishing.forms import PublicSearchForm
from tingia.publishing.public import (
    claim_review,
    external_url,
    find_published,
    public_url,
    publishable_attachments,
    published,
    search_published,
    source_links,
)

bp = Blueprint("publishing", __name__)
PER_PAGE = 20
HOME_ITEMS = 5
FEED_ITEMS = 50


@bp.route("/")
def home():
    """The home page: a clear way to report, the latest verdicts and warnings."""
    return render_template(
        "publishing/home.html",
        verdicts=db.session.scalars(published(PublicationKind.VERDICT).limit(HOME_ITEMS)).all(),
        warnings=db.session.scalars(published(PublicationKind.WARNING).limit(HOME_ITEMS)).all(),
    )


@bp.route("/about")
def about():
    """Who runs the centre, how reports are handled, the hotline."""
    return render_template(
        "publishing/about.html", clock_hours=current_app.config["CASE_CLOCK_HOURS"]
    )


@bp.route("/privacy")
def privacy():
    """What is kept about reporters, for how long, and who sees it."""
    return render_template(
        "publishing/privacy.html",
        # Set by the retention purge (tingia's data-protection settings), when configured.
        retention_days=current_app.config.get("CONTACT_RETENTION_DAYS"),
    )


def _listing(kind: PublicationKind, template: str):
    """A searchable, filterable, paginated list; a wrong filter is shown and ignored."""
    form = PublicSearchForm(request.args, provinces=provinces_by_name())
    form.validate()
    filters = form.filters()
    page = paginate_page(search_published(kind, filters), PER_PAGE)
    return render_template(template, page=page, form=form, filtered=filters.active)


@bp.route("/verdicts")
def verdicts():
    """Published verdicts, newest first; search and filters."""
    return _listing(PublicationKind.VERDICT, "publishing/verdicts.html")


@bp.route("/warnings")
def warnings():
    """Published fraud warnings, newest first; search and filters."""
    return _listing(PublicationKind.WARNING, "publishing/warnings.html")


def _publication_page(kind: PublicationKind, id_or_slug: str, endpoint: str, template: str):
    found = find_published(kind, id_or_slug)
    if found is None:
        abort(404)
    if id_or_slug != found.slug:  # one address per page: ids redirect to the slug
        return redirect(external_url(endpoint, id_or_slug=found.slug), 301)
    images = publishable_attachments(found)
    og_image = (
        external_url("publishing.image", verdict_id=found.id, attachment_id=images[0].id)
        if images
        else None
    )
    return render_template(
        template,
        item=found,
        images=images,
        og_image=og_image,
        claim_review=claim_review(found) if kind == PublicationKind.VERDICT else None,
        canonical=public_url(found),
        sources=source_links(found),
    )


@bp.route("/verdicts/<id_or_slug>")
def verdict(id_or_slug: str):
    """A published verdict, with its ClaimReview."""
    return _publication_page(
        PublicationKind.VERDICT, id_or_slug, "publishing.verdict", "publishing/verdict.html"
    )


@bp.route("/warnings/<id_or_slug>")
def warning(id_or_slug: str):
    """A published fraud warning."""
    return _publication_page(
        PublicationKind.WARNING, id_or_slug, "publishing.warning", "publishing/warning.html"
    )


@bp.route("/verdicts/<int:verdict_id>/images/<int:attachment_id>")
def image(verdict_id: int, attachment_id: int):
    """An image staff marked publishable, of a case whose verdict or warning is published."""
    publication = db.session.get(Verdict, verdict_id)
    attachment = db.session.get(Attachment, attachment_id)
    if (
        publication is None
        or attachment is None
        or not publication.is_published
        or not attachment.publishable
        or attachment.report.case_id != publication.case_id
    ):
        abort(404)
    return storage.send_image(attachment.storage_key, attachment.content_type, public=True)


@bp.route("/verdicts.atom")
def feed():
    """Atom feed of the latest verdicts and fraud warnings."""
    items = db.session.scalars(published().limit(FEED_ITEMS)).all()
    return Response(_atom(items), mimetype="application/atom+xml")


def _atom(items: list[Verdict]) -> bytes:
    generator = FeedGenerator()
    home = external_url("publishing.home")
    generator.id(external_url("publishing.feed"))
    generator.title(_("Tingia – verdicts and fraud warnings"))
    generator.subtitle(_("Fact-checks and scam warnings of the verification centres."))
    generator.author({"name": "Tingia"})
    generator.link(href=home, rel="alternate")
    generator.link(href=external_url("publishing.feed"), rel="self")
    generator.language("vi")
    if items:
        generator.updated(max(item.updated_at for item in items))
    for item in reversed(items):  # feedgen prepends: add oldest first
        url = public_url(item)
        entry = generator.add_entry()
        entry.id(url)
        entry.link(href=url)
        label = RATING_LABELS[item.rating] if item.rating else _("Fraud warning")
        entry.title(f"[{label}] {item.title}")
        entry.summary(item.summary or item.explanation[:400])
        entry.published(item.published_at)
        entry.updated(item.updated_at)
        entry.author({"name": item.case.centre.name})
        entry.category(term=item.rating or "fraud-warning", label=str(label))
    return generator.atom_str(pretty=True)
