"""SQLite FTS5: an external-content index over articles' title, text and excerpt, kept by triggers.

Snippets come from the excerpt column only (and the title's highlight from the title): the stored full
text is searched, never shown (README: only the excerpt is published).

The FTS table stores only the index; the words are read back from `articles_article`. Triggers
keep it current in the same transaction as the write (create, update, delete, and bulk
`QuerySet.update`/`delete` too, which signals would miss). Quarantine needs no re-indexing: every
query joins the article and keeps `status = 'published'` only.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

from newsdesk.search.query import ParsedQuery
from newsdesk.search.types import SearchHit, SearchQuery

from .base import (
    CANDIDATES,
    END,
    RECENCY_DAYS,
    SNIPPET_WORDS,
    START,
    TITLE_WEIGHT,
    build_filters,
    marks_to_html,
)

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
CREATE_INDEX = f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_article (id, status, published, source_id)"
DROP = (
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    f"DROP TABLE IF EXISTS {TABLE}",
    f"DROP INDEX IF EXISTS {INDEX}",
)


def match_terms(parsed: ParsedQuery) -> list[str]:
    """Each word and phrase as an FTS5 string literal, built only from our own quoting."""

    def quoted(words: tuple[str, ...]) -> str:
        return '"' + " ".join(w.replace('"', '""') for w in words) + '"'

    return [quoted((w,)) for w in parsed.words] + [quoted(p) for p in parsed.phrases]


def match_expression(parsed: ParsedQuery) -> str:
    """FTS5 query text: every word and phrase, all required."""
    return " ".join(match_terms(parsed))


class SqliteFts5Backend:
    vendor = "sqlite"

    def search(
        self, parsed: ParsedQuery, query: SearchQuery, *, now: datetime, offset: int, limit: int
    ) -> tuple[list[SearchHit], int]:
        conn = default_connection
        filters = build_filters(query, conn)
        terms = match_terms(parsed)
        expression = " ".join(terms)
        # The excerpt column serves the snippets only; what matches is the title and the text.
        match = "{title text} : (" + expression + ")"
        now_value = conn.ops.adapt_datetimefield_value(now)
        with conn.cursor() as cursor:
            # One statement: the total (its first row) and the page's ranked ids. Its rows are all Python
            # reads, and SQLite lets the other page threads run Python while it steps to each row: the
            # 1,000 candidates and their scores read as rows cost a handful of GIL hand-offs each.
            cursor.execute(
                self._ranking_sql(filters.sql, len(terms)),
                [now_value, match, *filters.params, *("{title} : " + term for term in terms), limit, offset],
            )
            rows = cursor.fetchall()
            total = rows[0][1]
            ranked = [(score, pk) for pk, score in rows[1:]]
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

    def _ranking_sql(self, filters: str, terms: int) -> str:
        """The ranking in one statement (decision 0030): the first row is (NULL, the count of matches up to
        CANDIDATES + 1), then the page's (id, score), best first, ties to the newer id.

        `found`: the newest CANDIDATES + 1 matches of the words in the title or the text that pass the
        filters (ids grow with ingestion, so rowid order is recency order), with their age in days from
        the candidates' covering index; the total counts them, never every match. `ranked`: the newest
        CANDIDATES of them. Each one's relevance is 1 + (TITLE_WEIGHT - 1) × the share of the query's
        `terms` (words and phrases) that its title holds: TITLE_WEIGHT when the title holds them all, 1
        when it holds none; divided by (1 + age in days / RECENCY_DAYS). Which candidates hold a term in
        their title is one more walk of the index per term, bounded to the candidates' span by their rowid
        range. No bm25: its count of each word's documents over the whole index was most of a search's
        cost (decision 0030)."""
        span = "rowid BETWEEN (SELECT min(id) FROM ranked) AND (SELECT max(id) FROM ranked)"
        in_title = " + ".join(
            [f"(id IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s AND {span}))"] * terms
        )
        return (
            f"WITH found(id, age) AS MATERIALIZED (SELECT {TABLE}.rowid,"
            " max(julianday(%s) - julianday(a.published), 0.0)"
            f" FROM {TABLE} JOIN articles_article a INDEXED BY {INDEX} ON a.id = {TABLE}.rowid"
            f" WHERE {TABLE} MATCH %s AND {filters} ORDER BY {TABLE}.rowid DESC LIMIT {CANDIDATES + 1}),"
            " ranked(id, age) AS MATERIALIZED"
            f" (SELECT id, age FROM found ORDER BY id DESC LIMIT {CANDIDATES})"
            " SELECT NULL, (SELECT count(*) FROM found) UNION ALL SELECT * FROM ("
            f"SELECT id, (1.0 + {TITLE_WEIGHT - 1.0!r} * ({in_title}) / {float(terms)!r})"
            f" / (1.0 + age / {RECENCY_DAYS!r}) AS score"
            " FROM ranked ORDER BY score DESC, id DESC LIMIT %s OFFSET %s)"
        )

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
