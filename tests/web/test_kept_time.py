"""Kept cards, directory rows and search results hold their <time> tag (with the moment's ISO date) and
work out only its words on each page: the bytes are what the template renders afresh at that moment, the words
follow the clock, and a new moment (a story's publication time, a topic's newest story) gives a new tag."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.template.loader import get_template
from django.utils import timezone

from newsdesk.web.cards import render_card, render_row, store
from tests.support.newsroom import make_article, make_source

pytestmark = pytest.mark.django_db


def _fresh_card(article) -> str:
    context = {"article": article, "variant": "card", "level": 3, "eager": False}
    return get_template("web/partials/story.html").render(context)


def test_a_kept_card_is_the_fresh_render_and_its_words_follow_the_clock(monkeypatch) -> None:
    store.clear()
    article = make_article(make_source("The Tidewater Post"), published=timezone.now() - timedelta(minutes=5))
    first = str(render_card(article))
    assert first == _fresh_card(article)
    assert "5\xa0minutes ago</time>" in first
    later = timezone.now() + timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    again = str(render_card(article))
    assert store.hits >= 1
    assert again == _fresh_card(article)
    assert "3\xa0hours ago</time>" in again
    assert "minutes ago" not in again


def test_a_new_publication_time_gives_a_new_tag_without_a_new_version() -> None:
    store.clear()
    article = make_article(make_source("The Tidewater Post"), published=timezone.now() - timedelta(days=3))
    before = str(render_card(article))
    article.published = article.published - timedelta(days=30)  # modified_at left as it was
    after = str(render_card(article))
    assert after == _fresh_card(article)
    assert f'datetime="{article.published.isoformat()}"' in after
    assert after != before


def test_a_directory_row_shows_its_newest_storys_time() -> None:
    store.clear()
    now = timezone.now()
    row = SimpleNamespace(
        pk=7,
        slug="harbour",
        name="Harbour",
        description="Boats",
        article_count=4,
        latest=now - timedelta(hours=2),
    )
    first = str(render_row(row, "topic"))
    row.latest = now - timedelta(minutes=1)  # a newer story, the same count
    second = str(render_row(row, "topic"))
    fresh = get_template("web/partials/topic_row.html").render({"topic": row})
    assert second == fresh
    assert f'datetime="{row.latest.isoformat()}"' in second
    assert second != first


def test_a_card_rendered_as_the_clock_crosses_a_minute_is_not_kept_with_frozen_words(monkeypatch) -> None:
    from newsdesk.web.templatetags import newsdesk_web

    store.clear()
    base = timezone.now()
    published = base - timedelta(minutes=5, seconds=59)
    article = make_article(make_source("The Tidewater Post"), published=published)
    real = newsdesk_web.relative_time
    calls: list[int] = []

    def ticking(value):
        calls.append(1)
        if len(calls) == 2:  # the kept card's mark, worked out after the template's tag: two seconds later
            monkeypatch.setattr(timezone, "now", lambda: base + timedelta(seconds=2))
        return real(value)

    monkeypatch.setattr(timezone, "now", lambda: base)
    monkeypatch.setattr(newsdesk_web, "relative_time", ticking)
    first = str(render_card(article))
    assert "5\xa0minutes ago</time>" in first
    monkeypatch.setattr(newsdesk_web, "relative_time", real)
    monkeypatch.setattr(timezone, "now", lambda: base + timedelta(hours=3))
    later = str(render_card(article))
    assert "3\xa0hours ago</time>" in later
    assert later == _fresh_card(article)
    assert str(render_card(article)) == later  # kept from the second render on
    assert store.hits >= 1
