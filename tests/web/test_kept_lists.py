"""A list page's stories and cards, reused between requests: a `?before=` page read by a query compiled once
gives the rows the queryset gave, and a list of cards kept whole is byte for byte the cards rendered one by
one, with its times' words worked out afresh on every page and nothing kept across languages or versions."""

from __future__ import annotations

import copy
import os
import time
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from newsdesk.articles.models import Article
from newsdesk.core.figures import shared
from newsdesk.web import cards, queries
from newsdesk.web.cards import render_card, render_list

from .seed import Newsroom

pytestmark = pytest.mark.django_db


def _older_by_queryset(queryset: Any, key: queries.Key, n: int) -> list[int]:
    published, pk = key
    older = queryset.filter(published__lte=published).exclude(published=published, pk__gte=pk)
    return [a.pk for a in older[:n]]


@pytest.mark.parametrize("common", [False, True], ids=["small topic", "common topic"])
def test_a_keyed_page_reads_the_stories_the_queryset_reads(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch, common: bool
) -> None:
    if common:  # the other shape of a topic's query (an EXISTS on the link table)
        monkeypatch.setattr(queries, "COMMON_TOPIC", -1)
    topic = max(newsroom.topics.values(), key=lambda t: t.articles.count())
    source = max(newsroom.sources, key=lambda s: s.articles.count())
    lists = {
        ("home", None): queries.listed(),
        ("source", source.pk): queries.listed().filter(source=source),
        ("topic", topic.pk): queries.in_topic(queries.listed(), topic),
    }
    for (shape, value), queryset in lists.items():
        stories = list(queryset)
        assert len(stories) >= 3, shape
        for above in stories[:-1]:
            key = (above.published, above.pk)
            for n in (1, 3):
                found = [a.pk for a in queries.older_of_listed(shape, value)(key, n)]
                assert found == _older_by_queryset(queryset, key, n), (shape, n)


def test_a_kept_list_is_its_cards_and_its_words_follow_the_clock(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    stories = shared(list(queries.listed()[:6]))
    one_by_one = "".join(render_card(a, "card", 2) for a in stories)
    assert str(render_list(stories, "card", 2)) == one_by_one
    assert str(render_list(list(stories), "card", 2)) == one_by_one  # kept: the same objects, a new list
    later = timezone.now() + timedelta(days=400)
    monkeypatch.setattr(timezone, "now", lambda: later)
    kept = str(render_list(stories, "card", 2))
    assert kept == "".join(render_card(a, "card", 2) for a in stories)
    assert kept != one_by_one
    assert "1\xa0year ago" in kept


def test_a_changed_story_is_never_shown_from_a_kept_list(newsroom: Newsroom) -> None:
    stories = shared(list(queries.listed()[:4]))
    render_list(stories, "card", 3)
    edited = copy.copy(stories[1])  # what a list read again after the edit holds: another object
    edited.title = "The ferry timetable, corrected"
    edited.modified_at = timezone.now()
    html = str(render_list([stories[0], edited, *stories[2:]], "card", 3))
    assert "The ferry timetable, corrected" in html
    assert html == "".join(render_card(a, "card", 3) for a in [stories[0], edited, *stories[2:]])


def test_each_language_and_variant_keeps_its_own_list(newsroom: Newsroom) -> None:
    cards.forget_lists()
    stories = shared(list(queries.listed()[:3]))
    english = str(render_list(stories, "card", 3))
    with translation.override("de"):
        german = str(render_list(stories, "card", 3))
        assert german == "".join(render_card(a, "card", 3) for a in stories)
    assert str(render_list(stories, "compact", 3)) == "".join(render_card(a, "compact", 3) for a in stories)
    assert len(cards._lists) == 3
    assert str(render_list(stories, "card", 3)) == english


def test_a_list_read_once_is_its_cards_and_is_not_kept(newsroom: Newsroom) -> None:
    cards.forget_lists()
    stories = list(queries.listed()[:3])  # not remembered: a deeper page's stories
    expected = "".join(render_card(a, "card", 3) for a in stories)
    assert str(render_list(stories, "card", 3)) == expected
    assert str(render_list(iter(shared(stories)), "card", 3)) == expected  # any iterable, read once
    assert len(cards._lists) == 1  # only the marked one


def test_deep_pages_do_not_push_the_remembered_lists_out(newsroom: Newsroom) -> None:
    cards.forget_lists()
    client = Client()
    stories = list(queries.listed())[1:7]
    for story in stories:
        deeper = client.get("/", {"before": queries.key_of_parts(story.published, story.pk), "page": "2"})
        assert deeper.status_code == 200
        if story is stories[0]:
            kept = len(cards._lists)
            assert kept > 0  # the Live News column beside it: remembered, so kept
    assert len(cards._lists) == kept  # each deeper page's own list is not


def test_the_first_pages_are_remembered_until_content_changes(newsroom: Newsroom, settings: Any) -> None:
    from newsdesk.core.pagecache import mark_changed

    first = queries.first_of_listed("home")
    rows = first(5)
    assert first(5) is rows  # the same objects: their cards are reused as a list
    Article.objects.filter(pk=rows[0].pk).update(title="A headline changed by the desk")
    stamp = settings.DATA_DIR / ".content-changed"
    mark_changed(stamp)  # what every storing action does on commit
    os.utime(stamp, (time.time() + 5, time.time() + 5))  # a clearly newer modification time
    again = first(5)
    assert again is not rows
    assert again[0].title == "A headline changed by the desk"
