"""The Live News column reads each headline's story and outlet count in the list's own query (no query
afterwards), on the home page's first page (its stories are the column's) and on any other page alike,
and a story's new outlet count shows on the next render."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.core.figures import forget
from newsdesk.stories.models import Story, StoryMember
from newsdesk.web import queries

from .seed import Newsroom

pytestmark = pytest.mark.django_db


def _in_a_story(article: Article, outlets: int) -> Story:
    now = timezone.now()
    story = Story.objects.create(
        title=article.title, first_published=now, last_updated=now, article_count=2, source_count=outlets
    )
    StoryMember.objects.create(article=article, story=story)
    return story


def _live_item(html: str, pk: int) -> str:
    found = re.search(rf'<li class="live-news__item" data-article-id="{pk}".*?</li>', html, re.S)
    assert found, f"no Live News item for {pk}"
    return found.group(0)


def test_live_news_reads_stories_in_the_list_query(newsroom: Newsroom) -> None:
    newest, second = Article.objects.published().newest_first()[:2]
    story = _in_a_story(newest, 3)
    queries.live_news()  # the query compiled once
    forget()  # and the stories remembered: read them again
    with CaptureQueriesContext(connection) as asked:
        items = queries.live_news()
    assert len(asked) == 1, [q["sql"] for q in asked]
    with CaptureQueriesContext(connection) as asked:
        assert queries.live_news() is items  # remembered until content changes
    assert len(asked) == 0, [q["sql"] for q in asked]
    read = [(a.pk, getattr(a, "story_id", "unset"), getattr(a, "story_sources", "unset")) for a in items[:2]]
    assert read == [(newest.pk, story.pk, 3), (second.pk, None, None)]


def test_every_page_shows_a_headlines_story_and_its_new_outlet_count(newsroom: Newsroom, settings) -> None:
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "PAGE_SIZE": 3}
    newest = Article.objects.published().newest_first()[0]
    story = _in_a_story(newest, 2)
    client = Client()
    for path in ("/", "/?page=2"):  # page 1's own stories are the column's; page 2 reads them apart
        item = _live_item(client.get(path).content.decode(), newest.pk)
        assert f'data-story-id="{story.pk}"' in item, path
        assert 'data-sources="2"' in item, path
        assert "2 sources" in item, path
    Story.objects.filter(pk=story.pk).update(source_count=5)
    forget()  # the lists are remembered until content changes or NEWSDESK_FIGURES_SECONDS pass: they pass
    for path in ("/", "/?page=2"):
        item = _live_item(client.get(path).content.decode(), newest.pk)
        assert 'data-sources="5"' in item, path
        assert "5 sources" in item, path


def _cursor(html: str) -> int:
    found = re.search(r'data-live-cursor="(\d+)"', html)
    assert found, "no Live News cursor"
    return int(found.group(1))


def test_the_live_cursor_is_remembered_until_content_changes(newsroom: Newsroom, settings) -> None:
    """List pages do not ask the event log for its newest id on every render; a stored story (the content
    stamp) brings the new id at once, and a remembered id is never newer than the log."""
    from newsdesk.core import figures
    from newsdesk.live.queries import latest_event_id

    figures.forget()
    client = Client()
    first = _cursor(client.get("/").content.decode())
    assert first == latest_event_id()
    with CaptureQueriesContext(connection) as asked:
        for path in ("/", "/?page=2"):
            assert _cursor(client.get(path).content.decode()) == first
    assert not [q["sql"] for q in asked if "live_liveevent" in q["sql"].lower()]
    from newsdesk.live.models import LiveEvent
    from newsdesk.search.receivers import on_article_stored

    story = Article.objects.published().newest_first()[0]
    LiveEvent.objects.filter(article=story).delete()
    LiveEvent.objects.create(article=story, source_id=story.source_id, data="{}")
    newer = latest_event_id()
    assert newer > first
    assert _cursor(client.get("/").content.decode()) == first  # no content change yet: older, never newer
    on_article_stored(None, article_id=story.pk, created=False, status="published")  # the content stamp
    assert _cursor(client.get("/").content.decode()) == newer
