"""The database index, read side: an unplaced article, document frequencies and the candidate stories.

`actions.do_assign_story` reads through here: plain statements on a raw cursor (no model instances but
the article itself), a handful per article whatever the size of the archive.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Model

from newsdesk.articles.models import Article

from . import core
from .models import Story, StoryKey, StoryMember, TermFrequency

DOCS = ""  # the TermFrequency row that counts the articles


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def from_json(value: Any) -> Any:
    """A JSON column as read through a raw cursor: text on SQLite and on psycopg (Django registers
    jsonb to load as text), already decoded by some drivers."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def aware(value: datetime) -> datetime:
    """A datetime as read through a raw cursor: naive UTC on SQLite."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


_ARTICLE = {"id", "title", "excerpt", "text", "language", "published", "source_id"}


def unplaced(article_id: int) -> Article | None:
    """The article, when it is published and in no story yet, with the fields placing it needs: one
    query, no ORM compilation."""
    fields = [f.attname for f in Article._meta.concrete_fields if f.attname in _ARTICLE]  # the model's order
    columns = ", ".join(f"a.{connection.ops.quote_name(c)}" for c in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {table(Article)} a WHERE a.id = %s AND a.status = %s"  # noqa: S608
            f" AND NOT EXISTS (SELECT 1 FROM {table(StoryMember)} m WHERE m.article_id = a.id)",
            [article_id, Article.Status.PUBLISHED],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    values = [aware(v) if f == "published" else v for f, v in zip(fields, row, strict=True)]
    return Article.from_db(connection.alias, fields, values)


def frequencies(terms: Iterable[str]) -> tuple[dict[str, int], int]:
    """The document frequency of each term (absent: none) and the number of articles: one query."""
    wanted = [*terms, DOCS]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT term, df FROM {table(TermFrequency)} "  # noqa: S608 - our own table name
            f"WHERE term IN ({placeholders(len(wanted))})",
            wanted,
        )
        df = dict(cursor.fetchall())
    n_docs = df.pop(DOCS, 0)
    return df, n_docs


@dataclass
class Open:
    """An open story's clustering state, as read for a decision and updated by a placement."""

    id: int
    terms: dict[str, int]
    minhashes: list[list[int]] | None  # None: not read (the story shares no MinHash band)
    source_ids: list[int]
    head: list[str]
    first_published: datetime
    last_updated: datetime
    lead_id: int | None


def candidates(
    keys: Sequence[str], now: datetime, p: core.Params
) -> tuple[list[core.Candidate], dict[int, Open]]:
    """The open stories that share the most keys with the article (at least two, or one MinHash band;
    those with a shared band first), with their clustering state: one query.

    The postings hold only open stories and those closed for less than `keep_hours` (closing a story
    deletes its postings), so they are grouped first, and only the stories that share enough keys are
    tested for open-ness on their own row: no set of every open story is built."""
    if not keys:
        return [], {}
    since = connection.ops.adapt_datetimefield_value(now - timedelta(hours=p.open_hours))
    story, key, name = table(Story), table(StoryKey), connection.ops.quote_name("key")
    # A MinHash band key starts with BAND: its first character compared, cheaper than LIKE per posting.
    band = f"SUM(CASE WHEN SUBSTR(k.{name}, 1, 1) = %s THEN 1 ELSE 0 END)"
    # The few stories that share enough keys are tested on their own row and ranked; only the best
    # `max_candidates` have their clustering state (the large JSON columns) read.
    sql = (
        "SELECT s.id, s.terms, CASE WHEN t.b > 0 THEN s.minhashes END, s.source_ids, s.head,"  # noqa: S608
        " s.first_published, s.last_updated, s.lead_id, t.n, t.b FROM ("
        "SELECT h.story_id, h.n, h.b FROM ("
        f"SELECT k.story_id, COUNT(*) AS n, {band} AS b FROM {key} k"
        f" WHERE k.{name} IN ({placeholders(len(keys))})"
        f" GROUP BY k.story_id HAVING COUNT(*) >= 2 OR {band} > 0"
        f") h JOIN {story} o ON o.id = h.story_id WHERE o.last_updated >= %s"
        " ORDER BY CASE WHEN h.b > 0 THEN 1 ELSE 0 END DESC, h.n DESC, h.story_id DESC LIMIT %s"
        f") t JOIN {story} s ON s.id = t.story_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [core.BAND, *[k[:100] for k in keys], core.BAND, since, p.max_candidates])
        rows = cursor.fetchall()
    rows.sort(key=lambda row: (row[9], row[8], row[0]), reverse=True)  # most bands, then most keys
    stories = {row[0]: _open(row) for row in rows}
    return [
        core.Candidate(
            s.id,
            s.terms,  # read only by the decision: not copied
            [tuple(m) for m in s.minhashes or ()],
            s.last_updated,
            sources=frozenset(s.source_ids),
            head=frozenset(s.head),
        )
        for s in stories.values()
    ], stories


def load(story_id: int) -> Open:
    s = Story.objects.only(
        "id", "terms", "minhashes", "source_ids", "head", "first_published", "last_updated", "lead_id"
    ).get(pk=story_id)
    return Open(
        s.pk, s.terms, s.minhashes, s.source_ids, s.head, s.first_published, s.last_updated, s.lead_id
    )


def _open(row: Sequence[Any]) -> Open:
    minhashes = None if row[2] is None else from_json(row[2])
    terms, source_ids, head = from_json(row[1]), from_json(row[3]), from_json(row[4])
    return Open(row[0], terms, minhashes, source_ids, head, aware(row[5]), aware(row[6]), row[7])
