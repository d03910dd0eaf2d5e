"""Every write to the event log goes through here, one transaction each."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from newsdesk.articles.models import Article

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
    announced (not the article's text, nor the story's clustering state), its topics, the insert.
    """
    try:
        with transaction.atomic():
            _commit_in_id_order()
            article = _publishable(article_id)
            if article is None or article.live_announced or _too_old(article.published):
                return None
            slugs = sorted(article.topics.values_list("slug", flat=True))
            payload, kind = _story_or_article(article, slugs)
            data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            event = LiveEvent.objects.create(
                article=article,
                source_id=article.source_id,
                topic_keys=topic_keys(slugs),
                data=data,
                kind=kind,
            )
            event_id = event.pk
            transaction.on_commit(lambda: _notify(event_id))
    except IntegrityError:  # announced by another process a moment ago
        return None
    if event_id % _PRUNE_EVERY == 0:
        do_prune_events(settings.NEWSDESK_LIVE["KEEP_DAYS"])
    return event_id


def _publishable(article_id: int) -> Any:
    """The published article with its source and, as annotations, `live_announced` (it has its event),
    `live_story` and `live_story_sources` (its story and that story's outlets, None when it has no
    story) and `live_story_announced` (a headline of that story was streamed). One query."""
    story = OuterRef("story_member__story_id")
    return (
        Article.objects.published()
        .filter(pk=article_id)
        .select_related("source")
        .defer("text", "content_html")
        .annotate(
            live_announced=Exists(LiveEvent.objects.filter(article_id=OuterRef("pk"))),
            live_story=F("story_member__story_id"),
            live_story_sources=F("story_member__story__source_count"),
            live_story_announced=Exists(
                LiveEvent.objects.filter(article__story_member__story_id=story, kind="")
            ),
        )
        .first()
    )


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
