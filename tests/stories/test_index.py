"""The candidate index keeps open stories only: closing a story (the hourly prune job) deletes its
postings and changes no placement, a late article still finds its story within the margin, and a
rebuild leaves the index as placing one by one and then closing does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from newsdesk.articles.models import Article
from newsdesk.stories import core
from newsdesk.stories.actions import do_assign_story, do_rebuild, params
from newsdesk.stories.models import Story, StoryKey, StoryMember, TermFrequency
from newsdesk.web import retention
from tests.stories.test_actions import _by_event, _rows, _store

pytestmark = pytest.mark.django_db


def close_stories(now: datetime) -> int:
    """Close as the hourly prune job does, at `now` (the test's clock): its own stories batch, alone."""
    return retention.apply([retention.stories_batch(now)])["stories"]


def _state() -> tuple[Any, ...]:
    stories = {s.pk: s for s in Story.objects.all()}
    groups = sorted(
        sorted(StoryMember.objects.filter(story=s).values_list("article_id", flat=True))
        for s in stories.values()
    )
    per_story = sorted((s.lead_id, s.article_count, s.indexed, s.terms) for s in stories.values())
    keys = sorted((k.key, stories[k.story_id].lead_id) for k in StoryKey.objects.all())
    frequencies = sorted(TermFrequency.objects.values_list("term", "df"))
    return groups, per_story, keys, frequencies


def test_closing_deletes_postings_and_rebuild_leaves_the_same_index(settings: Any) -> None:
    # With stories open for a day, the earlier events of these four days close while later ones arrive.
    settings.NEWSDESK_STORIES = {**settings.NEWSDESK_STORIES, "OPEN_HOURS": 24}
    ids = _store(_rows("e001", "e002", "e003", "e008"))
    for article_id in ids.values():
        do_assign_story(article_id)
    assert not Story.objects.filter(indexed=False).exists(), "placing closes nothing"
    newest = Article.objects.latest("published").published
    assert close_stories(newest) > 0
    closed = list(Story.objects.filter(indexed=False))
    assert closed, "some stories closed"
    assert Story.objects.filter(indexed=True).exists()
    assert not StoryKey.objects.filter(story__in=closed).exists()
    assert all(StoryKey.objects.filter(story=s).exists() for s in Story.objects.filter(indexed=True))
    assert len(_by_event(ids)["e001"]) == 1
    online = _state()
    assert do_rebuild() == len(ids)
    assert _state() == online


def test_a_late_article_finds_its_story_within_the_margin() -> None:
    p = params()
    rows = _rows("e003")
    late, rest = rows[-1], rows[:-1]
    ids = _store(rest)
    for article_id in ids.values():
        do_assign_story(article_id)
    (story,) = Story.objects.all()
    # A later placement closes nothing that an article up to keep_hours late could still join ...
    newest = story.last_updated + timedelta(hours=p.open_hours + p.keep_hours - 1)
    assert close_stories(newest) == 0
    late_ids = _store([late])
    placed = do_assign_story(late_ids[late["id"]])
    assert placed is not None
    assert placed.story_id == story.pk
    story.refresh_from_db()
    # ... and once that margin has passed, the story closes and its postings go.
    assert StoryKey.objects.filter(story=story).exists()
    newest = story.last_updated + timedelta(hours=p.open_hours + p.keep_hours + 1)
    assert close_stories(newest) == 1
    assert not StoryKey.objects.filter(story=story).exists()
    story.refresh_from_db()
    assert not story.indexed
    assert close_stories(newest) == 0  # closed once


def test_an_article_dated_in_the_future_closes_nothing_early() -> None:
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    p = core.DEFAULT
    hours = timedelta(hours=p.open_hours + p.keep_hours)
    assert core.closing_time(now + timedelta(days=30), now, p) == now - hours
    assert core.closing_time(now - timedelta(days=2), now, p) == now - timedelta(days=2) - hours
    # whole hours: the stories of one hour close together
    assert core.closing_time(now + timedelta(minutes=59), now + timedelta(days=1), p) == now - hours


def test_closing_changes_no_decision_of_the_in_memory_index() -> None:
    """Closed stories are never candidates, so dropping their postings changes no placement: the same
    stories with and without closing, over a stream long enough for stories to close."""
    from bench.stories.synthetic import stream
    from newsdesk.stories.memory import MemoryIndex

    class Keeping(MemoryIndex):
        def close(self, newest: datetime) -> None:
            return None

    items = stream(600, seed=3)
    closing, keeping = MemoryIndex(), Keeping()
    for index in (closing, keeping):
        for item in items:
            sig = core.signals(item.title, item.lead, item.text, "en", item.published, source=item.id % 5)
            index.assign(str(item.id), sig)
    assert closing.assignment == keeping.assignment
    assert len(closing.postings) < len(keeping.postings)  # some stories closed
    assert sum(map(len, closing.postings.values())) < sum(map(len, keeping.postings.values()))


def _groups() -> list[list[int]]:
    return sorted(
        sorted(StoryMember.objects.filter(story=s).values_list("article_id", flat=True))
        for s in Story.objects.all()
    )


def test_closing_changes_no_placement_in_the_database(settings: Any) -> None:
    """The same stories whether the quiet ones are closed after every placement or never."""
    settings.NEWSDESK_STORIES = {**settings.NEWSDESK_STORIES, "OPEN_HOURS": 24}
    ids = _store(_rows("e001", "e002", "e003", "e008", "e010", "e011"))
    order = sorted(ids.values(), key=lambda pk: Article.objects.get(pk=pk).published)
    closed = 0
    for article_id in order:
        do_assign_story(article_id)
        closed += close_stories(Article.objects.get(pk=article_id).published)
    assert closed > 0, "some stories closed on the way"
    closing = _groups()
    for model in (StoryKey, StoryMember, Story, TermFrequency):
        model.objects.all().delete()
    for article_id in order:
        do_assign_story(article_id)
    assert not Story.objects.filter(indexed=False).exists()
    assert _groups() == closing


def test_the_prune_job_closes_quiet_stories() -> None:
    p = params()
    ids = _store(_rows("e003"))
    for article_id in ids.values():
        do_assign_story(article_id)
    (story,) = Story.objects.all()
    soon = story.last_updated + timedelta(hours=p.open_hours + p.keep_hours - 1)
    assert next(b for b in retention.plan(soon) if b.kind == "stories").ids == []
    assert retention.prune(soon)["stories"] == 0
    assert StoryKey.objects.filter(story=story).exists()
    later = story.last_updated + timedelta(hours=p.open_hours + p.keep_hours + 2)
    (batch,) = [b for b in retention.plan(later) if b.kind == "stories"]
    assert batch.ids == [story.pk]
    assert retention.prune(later)["stories"] == 1
    story.refresh_from_db()
    assert not story.indexed
    assert not StoryKey.objects.filter(story=story).exists()
    assert retention.prune(later)["stories"] == 0  # closed once
