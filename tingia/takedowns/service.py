"""The rules of removal requests: which cases may have one, the 24-hour clock, the outcomes.

    requested ──> removed ──> restored ──> removed
        ├──────> refused ──> removed
        └──────> no_response (only past the deadline) ──> removed | refused

A request may be recorded on a case triaged `harmful` or `fraud`, or with a published `fake`,
`untrue` or `misleading` verdict. Callers fetch cases and requests through centres.scoping; these
functions check the rules, record the case's history, and flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from tingia.cases.history import record
from tingia.cases.rules import MAX_NOTE, WorkflowError, invalid
from tingia.centres.scoping import scoped_takedowns
from tingia.database import utcnow
from tingia.extensions import db
from tingia.i18n import CATEGORY_NAMES_VI, TAKEDOWN_STATUS_LABELS
from tingia.matching.urls import canonical_url
from tingia.models import (
    Case,
    CaseAction,
    Category,
    PublicationKind,
    PublicationStatus,
    Report,
    Source,
    SourcePlatform,
    TakedownChannel,
    TakedownRequest,
    TakedownStatus,
    User,
)
from tingia.models.enums import member_or_none
from tingia.publishing.public import RATING_NAMES_VI
from tingia.sources.attribution import platform_of
from tingia.sources.service import VIOLATING_CATEGORIES, VIOLATING_RATINGS, attribute
from tingia.takedowns.letters import Letter, LetterFacts, removal_request

# Which outcome may follow which (a platform may act late, or content may come back).
NEXT_STATUSES = {
    TakedownStatus.REQUESTED: {
        TakedownStatus.REMOVED,
        TakedownStatus.REFUSED,
        TakedownStatus.NO_RESPONSE,
    },
    TakedownStatus.NO_RESPONSE: {TakedownStatus.REMOVED, TakedownStatus.REFUSED},
    TakedownStatus.REFUSED: {TakedownStatus.REMOVED},
    TakedownStatus.REMOVED: {TakedownStatus.RESTORED},
    TakedownStatus.RESTORED: {TakedownStatus.REMOVED},
}
PLATFORM_NAMES = {
    SourcePlatform.FACEBOOK: "Meta Platforms (Facebook)",
    SourcePlatform.TIKTOK: "TikTok",
    SourcePlatform.YOUTUBE: "Google (YouTube)",
    SourcePlatform.ZALO: "VNG (Zalo)",
    SourcePlatform.WEBSITE: "nhà cung cấp dịch vụ lưu trữ trang web",
}


def clock_hours() -> int:
    """Hours a platform has to act on a request (24 under Decree 147/2024)."""
    return current_app.config["TAKEDOWN_CLOCK_HOURS"]


def may_request_takedown(case: Case) -> bool:
    """Harmful or fraud cases, and cases with a published false or misleading verdict."""
    if case.merged_into_id is not None:
        return False
    if case.category in VIOLATING_CATEGORIES:
        return True
    verdict = case.verdict
    return (
        verdict is not None
        and verdict.kind == PublicationKind.VERDICT
        and verdict.status == PublicationStatus.PUBLISHED
        and verdict.rating in VIOLATING_RATINGS
    )


def _note(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if len(text) > MAX_NOTE:
        raise invalid(field, _l("at most %(n)d characters", n=MAX_NOTE))
    return text


def request_takedown(
    case: Case,
    url: str | None,
    channel: str | None,
    actor: User,
    note: str | None = None,
    now: datetime | None = None,
) -> TakedownRequest:
    """Record that removal of one URL of the case was requested from its platform."""
    canonical = canonical_url(url)  # adds https:// to a bare host, refuses other schemes
    if canonical is None:
        raise invalid("url", _l("enter the web address of the content (http:// or https://)"))
    chosen = member_or_none(TakedownChannel, channel)
    if chosen is None:
        raise invalid("channel", _l("must be one of %(values)s", values=", ".join(TakedownChannel)))
    text = _note(note, "note")
    if not may_request_takedown(case):
        raise WorkflowError(
            _l(
                "Removal can be requested for harmful or fraud cases and for cases with a "
                "published fake, untrue or misleading verdict."
            ),
            409,
        )
    already = db.session.scalar(
        select(TakedownRequest.id).where(
            TakedownRequest.case_id == case.id,
            TakedownRequest.url == canonical,
            TakedownRequest.status == TakedownStatus.REQUESTED,
        )
    )
    if already is not None:
        raise WorkflowError(_l("Removal of this link was requested already."), 409)
    moment = now or utcnow()
    source = attribute(canonical)
    takedown = TakedownRequest(
        case=case,
        centre_id=actor.centre_id,
        url=canonical,
        platform=platform_of(canonical),
        source=source,
        channel=chosen,
        note=text,
        requested_by=actor,
        requested_at=moment,
        due_at=moment + timedelta(hours=clock_hours()),
    )
    db.session.add(takedown)
    db.session.flush()
    record(
        case,
        CaseAction.TAKEDOWN_REQUESTED,
        actor,
        takedown_id=takedown.id,
        url=canonical,
        channel=chosen,
    )
    return takedown


def update_takedown(
    takedown: TakedownRequest,
    status: str | None,
    actor: User,
    note: str | None = None,
    now: datetime | None = None,
) -> TakedownRequest:
    """Record the platform's answer: removed, refused, no response by the deadline, restored."""
    chosen = member_or_none(TakedownStatus, status)
    if chosen is None or chosen == TakedownStatus.REQUESTED:
        outcomes = ", ".join(s for s in TakedownStatus if s != TakedownStatus.REQUESTED)
        raise invalid("status", _l("must be one of %(values)s", values=outcomes))
    text = _note(note, "note")
    if chosen not in NEXT_STATUSES[takedown.status]:
        raise WorkflowError(
            _l(
                "A request that is “%(now)s” cannot become “%(next)s”.",
                now=TAKEDOWN_STATUS_LABELS[takedown.status],
                next=TAKEDOWN_STATUS_LABELS[chosen],
            ),
            409,
        )
    moment = now or utcnow()
    if chosen == TakedownStatus.NO_RESPONSE and moment <= takedown.due_at:
        raise WorkflowError(_l("The platform still has time: the 24 hours are not over."), 409)
    if chosen in (TakedownStatus.REMOVED, TakedownStatus.REFUSED, TakedownStatus.NO_RESPONSE):
        takedown.resolved_at = takedown.resolved_at or moment
    if chosen == TakedownStatus.REMOVED:
        takedown.removed_at = takedown.removed_at or moment
    if chosen == TakedownStatus.RESTORED:
        takedown.restored_at = moment
    takedown.status, takedown.updated_by = chosen, actor
    if text:
        takedown.outcome_note = text
    record(
        takedown.case,
        CaseAction.TAKEDOWN_UPDATED,
        actor,
        takedown_id=takedown.id,
        url=takedown.url,
        status=chosen,
    )
    return takedown


def takedown_query(
    user: User, status: TakedownStatus | None = None, overdue: bool = False, now=None
) -> Select[tuple[TakedownRequest]]:
    """The user's removal requests, oldest first (open ones by age); overdue: still waiting past
    the deadline."""
    query = scoped_takedowns(user).options(
        selectinload(TakedownRequest.case), selectinload(TakedownRequest.source)
    )
    if status is not None:
        query = query.where(TakedownRequest.status == status)
    if overdue:
        query = query.where(
            TakedownRequest.status == TakedownStatus.REQUESTED,
            TakedownRequest.due_at < (now or utcnow()),
        )
    return query.order_by(TakedownRequest.requested_at, TakedownRequest.id)


def case_takedowns(case: Case) -> list[TakedownRequest]:
    """A case's removal requests, oldest first."""
    return list(
        db.session.scalars(
            select(TakedownRequest)
            .where(TakedownRequest.case_id == case.id)
            .order_by(TakedownRequest.requested_at, TakedownRequest.id)
        )
    )


@dataclass(frozen=True)
class CasePanel:
    """What the case page shows about removal: requests, links to request, the sources."""

    takedowns: list[TakedownRequest]
    may_request: bool
    suggested_urls: list[str]  # the case's links not requested yet
    sources: list[Source]


def case_panel(case: Case, sources: list[Source]) -> CasePanel:
    """The takedowns panel of the case page."""
    takedowns = case_takedowns(case)
    requested = {item.url for item in takedowns}
    links = db.session.scalars(
        select(Report.canonical_url)
        .where(Report.case_id == case.id, Report.canonical_url.is_not(None))
        .distinct()
    )
    return CasePanel(
        takedowns=takedowns,
        may_request=may_request_takedown(case),
        suggested_urls=sorted(url for url in links if url not in requested),
        sources=sources,
    )


def _reason(case: Case) -> str:
    verdict = case.verdict
    if verdict is not None and verdict.status == PublicationStatus.PUBLISHED:
        if verdict.kind == PublicationKind.VERDICT:
            reason = f"{RATING_NAMES_VI[verdict.rating]} – {verdict.title}"
        else:
            reason = f"{CATEGORY_NAMES_VI[Category.FRAUD]} – {verdict.title}"
        return f"{reason}. {verdict.summary}".strip() if verdict.summary else reason
    label = CATEGORY_NAMES_VI.get(case.category, "")
    return f"{label}: {case.category_reason}" if case.category_reason else label


def _local(moment: datetime) -> str:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return moment.astimezone(zone).strftime("%H:%M ngày %d/%m/%Y")


def letter(takedown: TakedownRequest) -> Letter:
    """The email for a request, covering every waiting request of the case on that platform."""
    waiting = [
        item.url
        for item in case_takedowns(takedown.case)
        if item.platform == takedown.platform
        and (item.status == TakedownStatus.REQUESTED or item.id == takedown.id)
    ]
    return removal_request(
        LetterFacts(
            centre=takedown.centre.name,
            platform=PLATFORM_NAMES[takedown.platform],
            case_id=takedown.case_id,
            urls=tuple(waiting),
            reason=_reason(takedown.case),
            requested_at=_local(takedown.requested_at),
            due_at=_local(takedown.due_at),
        )
    )
