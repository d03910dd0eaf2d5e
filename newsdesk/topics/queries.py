"""Read-side helpers for topics, shaped for the indexes (see docs/decisions/0008-search-and-topic-queries.md).

`in_topic` filters articles with EXISTS instead of a JOIN. With a JOIN, the databases start from the
topic's rows in the link table (thousands of them at 100,000 articles), fetch every article and sort
them all to return the newest few: ~250 ms on SQLite. With EXISTS, they walk the newest-first article
index and probe the link table's (topic, article) unique index for each, stopping at the LIMIT:
~0.2 ms. The cost grows only for a topic that is very rare among recent articles.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, CharField, Exists, OuterRef, QuerySet, Subquery

from newsdesk.articles.models import Article

from .models import Topic

# Above this many stories a topic is "common": EXISTS then beats the join (see above); below it, the
# join starts from the topic's few rows and is the quicker of the two.
COMMON_TOPIC = 2000


def in_topic(articles: QuerySet[Article], topic: Topic | int, size: int | None = None) -> QuerySet[Article]:
    """`articles` restricted to one topic, in the shape each database answers quickly for its size.

    `size` is the topic's number of stories when the caller knows it (it saves a COUNT).
    """
    topic_id = topic.pk if isinstance(topic, Topic) else topic
    through = Topic.articles.through
    if size is None:
        size = through.objects.filter(topic_id=topic_id).count()
    if size > COMMON_TOPIC:
        return articles.filter(Exists(through.objects.filter(topic_id=topic_id, article_id=OuterRef("pk"))))
    return articles.filter(topics=topic_id)


class _JoinedIds(Aggregate):
    """The values, comma-joined, as text: PostgreSQL's `string_agg`, SQLite's `group_concat` (Django 5.2
    has no aggregate that joins text on both)."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS text), ',')"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s, ',')"
        )


def with_topic_ids(articles: QuerySet[Article]) -> QuerySet[Article]:
    """`articles`, each with `topic_ids`: its topics' ids comma-joined (None for none), read by a subquery on
    the link table's article index in the same statement, so that a page asks one query, not two."""
    through = Topic.articles.through
    ids = (
        through.objects.filter(article_id=OuterRef("pk"))
        .order_by()
        .values("article_id")
        .annotate(joined=_JoinedIds("topic_id"))
        .values("joined")  # type: ignore[misc]  # django-stubs does not see the annotation
    )
    return articles.annotate(topic_ids=Subquery(ids))


def topic_ids(joined: str | None) -> list[int]:
    """The ids `with_topic_ids` joined."""
    return [int(pk) for pk in joined.split(",")] if joined else []
