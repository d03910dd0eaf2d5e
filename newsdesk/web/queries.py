"""What the public pages show, read from the database. Published articles only, ever.

Each function is a few indexed queries: pages are built from a bounded number of them whatever the
number of stored articles (no per-story queries, no COUNT over the whole table).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Max, QuerySet

from newsdesk.articles.models import Article
from newsdesk.core.figures import remembered, shared
from newsdesk.core.prepared import prepared
from newsdesk.sources.models import Source
from newsdesk.topics.models import Topic
from newsdesk.topics.queries import COMMON_TOPIC, topic_ids
from newsdesk.topics.queries import in_topic as _in_topic

_UNREAD = object()
LIVE_NEWS_ITEMS = 12
SECTIONS = 6
SECTION_ITEMS = 3
SECTION_POOL = 200
# What a story card shows; lists load only these columns (the text can be long).
CARD_FIELDS = (
    "id", "title", "published", "language", "excerpt", "lead_image", "source__id", "source__name",
    "source__icon_url", "modified_at",
)  # fmt: skip


def topic_sizes() -> dict[int, int]:
    """How many stories each topic has (its links), remembered (newsdesk/core/figures.py)."""

    def count() -> dict[int, int]:
        through = Topic.articles.through
        return dict(through.objects.order_by().values_list("topic_id").annotate(n=Count("id")))

    return remembered("topic sizes", count)


def in_topic(articles: QuerySet[Article], topic: Topic | int, size: int | None = None) -> QuerySet[Article]:
    """`articles` in one topic (newsdesk.topics.queries.in_topic), told the topic's remembered size."""
    if size is None:
        size = topic_sizes().get(topic.pk if isinstance(topic, Topic) else topic, 0)
    return _in_topic(articles, topic, size)


def first_of_listed(shape: str, value: int | None = None) -> Callable[[int], list[Article]]:
    """The first n stories of a list page, by a query compiled once per list and n: `home` (all
    stories), `source` (value: its id) or `topic` (value: its id; its size decides the query's shape).
    Each comes with its story's id and outlet count (`story_id`, `story_sources`; None for a story in
    none), read in the same query: what a Live News item shows besides the card's fields.

    The same for every reader, so remembered (newsdesk/core/figures.py) per list and n, like the home
    page's sections: a stored, edited, approved or rejected story shows at the next request, anything else
    (a deletion, a renamed source) within NEWSDESK_FIGURES_SECONDS. The stories are shared between threads
    and requests: read-only (a page slices the list, never changes it or them). Being the very same
    objects from one request to the next, their cards are reused as a list (newsdesk/web/cards.py)."""

    def first(n: int) -> list[Article]:
        return remembered(f"first of listed {shape} {value} {n}", lambda: read(n))

    def read(n: int) -> list[Article]:
        build, probes, name = _list_shape(shape, value)
        ids = (value,) if probes else ()
        rows = prepared((*name, n), lambda *pk: with_story(build(*pk))[:n], probes).run(*ids)
        for article in rows:  # the membership is joined by the query (None when in no story): no query here
            member = getattr(article, "story_member", None)
            setattr(article, "story_id", member and member.story_id)  # noqa: B010 (the live card's template, key)
            setattr(article, "story_sources", member and member.story.source_count)  # noqa: B010
        return shared(rows)

    return first


Shape = tuple[Callable[..., QuerySet[Article]], tuple[int, ...], tuple[Any, ...]]


def _list_shape(shape: str, value: int | None) -> Shape:
    """A list's queryset made from its id (none for `home`), the id's stand-in, and the shape's name."""
    if shape == "home":
        return listed, (), ("home",)
    if shape == "source":
        return lambda pk: listed().filter(source=pk), (-1,), ("source",)
    common = topic_sizes().get(value or 0, 0) > COMMON_TOPIC
    return lambda pk: _in_topic(listed(), pk, COMMON_TOPIC + common), (-1,), ("topic", common)


def older_of_listed(shape: str, value: int | None = None) -> Callable[[Key, int], list[Article]]:
    """`older(key, n)`: the n stories of a list (as first_of_listed names it) just older than `key`, what
    a `?before=<key>` page reads, by a query compiled once per list shape and n (building and compiling
    the queryset was most of such a page's query). Not remembered: a crawler asks each once."""

    def older(key: Key, n: int) -> list[Article]:
        build, probes, name = _list_shape(shape, value)

        def query(*values: Any) -> QuerySet[Article]:
            *pk, published, below = values
            return build(*pk).filter(published__lte=published).exclude(published=published, pk__gte=below)[:n]

        ids = (value,) if probes else ()
        return prepared(("older", *name, n), query, (*probes, KEY_PROBE, -2)).run(*ids, *key)

    return older


def with_story(articles: QuerySet[Article]) -> QuerySet[Article]:
    """`articles` with their story's id and outlet count joined in (for first_of_listed)."""
    return articles.select_related("story_member__story").only(
        *CARD_FIELDS, "story_member__story__source_count"
    )


def published() -> QuerySet[Article]:
    return Article.objects.published().newest_first().select_related("source")


def listed() -> QuerySet[Article]:
    """Published stories, newest first, with only what a list shows."""
    return published().only(*CARD_FIELDS)


# Where a list page starts: `?before=<key>` (older than a story), `?after=<key>` (newer than one), or an old
# `?page=N` link (read with OFFSET, as before). A key is the story's publication time in microseconds since
# 1970 and its id, "<microseconds>:<id>", the list's own order (newest first, then highest id).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)
KEY_PROBE = EPOCH + ONE_MICROSECOND  # a key's time while a keyed query is compiled (core/prepared.py)
Key = tuple[datetime, int]


def key_of(article: Any) -> str:
    return key_of_parts(article.published, article.pk)


def key_of_parts(published: datetime, pk: int) -> str:
    return f"{(published - EPOCH) // ONE_MICROSECOND}:{pk}"


def parse_key(raw: str) -> Key | None:
    """A key written by key_of, or None when `raw` is not one."""
    micros, _, pk = raw.partition(":")
    if not (micros.isdigit() and pk.isdigit()) or len(micros) > 17 or len(pk) > 18:
        return None
    return EPOCH + int(micros) * ONE_MICROSECOND, int(pk)


@dataclass(frozen=True)
class Window:
    """One page of a list: its items, and whether there are pages either side (no COUNT needed).

    The links to the pages either side carry the keys of this page's first and last stories, so reading
    them is an index range, however deep (`number` is only shown)."""

    items: list[Any]
    number: int
    has_next: bool
    query: str = ""  # this page's own query string ("" for the first page)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_query(self) -> str:
        return f"?before={key_of(self.items[-1])}&page={self.number + 1}" if self.items else ""

    @property
    def previous_query(self) -> str:
        if self.number <= 2 or not self.items:
            return ""
        return f"?after={key_of(self.items[0])}&page={self.number - 1}"


def window(
    queryset: Callable[[], QuerySet[Any]],
    number: int,
    size: int,
    *,
    before: Key | None = None,
    after: Key | None = None,
    first: Callable[[int], list[Any]] | None = None,
    older: Callable[[Key, int], list[Any]] | None = None,
) -> Window:
    """Page `number` of the list `queryset()` makes (ordered newest first): the stories older than `before`,
    the ones just newer than `after`, or, for an old `?page=N` link, those at OFFSET (N - 1) × size.
    `first(n)`, when given, reads the first n of the list the same way, by a query compiled once (the most
    asked page); the list's queryset is then never made (building it cost a tenth of a topic page).
    `older(key, n)`, when given, reads a `before` page the same way (older_of_listed)."""
    if before is not None:
        published, pk = before
        if older is not None:
            rows = older(before, size + 1)
        else:
            older_qs = queryset().filter(published__lte=published).exclude(published=published, pk__gte=pk)
            rows = list(older_qs[: size + 1])
        query = f"?before={key_of_parts(published, pk)}&page={number}"
        return Window(items=rows[:size], number=number, has_next=len(rows) > size, query=query)
    if after is not None:
        published, pk = after
        newer = queryset().filter(published__gte=published).exclude(published=published, pk__lte=pk)
        rows = list(newer.reverse()[: size + 1])
        if len(rows) > size:  # there are newer pages still
            rows = rows[:size][::-1]
            query = f"?after={key_of_parts(published, pk)}&page={number}"
            return Window(items=rows, number=number, has_next=True, query=query)
        number, after = 1, None  # the newest stories: this is the first page now
    start = (number - 1) * size
    rows = first(size + 1) if first is not None and start == 0 else list(queryset()[start : start + size + 1])
    return Window(
        items=rows[:size],
        number=number,
        has_next=len(rows) > size,
        query=f"?page={number}" if number > 1 else "",
    )


def live_news(topic: Topic | None = None, limit: int = LIVE_NEWS_ITEMS) -> list[Article]:
    """The newest headlines, for the Live News column: the first stories of the home page's list or of the
    topic's (the fields a card is keyed on included), each with its story's id and outlet count (read by
    the same query), so that a later story event updates a server-rendered headline in place."""
    return first_of_listed("home")(limit) if topic is None else first_of_listed("topic", topic.pk)(limit)


def holds_live_news(page: Window) -> bool:
    """Whether a first page's stories include all the Live News column would show (a page as long as the
    column, or everything there is)."""
    return len(page.items) >= LIVE_NEWS_ITEMS or not page.has_next


@dataclass(frozen=True)
class Section:
    topic: Topic
    articles: list[Article]


def topic_sections(exclude: set[int], limit: int = SECTIONS, per_topic: int = SECTION_ITEMS) -> list[Section]:
    """The topics with the freshest news, each with its newest stories not already shown above them.

    The same for every reader of the home page: remembered (newsdesk/core/figures.py) for the stories shown
    above them.
    """
    key = (frozenset(exclude), limit, per_topic)
    held_key, sections = remembered(
        "home sections",
        lambda: (key, [s for s in _topic_sections(exclude, limit, per_topic) if shared(s.articles)]),
    )
    return sections if held_key == key else _topic_sections(exclude, limit, per_topic)


def _topic_sections(exclude: set[int], limit: int, per_topic: int) -> list[Section]:
    # The pool is read as (published, id) pairs; only the few chosen stories are loaded as cards.
    pool = [
        (when, pk)
        for when, pk in Article.objects.published()
        .newest_first()
        .values_list("published", "id")[:SECTION_POOL]
        if pk not in exclude
    ]
    order = {pk: (when, pk) for when, pk in pool}
    links = Topic.articles.through.objects.filter(article_id__in=list(order)).values_list(
        "topic_id", "article_id"
    )
    chosen: dict[int, list[int]] = defaultdict(list)
    for topic_id, article_id in links:
        chosen[topic_id].append(article_id)
    for ids in chosen.values():
        ids.sort(key=order.__getitem__, reverse=True)
    freshest = sorted(chosen, key=lambda topic_id: order[chosen[topic_id][0]], reverse=True)[: limit * 2]
    topics = Topic.objects.in_bulk(freshest)
    picked: list[tuple[int, list[int]]] = []
    used: set[int] = set()
    for topic_id in freshest:
        ids = [pk for pk in chosen[topic_id] if pk not in used][:per_topic]  # a story in one section only
        if ids and topic_id in topics:
            used.update(ids)
            picked.append((topic_id, ids))
    picked = picked[:limit]
    cards = articles_by_ids([pk for _, ids in picked for pk in ids])
    sections = [
        Section(topic=topics[topic_id], articles=[cards[pk] for pk in ids if pk in cards])
        for topic_id, ids in picked
    ]
    return [section for section in sections if section.articles]


def article_topics(article: Article) -> list[Topic]:
    """The story's topics by name: their ids read with the story (`topic_ids`, newsdesk.topics.queries.
    with_topic_ids) or else from the link table (one indexed lookup, no join, no ORM compilation), the
    topics themselves from the remembered list of all topics."""
    joined: Any = getattr(article, "topic_ids", _UNREAD)
    if joined is not _UNREAD:
        ids = topic_ids(joined)
    else:
        link = Topic.articles.through._meta
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote(link.get_field('topic').column)} FROM {quote(link.db_table)} "  # noqa: S608  # names from the model
                f"WHERE {quote(link.get_field('article').column)} = %s",
                [article.pk],
            )
            ids = [row[0] for row in cursor.fetchall()]
    known = all_topics()
    if any(pk not in known for pk in ids):  # a topic made since they were remembered
        return list(article.topics.order_by("name"))
    return sorted((known[pk] for pk in ids), key=lambda topic: topic.name)


def all_topics() -> dict[int, Topic]:
    """Every topic by id, remembered (newsdesk/core/figures.py); read-only."""
    return remembered("all topics", lambda: {topic.pk: topic for topic in Topic.objects.all()})


def sources_with_articles() -> list[Source]:
    """Sources that have published something, with how much (`article_count`) and when last (`latest`).

    One pass over the (source, status, published) index, rather than joining every story to its source;
    remembered (newsdesk/core/figures.py), not counted on every render.
    """
    return remembered("sources with articles", _sources_with_articles)


def _sources_with_articles() -> list[Source]:
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
    (few); the newest story of each topic is one short indexed query. Remembered
    (newsdesk/core/figures.py), not counted on every render.
    """
    return remembered("topics with articles", _topics_with_articles)


def _topics_with_articles() -> list[Topic]:
    through = Topic.articles.through
    counts = dict(topic_sizes())
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
    """Published stories by id, looked up by key; with_topics loads whole stories and their topics (for
    feeds). Cards come from a query compiled once per number of ids (newsdesk/core/prepared.py)."""
    if with_topics:
        return {a.pk: a for a in published().filter(pk__in=ids).prefetch_related("topics")}
    if not ids:
        return {}
    probes = tuple(range(-1, -len(ids) - 1, -1))
    by_ids = prepared(
        ("listed by ids", len(ids)), lambda *pks: listed().filter(pk__in=pks).order_by(), probes
    )
    return {a.pk: a for a in by_ids.run(*ids)}
