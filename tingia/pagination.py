"""Page numbers for HTML lists (the queue, verdicts, warnings); the API has its own `next` links."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from flask import request
from sqlalchemy import Select, func, select

from tingia.extensions import db


@dataclass(frozen=True)
class Page:
    """One page of a list and where it sits among the others."""

    items: list[Any]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, even when empty)."""
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to link to: the first, the last and a few around this one; None = gap."""
        wanted = {1, self.pages, *range(self.number - around, self.number + around + 1)}
        shown: list[int | None] = []
        for number in sorted(n for n in wanted if 1 <= n <= self.pages):
            if shown and shown[-1] is not None and number - shown[-1] > 1:
                shown.append(None)
            shown.append(number)
        return shown


def requested_page() -> int:
    """The ?page= number; anything that is not a positive number means the first page."""
    raw = request.args.get("page", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def paginate_page(query: Select[Any], per_page: int = 25) -> Page:
    """The requested page of `query` (past the end: the last page)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, ceil(total / per_page))
    number = min(requested_page(), pages)
    items = list(db.session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=items, number=number, per_page=per_page, total=total)
