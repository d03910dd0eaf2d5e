"""`search()`: one interface over the backends. Never raises for what a reader typed."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.utils.translation import gettext as _

from newsdesk.core.clock import Clock, utcnow

from .backends import get_backend
from .backends.base import CANDIDATES, TooCommon
from .query import parse_query
from .types import SearchPage, SearchQuery

log = logging.getLogger(__name__)

MAX_PER_PAGE = 100
MAX_PAGE = 500  # nobody reads page 501; a crawler asking for it gets an empty page, cheaply


def search(query: SearchQuery, *, clock: Clock = utcnow) -> SearchPage:
    parsed = parse_query(query.text)
    if parsed.empty:
        return SearchPage(query=query, hits=(), total=0, problem=parsed.problem)
    per_page = min(max(query.per_page, 1), MAX_PER_PAGE)
    page = max(query.page, 1)
    if page > MAX_PAGE:
        return SearchPage(
            query=query, hits=(), total=0, problem=_("There are not that many pages of results.")
        )
    backend = get_backend()
    try:
        hits, total = backend.search(parsed, query, now=clock(), offset=(page - 1) * per_page, limit=per_page)
    except DatabaseError:
        log.exception("Search failed for %r", query.text[:200])
        return SearchPage(
            query=query, hits=(), total=0, problem=_("Search is not working right now. Please try again.")
        )
    except TooCommon:
        return SearchPage(
            query=query,
            hits=(),
            total=0,
            problem=_("Those words are too common to search for. Add a more particular word."),
        )
    # The backend counts at most CANDIDATES + 1 matches: one past the ranked ones says there are more.
    more = total > CANDIDATES
    problem = parsed.problem
    if total == 0 and not problem:
        problem = _("No article matches “%(query)s”. Try fewer or different words.") % {
            "query": parsed.display()
        }
    elif not hits and not problem:
        if more:
            problem = _(
                "Only the newest %(n)d matches can be browsed. Add a word or a filter to narrow the search."
            ) % {"n": CANDIDATES}
        else:
            problem = _("There are not that many pages of results.")
    return SearchPage(query=query, hits=tuple(hits), total=min(total, CANDIDATES), problem=problem, more=more)
