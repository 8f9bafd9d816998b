"""Page numbers for HTML lists (the queue, verdicts, warnings, accounts), with Flask-SQLAlchemy's
paginator; the API has its own `next` links."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select, func

from tingia.database import parse_id
from tingia.extensions import db

# Far beyond any real list, and small enough that OFFSET never overflows a 64-bit integer.
MAX_PAGE = 1_000_000


def requested_page() -> int:
    """The ?page= number; anything that is not a positive number (or absurdly large) is 1."""
    page = parse_id(request.args.get("page"))
    return page if page is not None and page <= MAX_PAGE else 1


class CountedPagination(SelectPagination):
    """A page whose total comes with its rows (`count(*) OVER ()`): the query's conditions are
    evaluated once instead of once for the rows and again for the count. For a query that has
    to find every row anyway to sort them (a search's matches), not one read off an index in
    order (there, the rows stop at the page and the count reads an index alone)."""

    def _query_items(self) -> list[Any]:
        query = self._query_args["select"].add_columns(func.count().over().label("total"))
        query = query.limit(self.per_page).offset(self._query_offset)
        rows = self._query_args["session"].execute(query).all()
        self._total = rows[0].total if rows else None
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        if self._total is not None:
            return int(self._total)
        return super()._query_count()  # past the end: no row to read the total from


def _paginate(query: Select[Any], page: int, per_page: int, counted: bool) -> Pagination:
    if not counted:
        return db.paginate(query, page=page, per_page=per_page, error_out=False)
    return CountedPagination(
        select=query, session=db.session(), page=page, per_page=per_page, error_out=False
    )


def paginate_page(query: Select[Any], per_page: int = 25, counted: bool = False) -> Pagination:
    """The requested page of `query`; past the end, the last page. `counted`: the total is read
    with the rows (CountedPagination), for searches."""
    page = _paginate(query, requested_page(), per_page, counted)
    if page.page > page.pages > 0:
        page = _paginate(query, page.pages, per_page, counted)
    return page
