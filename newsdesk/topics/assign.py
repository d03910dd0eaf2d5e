"""Reading articles and classifying them: the glue between the pure classifier and the action."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connection

from newsdesk.articles.models import Article

from .actions import do_set_article_topics, do_set_one_article_topics
from .classify import TEXT_CHARS, TopicMatch, classify

log = logging.getLogger(__name__)
BATCH = 500


def _rows(ids: Iterable[int] | None) -> Iterator[tuple[int, list[str], str, str]]:
    articles = Article.objects.order_by("id")
    if ids is not None:
        articles = articles.filter(id__in=list(ids))
    last = 0
    while True:
        batch = list(articles.filter(id__gt=last).values_list("id", "categories", "title", "text")[:BATCH])
        yield from batch
        if len(batch) < BATCH:  # the last one: no need to ask again for an empty batch
            return
        last = batch[-1][0]


def explain(article: Article) -> list[TopicMatch]:
    return classify(list(article.categories or []), article.title, article.text[:TEXT_CHARS])


def assign_topics(
    ids: Iterable[int] | None = None, *, on_batch: Callable[[int], None] | None = None
) -> tuple[int, int]:
    """Classify the given articles (all when None) and store their topics.

    Returns (articles seen, articles left without a topic).
    """
    seen = untopical = 0
    pending: dict[int, list[str]] = {}
    for article_id, categories, title, text in _rows(ids):
        slugs = [m.slug for m in classify(list(categories or []), title, (text or "")[:TEXT_CHARS])]
        pending[article_id] = slugs
        seen += 1
        untopical += not slugs
        if len(pending) >= BATCH:
            do_set_article_topics(pending)
            pending = {}
            if on_batch:
                on_batch(seen)
    do_set_article_topics(pending)
    if on_batch and seen:
        on_batch(seen)
    return seen, untopical


def assign_one(article_id: int) -> list[str] | None:
    """assign_topics([article_id]) for the one article a store just wrote (the `article_stored`
    receiver): the same classification and the same rows, with its read as SQL built once per process
    (building the ORM query cost more than running it, on every stored article). The article's slugs,
    or None when it is gone."""
    with connection.cursor() as cursor:
        cursor.execute(_one_sql(), [TEXT_CHARS, article_id])
        row = cursor.fetchone()
    if row is None:
        return None
    categories, title, text = row
    categories = json.loads(categories) if isinstance(categories, str | bytes) else categories
    slugs = [m.slug for m in classify(list(categories or []), title, text or "")]
    do_set_one_article_topics(article_id, slugs)
    return slugs


@functools.cache
def _one_sql() -> str:
    q: Any = connection.ops.quote_name
    return (
        f"SELECT categories, title, SUBSTR(text, 1, %s) FROM {q(Article._meta.db_table)} "  # noqa: S608
        "WHERE id = %s"
    )
