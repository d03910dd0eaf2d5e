"""What the public pages show, read from the database. Published articles only, ever.

Each function is a few indexed queries: pages are built from a bounded number of them whatever the
number of stored articles (no per-story queries, no COUNT over the whole table).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from newsdesk.articles.models import Article
from newsdesk.sources.models import Source
from newsdesk.topics.models import Topic

LIVE_NEWS_ITEMS = 12
SECTION_ITEMS = 4
SECTION_POOL = 300
RELATED_ITEMS = 4


def published() -> QuerySet[Article]:
    return Article.objects.published().newest_first().select_related("source")


@dataclass(frozen=True)
class Window:
    """One page of a list: its items, and whether there are pages either side (no COUNT needed)."""

    items: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


def window(queryset: QuerySet[Any], number: int, size: int) -> Window:
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Window(items=rows[:size], number=number, has_next=len(rows) > size)


def live_news(topic: Topic | None = None, limit: int = LIVE_NEWS_ITEMS) -> list[Article]:
    """The newest headlines, for the Live News column."""
    queryset = Article.objects.published().newest_first()
    if topic is not None:
        queryset = queryset.filter(topics=topic)
    return list(
        queryset.select_related("source").only("id", "title", "published", "language", "source__name")[:limit]
    )


@dataclass(frozen=True)
class Section:
    topic: Topic
    articles: list[Article]


def topic_sections(exclude: set[int], per_topic: int = SECTION_ITEMS) -> list[Section]:
    """The newest stories of each topic, drawn from the recent ones not already shown above them."""
    pool = [a for a in published()[:SECTION_POOL] if a.pk not in exclude]
    by_id = {a.pk: a for a in pool}
    links = Topic.articles.through.objects.filter(article_id__in=list(by_id)).values_list(
        "topic_id", "article_id"
    )
    chosen: dict[int, list[Article]] = defaultdict(list)
    for topic_id, article_id in links:
        chosen[topic_id].append(by_id[article_id])
    topics = Topic.objects.filter(pk__in=list(chosen)).order_by("name")
    sections = []
    for topic in topics:
        articles = sorted(chosen[topic.pk], key=lambda a: (a.published, a.pk), reverse=True)[:per_topic]
        sections.append(Section(topic=topic, articles=articles))
    return sections


def article_topics(article: Article) -> list[Topic]:
    return list(article.topics.order_by("name"))


def related(article: Article, topics: list[Topic], limit: int = RELATED_ITEMS) -> list[Article]:
    """ "More like this": the newest stories sharing a topic, then the same source's newest."""
    others = published().exclude(pk=article.pk)
    found: dict[int, Article] = {}
    # One query per topic (a story has a few): each walks the newest-first index and stops early,
    # where one query over all the topics at once would have to sort every match to drop duplicates.
    for topic in topics[:3]:
        for candidate in others.filter(topics=topic)[:limit]:
            found.setdefault(candidate.pk, candidate)
    if len(found) < limit:
        for candidate in others.filter(source_id=article.source_id)[:limit]:
            found.setdefault(candidate.pk, candidate)
    return sorted(found.values(), key=lambda a: (a.published, a.pk), reverse=True)[:limit]


def sources_with_articles() -> list[Source]:
    """Sources that have published something, with how much and when last."""
    published_filter = Q(articles__status=Article.Status.PUBLISHED)
    return list(
        Source.objects.annotate(
            article_count=Count("articles", filter=published_filter),
            latest=Max("articles__published", filter=published_filter),
        )
        .filter(article_count__gt=0)
        .order_by("name", "id")
    )


def topics_with_articles() -> list[Topic]:
    published_filter = Q(articles__status=Article.Status.PUBLISHED)
    return list(
        Topic.objects.annotate(
            article_count=Count("articles", filter=published_filter),
            latest=Max("articles__published", filter=published_filter),
        )
        .filter(article_count__gt=0)
        .order_by("name")
    )


def articles_by_ids(ids: list[int], *, with_topics: bool = False) -> dict[int, Article]:
    queryset = published().filter(pk__in=ids)
    if with_topics:
        queryset = queryset.prefetch_related("topics")
    return {a.pk: a for a in queryset}
