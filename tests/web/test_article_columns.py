"""The article page reads only the columns it shows (newsdesk/web/views/pages.py, ARTICLE_FIELDS): a story
with every optional part (two named reporters, a correction time, a picture, a language, a story covered by
three outlets, an outlet with a home page and an icon) and a story with none of them are each one query,
and each part shows, once the story's own part is kept (as the action that writes a story leaves it:
newsdesk/web/article_page.py). A field the page does not read is still there for whoever asks (one more
query)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.core import links
from newsdesk.stories.models import Story, StoryMember
from newsdesk.topics.actions import do_set_article_topics
from newsdesk.topics.models import Topic
from newsdesk.web import article_page
from newsdesk.web.views.pages import _published_article
from tests.support.newsroom import make_article, make_source

pytestmark = pytest.mark.django_db


def _page(article_pk: int, title: str) -> tuple[str, int]:
    article_page.fill([article_pk])
    client = Client()
    path = links.article_path(article_pk, title)
    client.get(path)  # the remembered figures and kept parts, as a running site has them
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_story_with_every_part_is_one_query_and_shows_them() -> None:
    outlet = make_source(
        "Harbour Gazette", site_url="https://gazette.example/", icon_url="https://gazette.example/icon.png"
    )
    now = timezone.now()
    article = make_article(
        outlet,
        title="Ferry timetable changes for the winter",
        authors=["Nell Ferris", "Tomas Quay"],
        updated=now - timedelta(minutes=5),
        lead_image="https://gazette.example/ferry.jpg",
        language="en-GB",
        excerpt="The island ferry runs twice a day from November, the operator said on Monday.",
    )
    Topic.objects.get_or_create(slug="transport", defaults={"name": "Transport"})
    do_set_article_topics({article.pk: ["transport"]})
    story = Story.objects.create(
        title=article.title, first_published=now, last_updated=now, article_count=3, source_count=3
    )
    StoryMember.objects.create(article=article, story=story)

    html, queries = _page(article.pk, article.title)

    assert queries == 1
    assert "By Nell Ferris and Tomas Quay" in html
    assert 'property="article:modified_time"' in html
    assert f"/img/a/{article.pk}/" in html
    assert 'lang="en-GB"' in html
    assert "Full coverage: 3 outlets" in html
    assert links.story_path(story.pk) in html
    assert '"url": "https://gazette.example/"' in html  # the JSON-LD's outlet
    assert f"/img/s/{outlet.pk}/" in html  # the outlet's icon
    assert "The island ferry runs twice a day" in html
    assert 'href="https://gazette.example/story/' in html  # Read More: the original
    assert 'name="topics" value="transport" checked' in html  # the newsletter box ticks its topic
    assert f'name="sources" value="{outlet.pk}" checked' in html


def test_a_story_with_no_optional_part_is_one_query() -> None:
    Topic.objects.get_or_create(slug="transport", defaults={"name": "Transport"})
    article = make_article(title="A short notice", authors=[], excerpt="", text="")
    html, queries = _page(article.pk, article.title)
    assert queries == 1
    assert "The outlet published no summary of this story." in html
    assert "article__byline" not in html
    assert "full-coverage" not in html
    assert 'name="topics" value="transport" checked' not in html  # in no topic: none ticked, none asked


def test_the_excerpt_falls_back_on_the_text() -> None:
    article = make_article(title="A notice with text only", excerpt="", text="Only the text says this much.")
    html, queries = _page(article.pk, article.title)
    assert queries == 1
    assert "Only the text says this much" in html


def test_a_field_the_page_does_not_read_is_still_there() -> None:
    article = make_article(title="A held notice", content_html="<p>Stored page</p>", guid="notice-1")
    read = _published_article(article.pk)
    with CaptureQueriesContext(connection) as queries:
        assert read.content_html == "<p>Stored page</p>"
        assert read.guid == "notice-1"
    assert len(queries) >= 1  # loaded when asked for
