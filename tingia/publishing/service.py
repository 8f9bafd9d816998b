"""The rules of publication: who drafts, reviews, publishes and withdraws a case's verdict (a
verifiable case) or fraud warning (a fraud case), and which images may appear with it.

Four eyes: whoever wrote the draft last may not publish it, unless they are the centre's only
lead (the history records it). Callers fetch the case through centres.scoping; these functions
check the role and the case's state, record the history, and flush, never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tingia.cases.history import record
from tingia.cases.rules import WorkflowError, require_status, required_text
from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import (
    LEAD_ROLES,
    Attachment,
    Case,
    CaseAction,
    CaseStatus,
    Category,
    Centre,
    Notification,
    NotificationKind,
    PublicationKind,
    PublicationStatus,
    Report,
    User,
    Verdict,
)
from tingia.publishing.content import assign_slug, clean_publication_input
from tingia.publishing.public import publishable_attachments

PUBLICATION_KIND = {
    Category.VERIFIABLE: PublicationKind.VERDICT,
    Category.FRAUD: PublicationKind.WARNING,
}


def may_publish(user: User, case: Case) -> bool:
    """Leads and admins of the case's centre, or national ones, publish and unpublish."""
    return user.role in LEAD_ROLES and (user.is_national or user.centre_id == case.centre_id)


def reviewers_of(centre: Centre) -> list[User]:
    """The active leads and admins of a centre: who can review a verdict there."""
    return list(
        db.session.scalars(
            select(User).where(
                User.centre_id == centre.id, User.active.is_(True), User.role.in_(LEAD_ROLES)
            )
        )
    )


def publication_kind(case: Case) -> PublicationKind:
    """`verdict` for a verifiable case, `warning` for a fraud case; 409 for the others."""
    kind = PUBLICATION_KIND.get(case.category)
    if kind is None:
        raise WorkflowError(
            _l("Only verifiable cases get a verdict and fraud cases a warning; triage it first."),
            409,
        )
    return kind


def _publishable_states(kind: PublicationKind) -> tuple[CaseStatus, ...]:
    # A fraud case that was closed with an action taken can still warn the public.
    if kind == PublicationKind.WARNING:
        return (CaseStatus.TRIAGED, CaseStatus.CLOSED)
    return (CaseStatus.TRIAGED,)


def save_publication(
    case: Case, data: Mapping[str, Any], actor: User, kind: PublicationKind | None = None
) -> Verdict:
    """Create or edit the case's verdict (or warning) draft; the last editor is its author.

    `kind`, when given, is what the caller means to write: a mismatch with the case is a 409."""
    expected = publication_kind(case)
    if kind is not None and kind != expected:
        raise WorkflowError(
            _l(
                "A verifiable case gets a verdict and a fraud case a warning; this one is %(c)s.",
                c=case.category,
            ),
            409,
        )
    kind = expected
    if case.status == CaseStatus.PUBLISHED:
        raise WorkflowError(_l("The verdict is published; unpublish it to edit it."), 409)
    require_status(case, _publishable_states(kind), _l("This case cannot get a verdict now."))
    if case.merged_into_id is not None:
        raise WorkflowError(_l("This case was merged into another one; work on that one."), 409)
    clean, errors = clean_publication_input(kind, data)
    if clean is None:
        raise WorkflowError(_l("Some fields are invalid."), 422, errors)
    verdict = case.verdict
    created = verdict is None
    if verdict is None:
        verdict = Verdict(case=case, title=clean.title, author=actor)
        db.session.add(verdict)
    verdict.kind = kind
    verdict.rating, verdict.title, verdict.claim = clean.rating, clean.title, clean.claim
    verdict.summary, verdict.explanation = clean.summary, clean.explanation
    verdict.advice, verdict.sources = clean.advice, list(clean.sources)
    verdict.source_titles = dict(clean.source_titles)
    verdict.subject_area, verdict.search_text = clean.subject_area, clean.search_text
    # Four eyes: whoever wrote the text last may not be the one who publishes it.
    verdict.author = actor
    db.session.flush()
    record(
        case,
        CaseAction.VERDICT_DRAFTED if created else CaseAction.VERDICT_EDITED,
        actor,
        verdict_id=verdict.id,
        kind=kind,
        rating=verdict.rating,
        title=verdict.title,
    )
    return verdict


def _checked_publish(case: Case, actor: User) -> tuple[Verdict, bool]:
    """The draft to publish and whether its author publishes it, once allowed (else raises)."""
    if not may_publish(actor, case):
        raise WorkflowError(_l("Only a lead or an admin can publish."), 403)
    verdict = case.verdict
    if case.status == CaseStatus.PUBLISHED:
        raise WorkflowError(_l("The case is already published."), 409)
    if verdict is None:
        raise WorkflowError(_l("There is no draft to publish yet."), 409)
    kind = publication_kind(case)
    if verdict.kind != kind:
        raise WorkflowError(_l("The draft does not match the case's category; edit it."), 409)
    require_status(case, _publishable_states(kind), _l("This case cannot be published now."))
    self_review = verdict.author_id == actor.id
    if self_review and [user.id for user in reviewers_of(case.centre)] != [actor.id]:
        raise WorkflowError(
            _l("You wrote this draft: another lead of the centre has to review and publish it."),
            403,
        )
    return verdict, self_review


@dataclass(frozen=True)
class PublishPreview:
    """What publishing a case's draft would change."""

    verdict: Verdict
    self_review: bool  # the centre's only lead publishes their own draft
    republish: bool  # it was published before and withdrawn
    reporters: int  # reports whose tracking page will show it
    images: list[Attachment]  # the images the public page will show


def publish_preview(case: Case, actor: User) -> PublishPreview:
    """What `publish` would do, changing nothing (WorkflowError if it would refuse)."""
    verdict, self_review = _checked_publish(case, actor)
    return PublishPreview(
        verdict=verdict,
        self_review=self_review,
        republish=verdict.published_at is not None,
        reporters=case.report_count,
        images=publishable_attachments(verdict),
    )


def publish(case: Case, actor: User) -> Verdict:
    """Publish the case's draft; the author may not publish it unless the centre's only lead."""
    verdict, self_review = _checked_publish(case, actor)
    kind = verdict.kind
    now = utcnow()
    verdict.status = PublicationStatus.PUBLISHED
    verdict.published_by = actor
    verdict.published_at = verdict.published_at or now  # corrections keep the first date
    assign_slug(verdict)
    case.status = CaseStatus.PUBLISHED
    detail: dict[str, Any] = {"verdict_id": verdict.id, "kind": kind, "rating": verdict.rating}
    if self_review:
        detail["self_review"] = True
        detail["reason"] = "author is the only lead of the centre"
    record(case, CaseAction.PUBLISHED, actor, **detail)
    queue_notifications(verdict, withdrawn=False)
    return verdict


def unpublish(case: Case, reason: str | None, actor: User) -> Verdict:
    """Withdraw the published verdict (or warning); the case goes back to triaged."""
    if not may_publish(actor, case):
        raise WorkflowError(_l("Only a lead or an admin can unpublish."), 403)
    reason = required_text(reason, "reason", _l("Say why it is withdrawn."))
    require_status(case, (CaseStatus.PUBLISHED,), _l("The case is not published."))
    verdict = case.verdict
    verdict.status = PublicationStatus.WITHDRAWN
    verdict.unpublished_at = utcnow()
    verdict.unpublish_reason = reason
    case.status = CaseStatus.TRIAGED
    record(case, CaseAction.UNPUBLISHED, actor, verdict_id=verdict.id, reason=reason)
    queue_notifications(verdict, withdrawn=True)
    return verdict


def queue_notifications(verdict: Verdict, withdrawn: bool) -> int:
    """Owe an email to each reporter who asked to hear back: on publication to the case's
    reporters (`corrected` for those told before), on withdrawal to those told before.

    Rows of the outbox, in the publication's transaction: committing them enqueues the
    sending (tingia/jobs/dispatch.py). Returns how many were added."""
    told = set(
        db.session.scalars(
            select(Notification.report_id).where(
                Notification.verdict_id == verdict.id,
                Notification.kind.in_((NotificationKind.PUBLISHED, NotificationKind.CORRECTED)),
            )
        )
    )
    if withdrawn:
        owed = {report_id: NotificationKind.WITHDRAWN for report_id in told}
    else:
        reporters = db.session.scalars(
            select(Report.id).where(
                Report.case_id == verdict.case_id,
                Report.contact_email.is_not(None),
                Report.contact_consent.is_(True),
            )
        )
        owed = {
            report_id: NotificationKind.CORRECTED
            if report_id in told
            else NotificationKind.PUBLISHED
            for report_id in reporters
        }
    for report_id, kind in sorted(owed.items()):
        db.session.add(Notification(report_id=report_id, verdict_id=verdict.id, kind=kind))
    db.session.flush()
    return len(owed)


def set_publishable(attachment: Attachment, publishable: bool, actor: User) -> None:
    """Allow (or stop) an image appearing on the public page of the case's verdict."""
    case = attachment.report.case
    if case is None:
        raise WorkflowError(_l("The report is not in a case yet."), 409)
    if attachment.publishable == publishable:
        return
    attachment.publishable = publishable
    action = CaseAction.IMAGE_MADE_PUBLIC if publishable else CaseAction.IMAGE_MADE_PRIVATE
    record(case, action, actor, attachment_id=attachment.id, report_id=attachment.report_id)
