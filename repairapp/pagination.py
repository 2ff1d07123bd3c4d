"""Long lists (assets, tickets, outbox) come in pages with their total, not cut short."""

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from repairapp.extensions import db

PER_PAGE = 50


def paginate(select: sa.Select, per_page: int = PER_PAGE) -> Pagination:
    """The page asked for in ?page=N of `select` (the first if missing or not a number, the
    last if past the end), with the total count."""
    page = db.paginate(select, per_page=per_page, max_per_page=per_page, error_out=False)
    if page.page > page.pages > 0:  # e.g. the list shrank since the link was made
        page = db.paginate(select, page=page.pages, per_page=per_page,
                           max_per_page=per_page, error_out=False)
    return page
