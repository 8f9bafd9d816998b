"""Page numbers for HTML lists (the queue, verdicts, warnings, accounts), with Flask-SQLAlchemy's
paginator; the API has its own `next` links."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from tingia.database import parse_id
from tingia.extensions import db

# Far beyond any real list, and small enough that OFFSET never overflows a 64-bit integer.
MAX_PAGE = 1_000_000


def requested_page() -> int:
    """The ?page= number; anything that is not a positive number (or absurdly large) is 1."""
    page = parse_id(request.args.get("page"))
    return page if page is not None and page <= MAX_PAGE else 1


def paginate_page(query: Select[Any], per_page: int = 25) -> Pagination:
    """The requested page of `query`; past the end, the last page."""
    page = db.paginate(query, page=requested_page(), per_page=per_page, error_out=False)
    if page.page > page.pages > 0:
        page = db.paginate(query, page=page.pages, per_page=per_page, error_out=False)
    return page
