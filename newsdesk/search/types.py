"""The search interface's plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SearchQuery:
    text: str
    source_id: int | None = None
    topic_slug: str | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1
    per_page: int = 20
    # Mark the matches in each hit's title too (SearchHit.title_html): the API shows it; the web page,
    # which shows the title as written, asks without it and its hits' title_html stay empty.
    titles: bool = True


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    score: float
    snippet_html: str  # escaped text with matches wrapped in <mark>
    title_html: str = ""  # the title, escaped, with matches wrapped in <mark>


@dataclass(frozen=True)
class SearchPage:
    query: SearchQuery
    hits: tuple[SearchHit, ...]
    total: int  # matches, counted up to CANDIDATES (the newest ones, which are ranked)
    problem: str = ""  # a helpful sentence when the query was empty or unusable
    more: bool = False  # more than `total` matched: only the newest `total` are ranked and shown
