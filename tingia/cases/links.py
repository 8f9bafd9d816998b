"""Links between cases of different centres about the same story.

The matcher never moves a report or a case across centres: when a report matches another
centre's case, its own centre's case is linked to that one. Both centres see where else the
story is handled; national staff see the linked stories and may take them over, which is the
one way (an explicit action) such cases come together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from tingia.cases import membership
from tingia.cases.history import record
from tingia.cases.rules import WORKABLE, WorkflowError
from tingia.extensions import db
from tingia.models import Case, CaseAction, CaseLink, Centre, User


@dataclass(frozen=True)
class LinkedCase:
    """Another centre's case about the same story, as staff of this case may see it."""

    case_id: int
    centre_name: str
    province_code: str | None
    score: float


_UNREAD: Any = object()


def link_cases(
    case: Case, other: Case, score: float, basis: str, existing: CaseLink | None = _UNREAD
) -> CaseLink | None:
    """Record that two cases of different centres look like one story (idempotent).

    `existing`: their link or None, when the caller already looked (link_cases_to).
    """
    if case.id == other.id or case.centre_id == other.centre_id:
        return None
    low, high = sorted((case.id, other.id))
    if existing is _UNREAD:
        existing = db.session.scalar(
            select(CaseLink).where(CaseLink.case_id == low, CaseLink.other_case_id == high)
        )
    if existing is not None:
        existing.score = max(existing.score, score)
        return existing
    link = CaseLink(case_id=low, other_case_id=high, score=score, basis=basis)
    db.session.add(link)  # flushed with the caller's other changes
    record(case, CaseAction.CASE_LINKED, other_case=other.id, score=score, basis=basis)
    record(other, CaseAction.CASE_LINKED, other_case=case.id, score=score, basis=basis)
    return link


def link_cases_to(case: Case, others: list[tuple[Case, float, str]]) -> list[Case]:
    """`link_cases` from one case to several (other case, score, basis), their existing links
    read in one query; returns the other cases linked."""
    candidates = [other for other, _, _ in others if other.centre_id != case.centre_id]
    if not candidates:
        return []
    ids = [other.id for other in candidates]
    # The caller's pending changes are flushed once, later (links not flushed yet are looked up
    # among the session's new objects).
    with db.session.no_autoflush:
        found = list(
            db.session.scalars(
                select(CaseLink).where(
                    or_(
                        (CaseLink.case_id == case.id) & CaseLink.other_case_id.in_(ids),
                        CaseLink.case_id.in_(ids) & (CaseLink.other_case_id == case.id),
                    )
                )
            )
        )
    found += [item for item in db.session.new if isinstance(item, CaseLink)]
    existing = {(link.case_id, link.other_case_id): link for link in found}
    linked = []
    for other, score, basis in others:
        pair = tuple(sorted((case.id, other.id)))
        if link_cases(case, other, score, basis, existing=existing.get(pair)) is not None:
            linked.append(other)
    return linked


def linked_cases(case: Case) -> list[LinkedCase]:
    """The open cases of other centres linked to this one, best match first."""
    rows = db.session.execute(
        select(CaseLink.case_id, CaseLink.other_case_id, CaseLink.score).where(
            or_(CaseLink.case_id == case.id, CaseLink.other_case_id == case.id)
        )
    ).all()
    scores = {(a if b == case.id else b): score for a, b, score in rows}
    if not scores:
        return []
    others = db.session.execute(
        select(Case.id, Case.centre_id, Centre.name, Centre.province_code)
        .join(Centre, Case.centre_id == Centre.id)
        .where(Case.id.in_(scores), Case.merged_into_id.is_(None))
    ).all()
    found = [
        LinkedCase(
            case_id=row.id,
            centre_name=row.name,
            province_code=row.province_code,
            score=scores[row.id],
        )
        for row in others
        if row.centre_id != case.centre_id
    ]
    return sorted(found, key=lambda item: (-item.score, item.case_id))


def linked_story(case: Case) -> list[Case]:
    """Every case reachable from this one through links (itself included), oldest first."""
    seen, frontier = {case.id}, [case.id]
    while frontier:
        rows = db.session.execute(
            select(CaseLink.case_id, CaseLink.other_case_id).where(
                or_(CaseLink.case_id.in_(frontier), CaseLink.other_case_id.in_(frontier))
            )
        ).all()
        frontier = [cid for pair in rows for cid in pair if cid not in seen]
        seen.update(frontier)
    cases = db.session.scalars(select(Case).where(Case.id.in_(seen))).all()
    return sorted(cases, key=lambda item: (item.first_seen, item.id))


def linked_case_ids() -> Select:
    """A query of the ids of cases that have a link (for national staff's list)."""
    return select(CaseLink.case_id).union(select(CaseLink.other_case_id))


def take_over(case: Case, actor: User, national: Centre) -> Case:
    """National staff: bring a linked story's open cases into one case at the national centre.

    The oldest case keeps the story; the others are merged into it. Reports keep the centre they
    were routed to (their contact details stay that centre's) until the national centre owns
    the case: then national staff handle them too.
    """
    if not actor.is_national:
        raise WorkflowError(_l("Only national staff can take a story over."), 403)
    story = [item for item in linked_story(case) if item.status in WORKABLE]
    if len(story) < 2 and case.centre_id == national.id:
        raise WorkflowError(_l("This story is handled by the national centre already."), 409)
    if not story:
        raise WorkflowError(_l("Only open or triaged cases can be taken over."), 409)
    target = story[0]
    if target.centre_id != national.id:
        record(
            target,
            CaseAction.CENTRE_CHANGED,
            actor,
            from_centre=target.centre.name,
            to_centre=national.name,
            reason="taken over by the national centre",
        )
        target.centre = national
        if target.assignee is not None and not target.assignee.is_national:
            target.assignee = None
    for other in story[1:]:
        membership.merge_cases(other, target, actor)
    return target
