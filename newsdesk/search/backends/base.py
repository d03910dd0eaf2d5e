"""What the two search backends share: filters, ranking constants, snippet markup."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from newsdesk.search.query import ParsedQuery
from newsdesk.search.types import SearchHit, SearchQuery

# Relevance is divided by (1 + age in days / RECENCY_DAYS): a week-old story needs twice the
# relevance of today's to rank beside it. News readers want the latest first, but not at any price.
RECENCY_DAYS = 7.0

# SQLite's relevance (decision 0030): 1 + (TITLE_WEIGHT - 1) × the share of the query's words and phrases
# that a candidate's title holds; TITLE_WEIGHT when it holds them all (the title weighed ten times the text
# in the bm25 it replaced). With the recency above, a title holding every word leads a match in the text
# alone until it is nine weeks older.
TITLE_WEIGHT = 10.0

# A search ranks at most this many matches, the newest; the total still counts them all. Ranking
# every match of a very common word costs more than the page (bench: 200 ms at 100,000 articles).
CANDIDATES = 1000

# Snippet markers: Unicode private-use characters that never survive into output unpaired.
START, END = "\ue000", "\ue001"
SNIPPET_WORDS = 24  # a snippet is a few lines, never a way to read the stored text
_PAIR = re.compile(f"{START}([^{START}{END}]*){END}")


def marks_to_html(marked: str) -> str:
    """Escape a backend's snippet and turn its marker pairs into <mark> elements."""
    escaped = html.escape(marked, quote=False)
    with_marks = _PAIR.sub(r"<mark>\1</mark>", escaped)
    return with_marks.replace(START, "").replace(END, "")


class TooCommon(Exception):
    """Every word was a stop word ("the", "and"): the backend has nothing to look up."""


@dataclass(frozen=True)
class Filters:
    """SQL conditions on the article table (aliased `a`) for the query's filters."""

    sql: str
    params: list[Any]


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in the site's time zone (filters by date are by local day)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def build_filters(query: SearchQuery, connection: BaseDatabaseWrapper) -> Filters:
    from newsdesk.topics.models import Topic

    ops = connection.ops
    parts = ["a.status = %s"]
    params: list[Any] = ["published"]
    if query.source_id is not None:
        parts.append("a.source_id = %s")
        params.append(query.source_id)
    if query.topic_slug:
        through = Topic.articles.through._meta.db_table
        topic_table = Topic._meta.db_table
        parts.append(
            f"EXISTS (SELECT 1 FROM {through} ta JOIN {topic_table} t ON t.id = ta.topic_id"
            " WHERE ta.article_id = a.id AND t.slug = %s)"
        )
        params.append(query.topic_slug)
    if query.since is not None:
        parts.append("a.published >= %s")
        params.append(ops.adapt_datetimefield_value(start_of_day(query.since)))
    if query.until is not None:
        parts.append("a.published < %s")
        params.append(ops.adapt_datetimefield_value(start_of_day(query.until + timedelta(days=1))))
    return Filters(" AND ".join(parts), params)


class Backend(Protocol):
    """A search backend: finds published articles for parsed words, and keeps its index."""

    vendor: str

    def search(
        self, parsed: ParsedQuery, query: SearchQuery, *, now: datetime, offset: int, limit: int
    ) -> tuple[list[SearchHit], int]: ...

    def ensure_schema(self, connection: BaseDatabaseWrapper) -> bool: ...

    def rebuild(self, connection: BaseDatabaseWrapper) -> None: ...
