"""Reading articles and classifying them: the glue between the pure classifier and the action."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from newsdesk.articles.models import Article

from .actions import do_set_article_topics
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
