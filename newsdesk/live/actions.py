"""Every write to the event log goes through here, one transaction each."""

from __future__ import annotations

import functools
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from newsdesk.articles.models import Article
from newsdesk.sources.models import Source
from newsdesk.stories.models import Story, StoryMember
from newsdesk.topics.models import Topic

from .events import topic_keys
from .models import LiveEvent
from .payload import article_payload, story_payload

log = logging.getLogger(__name__)

# pg_advisory_xact_lock key ("LIVE"): event inserts commit one at a time, in id order.
_PG_LOCK = 0x4C495645
# Old payloads are emptied once every this many events.
_PRUNE_EVERY = 100


def _commit_in_id_order() -> None:
    """On PostgreSQL, ids are handed out at insert but transactions may commit in another order;
    a reader polling "id > cursor" could then step over an id that commits a moment later. Holding
    one lock from insert to commit makes commit order equal id order. SQLite has one writer anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK])


def do_publish_article(article_id: int) -> int | None:
    """Record the event for an article that is published and was never announced; returns its id.

    Returns None for a quarantined or missing article and for one announced before (an edit of a
    published story, or a repeat signal). The transports are told after the commit.

    Four statements: the lock, one read of the article with its source, its story and whether each was
    announced (not the article's text, nor the story's clustering state), its topics, the insert. The
    three are SQL built once per process (_sql): building them with the ORM on every call cost more CPU
    than running them, on every stored article.
    """
    try:
        with transaction.atomic():
            _commit_in_id_order()
            article = _publishable(article_id)
            if article is None or article.live_announced or _too_old(article.published):
                return None
            slugs = _topic_slugs(article_id)
            payload, kind = _story_or_article(article, slugs)
            data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            event_id = _insert_event(article, topic_keys(slugs), data, kind)
            transaction.on_commit(lambda: _notify(event_id))
    except IntegrityError:  # announced by another process a moment ago
        return None
    if event_id % _PRUNE_EVERY == 0:
        do_prune_events(settings.NEWSDESK_LIVE["KEEP_DAYS"])
    return event_id


@functools.cache
def _sql() -> dict[str, str]:
    """The event's statements, once per process. Table and column names are Django's own for the
    models; every value travels as a parameter. `publishable` is what the ORM query of `_publishable`
    was (tests/live/test_publish_sql.py compares the two): the published article with its source's
    name, whether it has its event, its story and that story's outlets (NULL without a story), and
    whether a headline of that story was streamed."""
    q = connection.ops.quote_name
    articles, sources = q(Article._meta.db_table), q(Source._meta.db_table)
    members, stories = q(StoryMember._meta.db_table), q(Story._meta.db_table)
    events = q(LiveEvent._meta.db_table)
    links: Any = Topic.articles.through
    link, topics = q(links._meta.db_table), q(Topic._meta.db_table)
    return {
        "publishable": (
            f"SELECT a.id, a.title, a.published, a.excerpt, a.language, a.source_id, s.name, "  # noqa: S608
            f"EXISTS (SELECT 1 FROM {events} e WHERE e.article_id = a.id), m.story_id, st.source_count, "
            f"EXISTS (SELECT 1 FROM {events} e2 INNER JOIN {members} m2 ON m2.article_id = e2.article_id "
            f"WHERE m2.story_id = m.story_id AND e2.kind = '') "
            f"FROM {articles} a INNER JOIN {sources} s ON s.id = a.source_id "
            f"LEFT OUTER JOIN {members} m ON m.article_id = a.id "
            f"LEFT OUTER JOIN {stories} st ON st.id = m.story_id "
            f"WHERE a.id = %s AND a.status = %s"
        ),
        "topics": (
            f"SELECT t.slug FROM {topics} t INNER JOIN {link} l ON l.topic_id = t.id "  # noqa: S608
            f"WHERE l.article_id = %s"
        ),
        "insert": (
            f"INSERT INTO {events} (article_id, source_id, topic_keys, kind, data, created_at) "  # noqa: S608
            f"VALUES (%s, %s, %s, %s, %s, %s) RETURNING id"
        ),
    }


def _publishable(article_id: int) -> Any:
    """The published article (title, publication time, excerpt, language, source id, its source's
    name; not its text) with `live_announced` (it has its event), `live_story` and
    `live_story_sources` (its story and that story's outlets, None when it has no story) and
    `live_story_announced` (a headline of that story was streamed). One statement; None when the
    article is missing or not published."""
    with connection.cursor() as cursor:
        cursor.execute(_sql()["publishable"], [article_id, Article.Status.PUBLISHED])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, title, published, excerpt, language, source_id, source_name, announced, story, outlets, told = row
    article = Article(
        id=pk,
        title=title,
        published=_aware(published),
        excerpt=excerpt,
        language=language,
        source_id=source_id,
        status=Article.Status.PUBLISHED,
    )
    article.source = Source(id=source_id, name=source_name)
    article.live_announced = bool(announced)  # type: ignore[attr-defined]
    article.live_story = story  # type: ignore[attr-defined]
    article.live_story_sources = outlets  # type: ignore[attr-defined]
    article.live_story_announced = bool(told)  # type: ignore[attr-defined]
    return article


def _aware(value: Any) -> datetime:
    """A timestamp as the ORM gives it: aware, in UTC. PostgreSQL's driver gives it so already; SQLite's
    converter gives a naive UTC value (or, without a declared type, the text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value  # type: ignore[no-any-return]


def _topic_slugs(article_id: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(_sql()["topics"], [article_id])
        return sorted(slug for (slug,) in cursor.fetchall())


def _insert_event(article: Any, keys: str, data: str, kind: str) -> int:
    """LiveEvent.objects.create(...), as one INSERT ... RETURNING id (PostgreSQL; SQLite 3.35+)."""
    created = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_sql()["insert"], [article.pk, article.source_id, keys, kind, data, created])
        return int(cursor.fetchone()[0])


def _story_or_article(article: Any, slugs: list[str]) -> tuple[dict[str, Any], str]:
    """A story is announced once: an article whose story already had a headline streamed becomes a
    "story" event (its count, updated in place); otherwise the article's headline, with its story."""
    story, sources = article.live_story, article.live_story_sources
    if story is None:
        return article_payload(article, slugs), ""
    if article.live_story_announced:
        return story_payload(story, sources, article), "story"
    return {**article_payload(article, slugs), "story": story, "sources": sources}, ""


def _too_old(published: datetime) -> bool:
    hours = settings.NEWSDESK_LIVE["MAX_AGE_HOURS"]
    return hours > 0 and published < timezone.now() - timedelta(hours=hours)


def _notify(event_id: int) -> None:
    from .transports import get_transport

    get_transport().notify(event_id)


def do_empty_events(event_ids: list[int]) -> int:
    """Empty the payload of these events (retention: `newsdesk prune`); the rows stay as marks."""
    with transaction.atomic():
        return LiveEvent.objects.filter(pk__in=event_ids).exclude(data="").update(data="")


def do_prune_events(keep_days: int) -> int:
    """Empty the payload of events older than `keep_days`; the rows stay as "announced" marks."""
    cutoff = timezone.now() - timedelta(days=keep_days)
    with transaction.atomic():
        return LiveEvent.objects.filter(created_at__lt=cutoff).exclude(data="").update(data="")
