"""What the public pages show, read from the database. Published articles only, ever.

Each function is a few indexed queries: pages are built from a bounded number of them whatever the
number of stored articles (no per-story queries, no COUNT over the whole table).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet

from newsdesk.articles.models import Article
from newsdesk.sources.models import Source
from newsdesk.topics.models import Topic
from newsdesk.topics.queries import in_topic as in_topic  # the views use it through this module

LIVE_NEWS_ITEMS = 12
SECTIONS = 6
SECTION_ITEMS = 3
SECTION_POOL = 200
RELATED_ITEMS = 4
# What a story card shows; lists load only these columns (the text can be long).
CARD_FIELDS = (
    "id", "title", "published", "language", "excerpt", "lead_image", "source__id", "source__name",
    "source__icon_url",
)  # fmt: skip


def published() -> QuerySet[Article]:
    return Article.objects.published().newest_first().select_related("source")


def listed() -> QuerySet[Article]:
    """Published stories, newest first, with only what a list shows."""
    return published().only(*CARD_FIELDS)


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
    queryset = published().only("id", "title", "published", "language", "source__id", "source__name")
    if topic is not None:
        queryset = in_topic(queryset, topic)
    return list(queryset[:limit])


def _newest(article: Article) -> tuple[Any, int]:
    return (article.published, article.pk)


@dataclass(frozen=True)
class Section:
    topic: Topic
    articles: list[Article]


def topic_sections(exclude: set[int], limit: int = SECTIONS, per_topic: int = SECTION_ITEMS) -> list[Section]:
    """The topics with the freshest news, each with its newest stories not already shown above them."""
    pool = [a for a in listed()[:SECTION_POOL] if a.pk not in exclude]
    by_id = {a.pk: a for a in pool}
    links = Topic.articles.through.objects.filter(article_id__in=list(by_id)).values_list(
        "topic_id", "article_id"
    )
    chosen: dict[int, list[Article]] = defaultdict(list)
    for topic_id, article_id in links:
        chosen[topic_id].append(by_id[article_id])
    for stories in chosen.values():
        stories.sort(key=_newest, reverse=True)
    freshest = sorted(chosen, key=lambda topic_id: _newest(chosen[topic_id][0]), reverse=True)[: limit * 2]
    topics = Topic.objects.in_bulk(freshest)
    sections: list[Section] = []
    used: set[int] = set()
    for topic_id in freshest:
        stories = [a for a in chosen[topic_id] if a.pk not in used][:per_topic]  # a story in one section only
        if stories and topic_id in topics:
            used.update(a.pk for a in stories)
            sections.append(Section(topic=topics[topic_id], articles=stories))
    return sections[:limit]


def article_topics(article: Article) -> list[Topic]:
    return list(article.topics.order_by("name"))


def related(article: Article, topics: list[Topic], limit: int = RELATED_ITEMS) -> list[Article]:
    """ "More like this": recent stories sharing a topic, else the same source's newest.

    Candidates are the highest ids linked to each topic (a backwards walk of the topic-link index,
    ids grow as stories arrive), then the newest published of them; a handful of rows whatever the
    archive's size.
    """
    through = Topic.articles.through
    candidates: set[int] = set()
    for topic in topics[:3]:
        rows = (
            through.objects.filter(topic_id=topic.pk).exclude(article_id=article.pk).order_by("-article_id")
        )
        candidates.update(rows.values_list("article_id", flat=True)[: limit * 3])
    # Unordered, so the database looks the few ids up by key rather than walking the date index.
    found = sorted(listed().filter(pk__in=candidates).order_by(), key=_newest, reverse=True)[:limit]
    if len(found) < limit:
        seen = {a.pk for a in found} | {article.pk}
        for candidate in (
            listed().filter(source_id=article.source_id).exclude(pk__in=seen)[: limit - len(found)]
        ):
            found.append(candidate)
    return found


def sources_with_articles() -> list[Source]:
    """Sources that have published something, with how much (`article_count`) and when last (`latest`).

    One pass over the (source, status, published) index, rather than joining every story to its source.
    """
    rows = (
        Article.objects.published()
        .order_by()
        .values("source_id")
        .annotate(article_count=Count("id"), latest=Max("published"))
    )
    stats = {row["source_id"]: row for row in rows}
    sources = [source for source in Source.objects.filter(pk__in=list(stats)) if source.pk in stats]
    for source in sources:
        source.article_count = stats[source.pk]["article_count"]  # type: ignore[attr-defined]
        source.latest = stats[source.pk]["latest"]  # type: ignore[attr-defined]
    return sorted(sources, key=lambda source: (source.name.lower(), source.pk))


def topics_with_articles() -> list[Topic]:
    """Topics with published stories, with how many (`article_count`) and when the newest was (`latest`).

    Counts come from the topic links alone (an index-only pass), less the links of quarantined stories
    (few); the newest story of each topic is one short indexed query.
    """
    through = Topic.articles.through
    counts = dict(through.objects.order_by().values_list("topic_id").annotate(n=Count("id")))
    others = [status for status in Article.Status.values if status != Article.Status.PUBLISHED]
    held = list(Article.objects.filter(status__in=others).order_by().values_list("pk", flat=True))
    if held:
        for topic_id, n in (
            through.objects.filter(article_id__in=held)
            .order_by()
            .values_list("topic_id")
            .annotate(n=Count("id"))
        ):
            counts[topic_id] -= n
    topics = [topic for topic in Topic.objects.order_by("name") if counts.get(topic.pk, 0) > 0]
    for topic in topics:
        topic.article_count = counts[topic.pk]  # type: ignore[attr-defined]
        newest = in_topic(Article.objects.published().newest_first(), topic, size=counts[topic.pk])
        topic.latest = newest.values_list("published", flat=True).first()  # type: ignore[attr-defined]
    return topics


def articles_by_ids(ids: list[int], *, with_topics: bool = False) -> dict[int, Article]:
    """Published stories by id; with_topics loads whole stories and their topics (for feeds)."""
    if with_topics:
        queryset = published().filter(pk__in=ids).prefetch_related("topics")
    else:
        queryset = listed().filter(pk__in=ids)
    return {a.pk: a for a in queryset}
