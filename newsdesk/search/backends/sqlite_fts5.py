"""SQLite FTS5: an external-content index over articles' title, text and excerpt, kept by triggers.

Snippets come from the excerpt column only (and the title's highlight from the title): the stored full
text is searched, never shown (README: only the excerpt is published).

The FTS table stores only the index; the words are read back from `articles_article`. Triggers
keep it current in the same transaction as the write (create, update, delete, and bulk
`QuerySet.update`/`delete` too, which signals would miss). Quarantine needs no re-indexing: every
query joins the article and keeps `status = 'published'` only.
"""

from __future__ import annotations

import heapq
from datetime import datetime

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

from newsdesk.search.query import ParsedQuery
from newsdesk.search.types import SearchHit, SearchQuery

from .base import CANDIDATES, END, RECENCY_DAYS, SNIPPET_WORDS, START, build_filters, marks_to_html

# The schema, shared with the migration that builds it (migrations/0001_search_index.py): change what
# these statements mean only together with a new migration that rebuilds the index with them.
TABLE = "search_article_fts"
TRIGGERS = ("search_article_ai", "search_article_ad", "search_article_au")

CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    " title, text, excerpt, content='articles_article', content_rowid='id',"
    " tokenize='porter unicode61 remove_diacritics 2')"
)
_OLD = "'delete', old.id, old.title, old.text, old.excerpt"
CREATE_TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS search_article_ai AFTER INSERT ON articles_article BEGIN"
    f" INSERT INTO {TABLE}(rowid, title, text, excerpt) VALUES (new.id, new.title, new.text, new.excerpt);"
    " END",
    f"CREATE TRIGGER IF NOT EXISTS search_article_ad AFTER DELETE ON articles_article BEGIN"
    f" INSERT INTO {TABLE}({TABLE}, rowid, title, text, excerpt) VALUES ({_OLD}); END",
    f"CREATE TRIGGER IF NOT EXISTS search_article_au AFTER UPDATE OF title, text, excerpt ON articles_article"
    f" BEGIN INSERT INTO {TABLE}({TABLE}, rowid, title, text, excerpt) VALUES ({_OLD});"
    f" INSERT INTO {TABLE}(rowid, title, text, excerpt) VALUES (new.id, new.title, new.text, new.excerpt);"
    " END",
)
REBUILD = f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')"
# The candidates' status, age and source read from an index, not from each article's row (1.4 ms of a
# search for two common words at 100,000 articles): built by migrations/0003_candidates_index.py, and named
# in the query (SQLite's planner prefers the row by its id).
INDEX = "search_article_candidates"
# The candidates' span is scored whole only while it holds at most this many rows per candidate: every
# match in it is scored, and a burst of unpublished matches inside it (a quarantined spam run) would
# otherwise all be. Two common words at 100,000 articles span 1.2-2.3 rows per candidate.
SPAN_ROWS = 8


def span_is_small(ids: list[int]) -> bool:
    """Whether the rows between the lowest and the highest of these ids (distinct) are few enough to
    score them all (SPAN_ROWS per id): a bound on the span's cost, since each id is one row."""
    return bool(ids) and max(ids) - min(ids) + 1 <= SPAN_ROWS * len(ids)


CREATE_INDEX = f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_article (id, status, published, source_id)"
DROP = (
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    f"DROP TABLE IF EXISTS {TABLE}",
    f"DROP INDEX IF EXISTS {INDEX}",
)


def match_expression(parsed: ParsedQuery) -> str:
    """FTS5 query text built only from our own quoting: every word and phrase is a string literal."""

    def quoted(words: tuple[str, ...]) -> str:
        return '"' + " ".join(w.replace('"', '""') for w in words) + '"'

    return " ".join([quoted((w,)) for w in parsed.words] + [quoted(p) for p in parsed.phrases])


class SqliteFts5Backend:
    vendor = "sqlite"

    def search(
        self, parsed: ParsedQuery, query: SearchQuery, *, now: datetime, offset: int, limit: int
    ) -> tuple[list[SearchHit], int]:
        conn = default_connection
        filters = build_filters(query, conn)
        expression = match_expression(parsed)
        # The excerpt column serves the snippets only; what matches is the title and the text.
        match = "{title text} : (" + expression + ")"
        now_value = conn.ops.adapt_datetimefield_value(now)
        with conn.cursor() as cursor:
            # The newest CANDIDATES matches (ids grow with ingestion, so rowid order is recency order), and
            # one more to know whether there are more than that: the total is counted up to CANDIDATES + 1,
            # never over every match. Each with its age in days.
            cursor.execute(
                f"SELECT {TABLE}.rowid, julianday(%s) - julianday(a.published)"
                f" FROM {TABLE} JOIN articles_article a INDEXED BY {INDEX} ON a.id = {TABLE}.rowid"
                f" WHERE {TABLE} MATCH %s AND {filters.sql}"
                f" ORDER BY {TABLE}.rowid DESC LIMIT {CANDIDATES + 1}",
                [now_value, match, *filters.params],
            )
            candidates = cursor.fetchall()
            total = len(candidates)
            candidates = candidates[:CANDIDATES]
            if offset >= len(candidates):
                return [], total
            # With no filter but the status, the candidates are every published match of the words (in the
            # title or text) between the oldest and the newest of them: the only other rows of that span that
            # match the words (anywhere) are unpublished ones and those matching in the excerpt alone.
            ids = [row[0] for row in candidates]
            relevance = self._relevance(
                cursor, expression, ids, span_only=filters.params == ["published"] and span_is_small(ids)
            )
            get = relevance.get
            # Relevance is divided by (1 + age / RECENCY_DAYS); title matches weigh ten times body matches.
            # The page's hits only (heapq.nlargest is sorted(reverse=True)[:n]; (score, id) pairs are unique).
            ranked = heapq.nlargest(
                offset + limit,
                [
                    (get(pk, 0.0) / (1.0 + (age if age > 0.0 else 0.0) / RECENCY_DAYS), pk)
                    for pk, age in candidates
                ],
            )[offset:]
            snippets = self._snippets(cursor, expression, [pk for _score, pk in ranked], titles=query.titles)
        hits = [
            SearchHit(
                article_id=pk,
                score=float(score),
                snippet_html=snippets.get(pk, ("", ""))[0],
                title_html=snippets.get(pk, ("", ""))[1],
            )
            for score, pk in ranked
        ]
        return hits, total

    def _relevance(
        self, cursor: CursorWrapper, expression: str, ids: list[int], *, span_only: bool = False
    ) -> dict[int, float]:
        """bm25 of each of these matches (positive: higher is more relevant), title weighing ten times the
        text and the excerpt nothing. With `span_only`, of every match between the lowest and the highest of
        them, which must then be few more than they are: each row's bm25 is the same (it depends on that
        row and on the whole index only), and the ids' list is neither sent nor bound (a tenth of the
        statement's cost for 1,000 candidates).

        bm25() first counts, over the whole index, the documents holding each word (its rarity): the
        fixed cost of a ranked search, whatever the number of candidates. It is counted here without the
        candidates' column filter, which doubles that count's cost (reading every match's positions to
        find its column); the two counts differ only by documents holding a word in their excerpt alone.
        The rowid range bounds the walk to the candidates' span; `+rowid IN` keeps only them."""
        score = f"SELECT rowid, -bm25({TABLE}, 10.0, 1.0, 0.0) FROM {TABLE} WHERE {TABLE} MATCH %s"
        if span_only:
            cursor.execute(score + " AND rowid BETWEEN %s AND %s", [expression, min(ids), max(ids)])
            return dict(cursor.fetchall())
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            score + f" AND rowid BETWEEN %s AND %s AND +rowid IN ({marks})",
            [expression, min(ids), max(ids), *ids],
        )
        return dict(cursor.fetchall())

    def _snippets(
        self, cursor: CursorWrapper, match: str, ids: list[int], *, titles: bool = True
    ) -> dict[int, tuple[str, str]]:
        """Snippets for one page of results only: snippet() is the costly part of a query. With `titles`,
        each title with its matches marked too (else an empty string).

        The snippet is taken from the excerpt (column 2), never the text: a word found only in the text
        gives the excerpt's start, unmarked."""
        if not ids:
            return {}
        marks = ", ".join(["%s"] * len(ids))
        title, title_params = (f"highlight({TABLE}, 0, %s, %s)", [START, END]) if titles else ("''", [])
        # FTS5 seeks to a rowid range but reads `rowid IN (…)` by walking every match of the words (5 ms
        # for two common words at 100,000 articles): the range of the page's ids bounds the walk to at
        # most the candidates, and `+rowid` keeps the list a filter on those rows.
        cursor.execute(
            f"SELECT rowid, snippet({TABLE}, 2, %s, %s, '…', {SNIPPET_WORDS}), {title}"
            f" FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid BETWEEN %s AND %s AND +rowid IN ({marks})",
            [START, END, *title_params, match, min(ids), max(ids), *ids],
        )
        rows = cursor.fetchall()
        return {
            row[0]: (marks_to_html(row[1] or ""), marks_to_html(row[2]) if row[2] else "") for row in rows
        }

    def ensure_schema(self, connection: BaseDatabaseWrapper) -> bool:
        """Create what is missing (a table remake by a later migration drops triggers). True if repaired."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE (type = 'table' AND name = %s) OR"
                " (type = 'trigger' AND name IN (%s, %s, %s)) OR (type = 'index' AND name = %s)",
                [TABLE, *TRIGGERS, INDEX],
            )
            present = {row[0] for row in cursor.fetchall()}
            if present == {TABLE, *TRIGGERS, INDEX}:
                return False
            cursor.execute(CREATE_INDEX)
            if present >= {TABLE, *TRIGGERS}:  # only the index was missing: the words' index is whole
                return True
            cursor.execute(CREATE_TABLE)
            for statement in CREATE_TRIGGERS:
                cursor.execute(statement)
            cursor.execute(REBUILD)
        return True

    def rebuild(self, connection: BaseDatabaseWrapper) -> None:
        with connection.cursor() as cursor:
            cursor.execute(REBUILD)
