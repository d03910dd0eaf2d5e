"""Read-side loading for a digest run: the window's stories and pages of due subscribers. No writes.

Subscribers come in pages by id (keyset), with their topics and sources, so memory stays flat however
many there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Min, QuerySet

from newsdesk.articles.models import Article
from newsdesk.sources.models import Source
from newsdesk.stories.queries import story_ids
from newsdesk.topics.models import Topic

from .digest import Prefs, Story, StoryIndex
from .models import DigestRun, Subscriber

# However long a subscriber was away, a digest covers at most this much.
LOOKBACK = timedelta(days=8)
PAGE = 500


@dataclass(frozen=True)
class Member:
    """A subscriber due in a run, as plain data."""

    id: int
    email: str
    frequency: str
    key: str
    manage_key: str
    cursor: datetime | None
    next_at: datetime | None
    topic_ids: frozenset[int]
    source_ids: frozenset[int]

    def prefs(self, cutoff: datetime) -> Prefs:
        since = max(self.cursor or cutoff - LOOKBACK, cutoff - LOOKBACK)
        return Prefs(self.topic_ids, self.source_ids, since)


def members(run: DigestRun) -> QuerySet[Subscriber]:
    """The subscribers this run still owes a digest: due, and without a send record in this run."""
    qs = Subscriber.objects.receiving().filter(confirmed_at__lte=run.cutoff, digest_cursor__lt=run.cutoff)
    if run.pk is not None:  # an unsaved run is a dry run: it has no send records yet
        qs = qs.exclude(sends__run=run)
    if not run.forced:
        qs = qs.filter(next_digest_at__lte=run.cutoff)
    return qs


def member_pages(
    run: DigestRun, page: int = PAGE, *, first: int = 0, last: int | None = None
) -> Iterator[list[Member]]:
    """The run's members in pages by id; only those with `first <= id <= last` when given."""
    scope = members(run)
    if last is not None:
        scope = scope.filter(pk__lte=last)
    last = first - 1
    topic_links = Subscriber.topics.through.objects
    source_links = Subscriber.sources.through.objects
    while True:
        rows = list(
            scope.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "email", "frequency", "key", "manage_key", "digest_cursor", "next_digest_at")[
                :page
            ]
        )
        if not rows:
            return
        ids = [row[0] for row in rows]
        topics: dict[int, set[int]] = defaultdict(set)
        sources: dict[int, set[int]] = defaultdict(set)
        for sid, tid in topic_links.filter(subscriber_id__in=ids).values_list("subscriber_id", "topic_id"):
            topics[sid].add(tid)
        for sid, src in source_links.filter(subscriber_id__in=ids).values_list("subscriber_id", "source_id"):
            sources[sid].add(src)
        yield [
            Member(
                pk,
                email,
                freq,
                key,
                manage_key,
                cursor,
                next_at,
                frozenset(topics[pk]),
                frozenset(sources[pk]),
            )
            for pk, email, freq, key, manage_key, cursor, next_at in rows
        ]
        last = ids[-1]


def story_index(run: DigestRun) -> StoryIndex:
    """The published stories stored in the run's window, with their topics."""
    oldest = members(run).aggregate(oldest=Min("digest_cursor"))["oldest"]
    lower = max(oldest or run.cutoff, run.cutoff - LOOKBACK)
    rows = list(
        Article.objects.published()
        .filter(created_at__gt=lower, created_at__lte=run.cutoff)
        .values_list("pk", "title", "excerpt", "url", "source_id", "source__name", "created_at")
    )
    links: dict[int, set[int]] = defaultdict(set)
    article_ids = [row[0] for row in rows]
    through = Topic.articles.through.objects
    for start in range(0, len(article_ids), 900):  # SQLite's bound-parameter limit
        chunk = article_ids[start : start + 900]
        for article_id, topic_id in through.filter(article_id__in=chunk).values_list(
            "article_id", "topic_id"
        ):
            links[article_id].add(topic_id)
    clusters: dict[int, int] = {}
    for start in range(0, len(article_ids), 900):
        clusters.update(story_ids(article_ids[start : start + 900]))
    return StoryIndex.build(
        Story(
            pk, title, excerpt, url, source_id, source_name, created, frozenset(links[pk]), clusters.get(pk)
        )
        for pk, title, excerpt, url, source_id, source_name, created in rows
    )


def names() -> tuple[dict[int, str], dict[int, str]]:
    """Topic and source names, for the footer's "you get this digest of …"."""
    return (
        dict(Topic.objects.values_list("pk", "name")),
        dict(Source.objects.values_list("pk", "name")),
    )
