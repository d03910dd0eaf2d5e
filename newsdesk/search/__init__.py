"""Full-text search over published articles: one interface, a backend per database.

    from newsdesk.search import SearchQuery, search
    page = search(SearchQuery(text="harbour bridge", source_id=None, since=None, until=None))

The backend (SQLite FTS5 or PostgreSQL tsvector + GIN) is chosen by settings.NEWSDESK_SITE["SEARCH_BACKEND"]
(NEWSDESK_SEARCH_BACKEND), defaulting to the one that matches the database.
"""

from __future__ import annotations

from .types import SearchHit, SearchPage, SearchQuery

__all__ = ["SearchHit", "SearchPage", "SearchQuery", "search"]


def search(query: SearchQuery) -> SearchPage:
    from .engine import search as _search

    return _search(query)
