"""PostgreSQL full-text search: a tsvector per article in its own table, a GIN index, triggers.

The document table is ours (not a column on `articles_article`), so the articles app's future
migrations cannot trip over a generated column. Triggers keep it current in the writer's
transaction: insert and update of title or text, delete, and truncate (test flushes). Quarantine
needs no re-indexing: every query joins the article and keeps `status = 'published'` only.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from newsdesk.search.query import ParsedQuery
from newsdesk.search.types import SearchHit, SearchQuery

from .base import CANDIDATES, END, RECENCY_DAYS, SNIPPET_WORDS, START, TooCommon, build_filters, marks_to_html

# The schema, shared with the migration that builds it (migrations/0001_search_index.py): change what
# these statements mean only together with a new migration that rebuilds the index with them.
TABLE = "search_article_document"
CONFIG = "english"  # stemming for English; words of other languages are still found as written
# The longest text indexed: a tsvector holds at most 1 MB, and an article past this is not an article.
MAX_INDEXED_CHARS = 200_000

DOCUMENT = (
    f"setweight(to_tsvector('{CONFIG}', coalesce({{row}}.title, '')), 'A') ||"
    f" setweight(to_tsvector('{CONFIG}', left(coalesce({{row}}.text, ''), {MAX_INDEXED_CHARS})), 'B')"
)

CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (article_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_gin ON {TABLE} USING GIN (document)",
    f"""CREATE OR REPLACE FUNCTION {TABLE}_upsert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {TABLE} (article_id, document) VALUES (NEW.id, {DOCUMENT.format(row="NEW")})
  ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
  RETURN NULL;
END $$""",
    f"""CREATE OR REPLACE FUNCTION {TABLE}_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {TABLE} WHERE article_id = OLD.id;
  RETURN NULL;
END $$""",
    f"""CREATE OR REPLACE FUNCTION {TABLE}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE {TABLE};
  RETURN NULL;
END $$""",
    f"DROP TRIGGER IF EXISTS {TABLE}_upsert ON articles_article",
    f"CREATE TRIGGER {TABLE}_upsert AFTER INSERT OR UPDATE OF title, text ON articles_article"
    f" FOR EACH ROW EXECUTE FUNCTION {TABLE}_upsert()",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete ON articles_article",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON articles_article"
    f" FOR EACH ROW EXECUTE FUNCTION {TABLE}_delete()",
    f"DROP TRIGGER IF EXISTS {TABLE}_truncate ON articles_article",
    f"CREATE TRIGGER {TABLE}_truncate AFTER TRUNCATE ON articles_article"
    f" FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_truncate()",
)
# The articles' status and id, with their publication time and source: a search's candidates are joined to
# it by an index-only scan rather than read row by row (built by migrations/0003_candidates_index.py).
CANDIDATES_INDEX = "search_article_candidates"
CREATE_CANDIDATES_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {CANDIDATES_INDEX} ON articles_article"
    + " (status, id) INCLUDE (published, source_id)"
)
REBUILD = (
    f"TRUNCATE {TABLE}",
    f"INSERT INTO {TABLE} (article_id, document)"
    f" SELECT a.id, {DOCUMENT.format(row='a')} FROM articles_article a",
)
DROP = (
    f"DROP TRIGGER IF EXISTS {TABLE}_upsert ON articles_article",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete ON articles_article",
    f"DROP TRIGGER IF EXISTS {TABLE}_truncate ON articles_article",
    f"DROP FUNCTION IF EXISTS {TABLE}_upsert()",
    f"DROP FUNCTION IF EXISTS {TABLE}_delete()",
    f"DROP FUNCTION IF EXISTS {TABLE}_truncate()",
    f"DROP TABLE IF EXISTS {TABLE}",
)


def tsquery_sql(parsed: ParsedQuery) -> tuple[str, list[str]]:
    """A tsquery expression from plain words and phrases, never from the reader's syntax."""
    parts: list[str] = []
    params: list[str] = []
    if parsed.words:
        parts.append(f"plainto_tsquery('{CONFIG}', %s)")
        params.append(" ".join(parsed.words))
    for phrase in parsed.phrases:
        parts.append(f"phraseto_tsquery('{CONFIG}', %s)")
        params.append(" ".join(phrase))
    return " && ".join(parts), params


class PostgresBackend:
    vendor = "postgresql"

    def search(
        self, parsed: ParsedQuery, query: SearchQuery, *, now: datetime, offset: int, limit: int
    ) -> tuple[list[SearchHit], int]:
        conn = default_connection
        filters = build_filters(query, conn)
        tsquery, tsparams = tsquery_sql(parsed)
        with conn.cursor() as cursor:
            base = (
                f"FROM {TABLE} d JOIN articles_article a ON a.id = d.article_id, (SELECT {tsquery} AS q) AS q"
                f" WHERE d.document @@ q.q AND {filters.sql}"
            )
            marked, marked_params = self._marked(titles=query.titles)
            # Rank the newest CANDIDATES matches only (ids grow with ingestion): ts_rank() over every
            # match of a common word is the slow part of a search. One more is read to know whether there
            # are more than that: the total is counted up to CANDIDATES + 1, never over every match. Each
            # document is ranked as it is matched (read once), and the articles' status and publication
            # time come from the (status, id) index that includes it (CANDIDATES_INDEX), not their rows.
            # The page's hits are marked (snippets) in the same statement, after its LIMIT: one round trip.
            cursor.execute(
                "WITH candidates AS MATERIALIZED (SELECT d.article_id AS id, ts_rank(d.document, q.q) AS r,"
                + f" a.published {base} ORDER BY d.article_id DESC LIMIT {CANDIDATES + 1}),"
                " ranked AS MATERIALIZED (SELECT c.id, c.r"
                f" / (1.0 + greatest(0.0, extract(epoch FROM (%s - c.published)) / 86400.0) / {RECENCY_DAYS})"
                " AS score FROM"
                f" (SELECT id, r, published FROM candidates ORDER BY id DESC LIMIT {CANDIDATES}) c"
                " ORDER BY score DESC, c.id DESC LIMIT %s OFFSET %s)"
                f" SELECT r.id, r.score, (SELECT count(*) FROM candidates), {marked}"
                f" FROM ranked r JOIN articles_article a ON a.id = r.id, (SELECT {tsquery} AS q) AS q"
                " ORDER BY r.score DESC, r.id DESC",
                [*tsparams, *filters.params, now, limit, offset, *marked_params, *tsparams],
            )
            ranked = cursor.fetchall()
            if not ranked:
                # Nothing on this page: a query of stop words only ("the and") has nothing to look up, and
                # is told apart here, where it costs a statement, not on every search.
                cursor.execute(f"SELECT numnode({tsquery})", tsparams)
                if cursor.fetchone()[0] == 0:
                    raise TooCommon
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 {base} LIMIT {CANDIDATES + 1}) AS found",
                    [*tsparams, *filters.params],
                )
                return [], int(cursor.fetchone()[0])
            total = int(ranked[0][2])
        return [
            SearchHit(
                article_id=article_id,
                score=float(score),
                snippet_html=marks_to_html(snippet or ""),
                title_html=marks_to_html(title) if title else "",
            )
            for article_id, score, _found, snippet, title in ranked
        ], total

    def _marked(self, *, titles: bool) -> tuple[str, list[str]]:
        """The select list's snippet and title (with `titles`, else an empty string), marked by ts_headline
        with the query `q.q`: it re-reads what it marks, so the statement runs it on one page of results.

        The snippet is marked in the excerpt, never the text: the full text is searched, not shown."""
        options = (
            f'StartSel="{START}", StopSel="{END}", MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2},'
            ' ShortWord=2, MaxFragments=1, FragmentDelimiter=" … "'
        )
        snippet = f"ts_headline('{CONFIG}', a.excerpt, q.q, %s)"
        if not titles:
            return f"{snippet}, ''", [options]
        title = f"ts_headline('{CONFIG}', a.title, q.q, %s)"
        return f"{snippet}, {title}", [options, f'StartSel="{START}", StopSel="{END}", HighlightAll=true']

    def ensure_schema(self, connection: BaseDatabaseWrapper) -> bool:
        """Create what is missing (e.g. the triggers after a table was recreated). True if repaired."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'articles_article'::regclass"
                " AND tgname LIKE %s",
                [f"{TABLE}_%"],
            )
            triggers = cursor.fetchone()[0]
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [TABLE])
            table = cursor.fetchone()[0]
            if table and triggers == 3:
                return False
            for statement in CREATE:
                cursor.execute(statement)
            for statement in REBUILD:
                cursor.execute(statement)
        return True

    def rebuild(self, connection: BaseDatabaseWrapper) -> None:
        with connection.cursor() as cursor:
            for statement in REBUILD:
                cursor.execute(statement)
