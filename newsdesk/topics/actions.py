"""Every write to topic assignments goes through here, one transaction each."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from django.db import connection, transaction

from .models import Topic


def do_set_article_topics(assignments: Mapping[int, Sequence[str]]) -> int:
    """Replace the topics of the given articles with these slugs (unknown slugs are ignored).

    One transaction for the whole batch: the articles' old rows go, the new ones come.
    Returns how many (article, topic) rows were written.
    """
    if not assignments:
        return 0
    through = Topic.articles.through
    topic_ids = dict(Topic.objects.values_list("slug", "id"))
    rows = [
        through(article_id=article_id, topic_id=topic_ids[slug])
        for article_id, slugs in assignments.items()
        for slug in dict.fromkeys(slugs)
        if slug in topic_ids
    ]
    with transaction.atomic():
        through.objects.filter(article_id__in=list(assignments)).delete()
        through.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def do_set_one_article_topics(article_id: int, slugs: Sequence[str]) -> int:
    """do_set_article_topics({article_id: slugs}) for one article (the receiver's case, once per stored
    article), as SQL built once per process: the same rows in one transaction."""
    sql = _one_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql["topics"])
        topic_ids = dict(cursor.fetchall())
        ids = [topic_ids[slug] for slug in dict.fromkeys(slugs) if slug in topic_ids]
        with transaction.atomic():
            cursor.execute(sql["delete"], [article_id])
            if ids:
                cursor.executemany(sql["insert"], [(article_id, topic_id) for topic_id in ids])
    return len(ids)


@functools.cache
def _one_sql() -> dict[str, str]:
    q = connection.ops.quote_name
    through = Topic.articles.through
    link, topics = q(through._meta.db_table), q(Topic._meta.db_table)
    return {
        "topics": f"SELECT slug, id FROM {topics}",  # noqa: S608
        "delete": f"DELETE FROM {link} WHERE article_id = %s",  # noqa: S608
        # ON CONFLICT DO NOTHING: bulk_create(ignore_conflicts=True), on PostgreSQL and SQLite 3.24+.
        "insert": f"INSERT INTO {link} (article_id, topic_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",  # noqa: S608
    }


def do_sync_topics(topics: Sequence[tuple[str, str, str]]) -> int:
    """Create the topics of the tables that the database lacks (slug, name, description).

    Existing topics keep their name and description: an operator may have reworded them.
    Returns how many were created.
    """
    created = 0
    with transaction.atomic():
        for slug, name, description in topics:
            _, made = Topic.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
            created += made
    return created
