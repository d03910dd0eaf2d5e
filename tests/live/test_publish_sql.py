"""The Live News event's statements are SQL built once per process (newsdesk/live/actions.py, `_sql`).
They must read what the ORM query they replaced read, in every state an article can be in: no story, a
story never announced, a story whose headline was streamed, an article already announced, a
quarantined or missing article, and topics. The ORM query is kept here as the reference."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.live import actions
from newsdesk.live.models import LiveEvent
from newsdesk.stories.models import Story, StoryMember
from newsdesk.topics.models import Topic

from .helpers import make_source, store

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = ("pk", "title", "published", "excerpt", "language", "source_id", "status")
MARKS = ("live_announced", "live_story", "live_story_sources", "live_story_announced")


def _orm(article_id: int) -> Any:
    """The query do_publish_article ran before, built by the ORM on every call."""
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


def _same(article_id: int) -> tuple[Any, Any]:
    old, new = _orm(article_id), actions._publishable(article_id)
    if old is None:
        assert new is None
        return old, new
    assert new is not None
    for name in FIELDS:
        assert getattr(new, name) == getattr(old, name), name
    assert new.published.utcoffset() == old.published.utcoffset()
    assert new.source.name == old.source.name
    for name in MARKS:
        assert getattr(new, name) == getattr(old, name), name
    return old, new


def _story(*articles: Article) -> Story:
    now = timezone.now()
    story = Story.objects.create(first_published=now, last_updated=now, source_count=len(articles) + 4)
    for article in articles:
        StoryMember.objects.filter(article=article).delete()
        StoryMember.objects.create(article=article, story=story)
    return story


def test_the_event_read_gives_the_row_the_orm_query_gave_in_every_state(settings) -> None:
    settings.NEWSDESK_LIVE = {**settings.NEWSDESK_LIVE, "TRANSPORT": "memory"}
    source = make_source()
    lone, first, second, held = (
        store(source, "Lighthouse keeper retires after forty winters"),
        store(source, "Bridge closes for repairs"),
        store(make_source("Valley Courier"), "Bridge repairs begin at dawn"),
        store(source, "Quarry plans withdrawn", status="quarantined"),
    )
    StoryMember.objects.filter(article=lone).delete()
    LiveEvent.objects.all().delete()

    # Nothing announced, no story; a story nobody announced yet; a quarantined and a missing article.
    _same(lone.pk)
    story = _story(first, second)
    _, new = _same(first.pk)
    assert (new.live_story, new.live_story_sources, new.live_story_announced) == (story.pk, 6, False)
    assert _same(held.pk) == (None, None)
    assert _same(10**9) == (None, None)

    # The first one's headline streamed: it is announced, and its story too (for the second one).
    assert actions.do_publish_article(first.pk) is not None
    _, new = _same(first.pk)
    assert new.live_announced
    assert new.live_story_announced
    _, new = _same(second.pk)
    assert not new.live_announced
    assert new.live_story_announced

    # A "story" event (later coverage) does not count as the story's headline.
    LiveEvent.objects.filter(article=first).update(kind="story")
    _, new = _same(second.pk)
    assert new.live_story_announced is False


def test_the_topics_read_and_the_insert_match_the_orm() -> None:
    source = make_source()
    article = store(source, "Ferry fares rise in spring")
    LiveEvent.objects.all().delete()
    for slug in ("weather", "harbour", "ferries"):
        Topic.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0].articles.add(article)
    assert actions._topic_slugs(article.pk) == sorted(article.topics.values_list("slug", flat=True))

    event_id = actions.do_publish_article(article.pk)
    assert event_id is not None
    event = LiveEvent.objects.get(pk=event_id)
    assert (event.article_id, event.source_id, event.topic_keys, event.kind) == (
        article.pk,
        source.pk,
        ",ferries,harbour,weather,",
        "",
    )
    assert abs((timezone.now() - event.created_at).total_seconds()) < 60
    assert actions.do_publish_article(article.pk) is None  # announced once
