"""Sources behind content URLs: attribution stored for every canonical URL, violations counted by
the date of the decision, flags for an account-lock request, the national white and black lists.

A **violation** is a case of the source triaged `harmful` or `fraud` (dated by that triage) or
with a published `fake`, `untrue` or `misleading` verdict (dated by its publication). A source
with at least 5 violations in 30 days or 10 in 90 days is flagged (Decree 147/2024). Counts are
over the cases the viewer may see: a province counts its own cases, the national centre all.
Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, select, union_all
from sqlalchemy.exc import IntegrityError

from tingia.cases.rules import WorkflowError, invalid, required_text
from tingia.database import utcnow
from tingia.extensions import db
from tingia.models import (
    LEAD_ROLES,
    Case,
    CaseAction,
    CaseEvent,
    Category,
    ProposalStatus,
    PublicationKind,
    PublicationStatus,
    Rating,
    Report,
    Source,
    SourceList,
    SourceListProposal,
    SourceUrl,
    User,
    Verdict,
)
from tingia.models.enums import member_or_none
from tingia.sources.attribution import source_of

FLAG_30_DAYS = 5
FLAG_90_DAYS = 10
VIOLATING_CATEGORIES = (Category.HARMFUL, Category.FRAUD)
VIOLATING_RATINGS = (Rating.FAKE, Rating.UNTRUE, Rating.MISLEADING)


def is_flagged(violations_30d: int, violations_90d: int) -> bool:
    """At least 5 violations in 30 days, or 10 in 90: ask the platform to lock the account."""
    return violations_30d >= FLAG_30_DAYS or violations_90d >= FLAG_90_DAYS


# --- attribution ------------------------------------------------------------------------------


def attribute(canonical: str | None) -> Source | None:
    """The source of a canonical URL, recorded once (creating the source when new)."""
    if not canonical:
        return None
    known = db.session.scalar(select(SourceUrl).where(SourceUrl.url == canonical))
    if known is not None:
        return known.source
    ref = source_of(canonical)
    if ref is None:
        return None
    source = _get_or_create(
        select(Source).where(Source.platform == ref.platform, Source.handle == ref.handle),
        lambda: Source(platform=ref.platform, kind=ref.kind, handle=ref.handle, url=ref.url),
    )
    _get_or_create(
        select(SourceUrl).where(SourceUrl.url == canonical),
        lambda: SourceUrl(url=canonical, source_id=source.id),
    )
    return source


def _get_or_create(query: Select, build):
    """The row the query finds, or a new one; another process inserting it first is fine."""
    found = db.session.scalar(query)
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            row = build()
            db.session.add(row)
    except IntegrityError:  # inserted concurrently: use theirs
        return db.session.scalar(query)
    return row


def attribute_unattributed(limit: int | None = None) -> int:
    """Attribute every report URL not seen yet (after an upgrade); returns how many URLs."""
    pending = (
        select(Report.canonical_url)
        .where(
            Report.canonical_url.is_not(None),
            ~select(SourceUrl.id).where(SourceUrl.url == Report.canonical_url).exists(),
        )
        .distinct()
    )
    if limit:
        pending = pending.limit(limit)
    urls = db.session.scalars(pending).all()
    for url in urls:
        attribute(url)
    return len(urls)


# --- violations -------------------------------------------------------------------------------


def violation_dates() -> Select:
    """(case_id, decided_at) of every violating case: harmful or fraud by the date of its
    (last) triage, a false verdict by its publication."""
    triaged = (
        select(CaseEvent.case_id, func.max(CaseEvent.created_at).label("decided_at"))
        .where(CaseEvent.action == CaseAction.TRIAGED)
        .group_by(CaseEvent.case_id)
        .subquery()
    )
    by_triage = (
        select(Case.id.label("case_id"), triaged.c.decided_at)
        .join(triaged, triaged.c.case_id == Case.id)
        .where(Case.category.in_(VIOLATING_CATEGORIES), Case.merged_into_id.is_(None))
    )
    by_verdict = select(
        Verdict.case_id.label("case_id"), Verdict.published_at.label("decided_at")
    ).where(
        Verdict.status == PublicationStatus.PUBLISHED,
        Verdict.kind == PublicationKind.VERDICT,
        Verdict.rating.in_(VIOLATING_RATINGS),
    )
    return union_all(by_triage, by_verdict)


def source_cases(centre_id: int | None = None) -> Select:
    """(source_id, case_id) pairs: the cases holding a report of each source (one centre's
    cases only when `centre_id` is given)."""
    query = (
        select(SourceUrl.source_id, Report.case_id)
        .join(Report, Report.canonical_url == SourceUrl.url)
        .where(Report.case_id.is_not(None))
    )
    if centre_id is not None:
        query = query.join(Case, Report.case_id == Case.id).where(Case.centre_id == centre_id)
    return query.distinct()


def violations(centre_id: int | None = None) -> Select:
    """(source_id, case_id, decided_at) of every violation, in one centre or all."""
    pairs = source_cases(centre_id).subquery()
    dates = violation_dates().subquery()
    return select(pairs.c.source_id, pairs.c.case_id, dates.c.decided_at).join(
        dates, dates.c.case_id == pairs.c.case_id
    )


def violation_counts(
    centre_id: int | None = None, now: datetime | None = None, source_id: int | None = None
) -> Select:
    """(source_id, violations_30d, violations_90d, violations) per source with any (one source
    when `source_id` is given)."""
    now = now or utcnow()
    found = violations(centre_id).subquery()

    def since(days: int):
        recent = and_(found.c.decided_at > now - timedelta(days=days), found.c.decided_at <= now)
        return func.coalesce(func.sum(case((recent, 1), else_=0)), 0)

    query = select(
        found.c.source_id,
        since(30).label("violations_30d"),
        since(90).label("violations_90d"),
        func.count().label("violations"),
    ).group_by(found.c.source_id)
    if source_id is not None:
        query = query.where(found.c.source_id == source_id)
    return query


def viewer_centre(user: User) -> int | None:
    """Whose cases the user's counts cover: their centre's, or all for national staff."""
    return None if user.is_national else user.centre_id


@dataclass(frozen=True)
class SourceRow:
    """A source with its violation counts, as lists and the API show it."""

    source: Source
    violations_30d: int
    violations_90d: int
    violations: int

    @property
    def flagged(self) -> bool:
        """Enough violations for an account-lock request."""
        return is_flagged(self.violations_30d, self.violations_90d)


def source_rows(
    scoped: Select[tuple[Source]],
    user: User,
    flagged: bool = False,
    list_kind: SourceList | None = None,
    now: datetime | None = None,
) -> Select:
    """The user's sources with their counts, most violations first (a query of rows)."""
    counts = violation_counts(viewer_centre(user), now).subquery()
    v30 = func.coalesce(counts.c.violations_30d, 0)
    v90 = func.coalesce(counts.c.violations_90d, 0)
    total = func.coalesce(counts.c.violations, 0)
    query = (
        scoped.outerjoin(counts, counts.c.source_id == Source.id)
        .add_columns(v30.label("v30"), v90.label("v90"), total.label("total"))
        .order_by(v30.desc(), v90.desc(), total.desc(), Source.id)
    )
    if flagged:
        query = query.where((v30 >= FLAG_30_DAYS) | (v90 >= FLAG_90_DAYS))
    if list_kind is not None:
        query = query.where(Source.list_kind == list_kind)
    return query


def rows_for(sources: list[Source], user: User, now: datetime | None = None) -> list[SourceRow]:
    """The sources (a page of `source_rows`, in its order) with their counts."""
    found = violation_counts(viewer_centre(user), now).subquery()
    counts = {
        row[0]: row[1:]
        for row in db.session.execute(
            select(found).where(found.c.source_id.in_([source.id for source in sources]))
        )
    }
    return [
        SourceRow(source, *(int(value) for value in counts.get(source.id, (0, 0, 0))))
        for source in sources
    ]


def as_rows(results) -> list[SourceRow]:
    """SourceRow objects from the rows of `source_rows`."""
    return [SourceRow(row[0], int(row[1]), int(row[2]), int(row[3])) for row in results]


def source_row(source: Source, user: User, now: datetime | None = None) -> SourceRow:
    """One source with its counts over the user's cases."""
    found = db.session.execute(violation_counts(viewer_centre(user), now, source.id)).first()
    if found is None:
        return SourceRow(source, 0, 0, 0)
    return SourceRow(source, int(found[1]), int(found[2]), int(found[3]))


def cases_of_source(source: Source, user: User) -> list[Case]:
    """The cases of the source the user may see, newest first."""
    pairs = source_cases(viewer_centre(user)).subquery()
    return list(
        db.session.scalars(
            select(Case)
            .where(Case.id.in_(select(pairs.c.case_id).where(pairs.c.source_id == source.id)))
            .order_by(Case.last_seen.desc(), Case.id.desc())
        )
    )


def sources_of_case(case: Case) -> list[Source]:
    """The sources of a case's reports (with their list, shown on the case page)."""
    return list(
        db.session.scalars(
            select(Source)
            .where(
                Source.id.in_(
                    select(SourceUrl.source_id)
                    .join(Report, Report.canonical_url == SourceUrl.url)
                    .where(Report.case_id == case.id)
                )
            )
            .order_by(Source.platform, Source.handle)
        )
    )


# --- the national lists -----------------------------------------------------------------------


def may_keep_lists(user: User) -> bool:
    """National leads and admins keep the white and black lists; everyone else proposes."""
    return user.is_national and user.role in LEAD_ROLES


def _list_choice(value: str | None, allow_none: bool) -> SourceList | None:
    if allow_none and not value:
        return None
    chosen = member_or_none(SourceList, value)
    if chosen is None:
        raise invalid("list", _l("must be one of %(values)s", values=", ".join(SourceList)))
    return chosen


def set_list(source: Source, list_value: str | None, reason: str | None, actor: User) -> None:
    """Put a source on the white or black list, or take it off ("" or None)."""
    if not may_keep_lists(actor):
        raise WorkflowError(_l("Only national leads keep the white and black lists."), 403)
    chosen = _list_choice(list_value, allow_none=True)
    text = required_text(reason, "reason") if chosen is not None else (reason or "").strip()
    source.list_kind = chosen
    source.list_reason = text or None
    source.listed_by = actor if chosen is not None else None
    source.listed_at = utcnow() if chosen is not None else None


def propose(source: Source, list_value: str | None, reason: str | None, actor: User):
    """A province's proposal to list a source; national leads decide on it."""
    chosen = _list_choice(list_value, allow_none=False)
    text = required_text(reason, "reason")
    if source.list_kind == chosen:
        raise WorkflowError(_l("The source is on this list already."), 409)
    pending = db.session.scalar(
        select(SourceListProposal.id).where(
            SourceListProposal.source_id == source.id,
            SourceListProposal.list_kind == chosen,
            SourceListProposal.centre_id == actor.centre_id,
            SourceListProposal.status == ProposalStatus.PENDING,
        )
    )
    if pending is not None:
        raise WorkflowError(_l("Your centre has proposed this already."), 409)
    proposal = SourceListProposal(
        source=source, list_kind=chosen, reason=text, centre_id=actor.centre_id, proposed_by=actor
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


def decide(proposal: SourceListProposal, accept: bool, actor: User) -> None:
    """Accept (the source goes on the list) or reject a province's proposal."""
    if not may_keep_lists(actor):
        raise WorkflowError(_l("Only national leads keep the white and black lists."), 403)
    if proposal.status != ProposalStatus.PENDING:
        raise WorkflowError(_l("This proposal was decided already."), 409)
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
    proposal.decided_by, proposal.decided_at = actor, utcnow()
    if accept:
        set_list(proposal.source, proposal.list_kind, proposal.reason, actor)


def pending_proposals(user: User) -> list[SourceListProposal]:
    """Proposals waiting for a decision: all for national staff, the centre's own otherwise."""
    query = select(SourceListProposal).where(SourceListProposal.status == ProposalStatus.PENDING)
    if not user.is_national:
        query = query.where(SourceListProposal.centre_id == user.centre_id)
    return list(db.session.scalars(query.order_by(SourceListProposal.created_at)))
