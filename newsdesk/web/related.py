""" "More like this" on an article page: recent stories sharing the story's first topics, else its source's
newest. Each topic's and source's candidates are remembered (newsdesk/core/figures.py); the merge of a set of
topics' candidates is kept beside them, never longer than they are."""

from __future__ import annotations

import operator
import threading
from collections import OrderedDict
from typing import Any

from newsdesk.articles.models import Article
from newsdesk.core.figures import remembered, shared
from newsdesk.topics.models import Topic
from newsdesk.web.queries import listed

RELATED_ITEMS = 4


def _newest(article: Article) -> tuple[Any, int]:
    return (article.published, article.pk)


def related(article: Article, topics: list[Topic], limit: int = RELATED_ITEMS) -> list[Article]:
    """ "More like this": recent stories sharing a topic, else the same source's newest.

    Candidates are the highest ids linked to each topic (a backwards walk of the topic-link index,
    ids grow as stories arrive), then the newest published of them. Each topic's candidates are the same
    for every story in it, so they are remembered (newsdesk/core/figures.py), not read per page.
    """
    own = article.pk
    chosen = [a for a in _topics_candidates(tuple(topic.pk for topic in topics[:3]), limit) if a.pk != own]
    del chosen[limit:]
    if len(chosen) < limit:
        seen = {a.pk for a in chosen} | {article.pk}
        chosen += [a for a in _source_candidates(article.source_id, 2 * limit + 1) if a.pk not in seen][
            : limit - len(chosen)
        ]
    return chosen


def _topics_candidates(topic_ids: tuple[int, ...], limit: int) -> list[Article]:
    """The newest `limit + 1` of these topics' candidates, each story once (the page's own story may be
    one of them): the same for every story with these first topics, so the merge is kept and reused
    while each topic's remembered candidates are the very same lists (so it is never older than they
    are), in a bounded store (MERGES sets of topics, least recently used first out)."""
    lists = tuple(_topic_candidates(topic_id, limit * 3) for topic_id in topic_ids)
    key = (topic_ids, limit)
    with _merges_lock:
        held = _merges.get(key)
        if held is not None and len(held[0]) == len(lists) and all(map(operator.is_, held[0], lists)):
            _merges.move_to_end(key)
            return held[1]
    found: dict[int, Article] = {}
    for candidates in lists:
        for candidate in candidates:
            found[candidate.pk] = candidate
    merged = sorted(found.values(), key=_newest, reverse=True)[: limit + 1]
    with _merges_lock:
        # The lists themselves are held, so none can be freed and another take its place (and its id).
        _merges[key] = (lists, merged)
        while len(_merges) > MERGES:
            _merges.popitem(last=False)
    return merged


MERGES = 2048
_merges_lock = threading.Lock()
_merges: OrderedDict[tuple[tuple[int, ...], int], tuple[tuple[list[Article], ...], list[Article]]] = (
    OrderedDict()
)


def _source_candidates(source_id: int, count: int) -> list[Article]:
    """A source's newest stories, for "More like this" when topics give too few; remembered like the
    topics' candidates."""
    return remembered(
        f"related from source {source_id} {count}",
        lambda: shared(list(listed().filter(source_id=source_id)[:count])),
    )


def _topic_candidates(topic_id: int, count: int) -> list[Article]:
    def read() -> list[Article]:
        ids = (
            Topic.articles.through.objects.filter(topic_id=topic_id)
            .order_by("-article_id")
            .values_list("article_id", flat=True)[: count + 1]  # one more: the page's own story may be one
        )
        # Unordered, so the database looks the few ids up by key rather than walking the date index.
        return shared(list(listed().filter(pk__in=list(ids)).order_by()))

    return remembered(f"related candidates {topic_id} {count}", read)
