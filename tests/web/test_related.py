""" "More like this" (newsdesk/web/related.py): the merged candidates of a story's first topics
are remembered per set of topics, and every story still gets what the per-page merge gave it."""

from __future__ import annotations

import pytest

from newsdesk.articles.models import Article
from newsdesk.core import figures
from newsdesk.web import queries, related

from .seed import Newsroom

pytestmark = pytest.mark.django_db


def merged_per_page(article: Article, topics: list, limit: int = related.RELATED_ITEMS) -> list[int]:
    """The earlier way: each page merged its topics' candidates without itself, then sorted them."""
    found = {}
    for topic in topics[:3]:
        for candidate in related._topic_candidates(topic.pk, limit * 3):
            if candidate.pk != article.pk:
                found[candidate.pk] = candidate
    chosen = sorted(found.values(), key=related._newest, reverse=True)[:limit]
    if len(chosen) < limit:
        seen = {a.pk for a in chosen} | {article.pk}
        by_source = related._source_candidates(article.source_id, 2 * limit + 1)
        chosen += [a for a in by_source if a.pk not in seen][: limit - len(chosen)]
    return [a.pk for a in chosen]


def test_every_story_gets_the_same_stories_as_before(newsroom: Newsroom) -> None:
    stories = list(Article.objects.published().select_related("source"))
    assert len(stories) > 10
    for limit in (1, 2, related.RELATED_ITEMS):
        for story in stories:
            topics = queries.article_topics(story)
            got = [a.pk for a in related.related(story, topics, limit)]
            assert got == merged_per_page(story, topics, limit), story.title
            assert story.pk not in got


def test_the_merge_is_remembered_per_set_of_topics(newsroom: Newsroom) -> None:
    related._merges.clear()
    story = Article.objects.published().exclude(topics=None).first()
    assert story is not None
    topics = queries.article_topics(story)
    first = related.related(story, topics)
    key = (tuple(t.pk for t in topics[:3]), related.RELATED_ITEMS)
    assert list(related._merges) == [key]
    held = related._merges[key][1]
    assert related.related(story, topics) == first
    assert related._merges[key][1] is held  # reused, not merged again
    assert not [name for name in figures._values if name.startswith("related candidates of ")]


def test_the_merge_is_made_again_when_a_topics_candidates_are(newsroom: Newsroom) -> None:
    """Never older than the topics' own remembered candidates: when they are read again (content
    changed, or their seconds passed), so is the merge."""
    story = Article.objects.published().exclude(topics=None).first()
    assert story is not None
    topics = queries.article_topics(story)
    related.related(story, topics)
    key = (tuple(t.pk for t in topics[:3]), related.RELATED_ITEMS)
    held = related._merges[key][1]
    figures.forget()  # as when the content stamp moves
    related.related(story, topics)
    assert related._merges[key][1] is not held


def test_the_merges_kept_are_bounded(newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(related, "MERGES", 2)
    related._merges.clear()
    stories = list(Article.objects.published().exclude(topics=None))
    sets = set()
    for story in stories:
        topics = queries.article_topics(story)
        related.related(story, topics)
        sets.add(tuple(t.pk for t in topics[:3]))
    assert len(sets) > 2
    assert len(related._merges) == 2
