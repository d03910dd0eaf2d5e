"""Digest building is pure: stories in, the subscriber's stories out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from newsdesk.newsletter.digest import Prefs, Story, StoryIndex, next_digest_at, select

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def story(n: int, *, source: int = 1, topics: tuple[int, ...] = (), minutes: int = 0) -> Story:
    return Story(n, f"Story {n}", "…", f"https://x.example/{n}", source, f"Source {source}",
                 T0 + timedelta(minutes=minutes), frozenset(topics))  # fmt: skip


def test_select_by_topic_or_source_newest_first_and_only_new() -> None:
    index = StoryIndex.build([
        story(1, topics=(10,), minutes=1), story(2, source=2, minutes=2), story(3, topics=(11,), minutes=3),
        story(4, topics=(10, 11), minutes=4), story(5, source=2, topics=(10,), minutes=-5),
    ])  # fmt: skip
    digest = select(index, Prefs(frozenset({10}), frozenset({2}), T0), limit=10)
    assert [s.id for s in digest.stories] == [4, 2, 1]
    assert digest.more == 0


def test_no_choice_means_everything_and_the_limit_counts_the_rest() -> None:
    index = StoryIndex.build(story(n, minutes=n) for n in range(1, 8))
    digest = select(index, Prefs(frozenset(), frozenset(), T0 + timedelta(minutes=2)), limit=3)
    assert [s.id for s in digest.stories] == [7, 6, 5]
    assert digest.more == 2


def test_nothing_new_is_an_empty_digest() -> None:
    index = StoryIndex.build([story(1, topics=(10,))])
    assert select(index, Prefs(frozenset({10}), frozenset(), T0), limit=5).empty


ROWS = st.lists(st.tuples(st.integers(1, 3), st.sets(st.integers(1, 4), max_size=2), st.integers(-50, 50)))


@given(
    ROWS, st.sets(st.integers(1, 4), max_size=2), st.sets(st.integers(1, 3), max_size=2), st.integers(-50, 50)
)
def test_select_matches_the_plain_definition(rows, topics, sources, since) -> None:
    stories = [story(i, source=s, topics=tuple(t), minutes=m) for i, (s, t, m) in enumerate(rows)]
    cursor = T0 + timedelta(minutes=since)
    digest = select(
        StoryIndex.build(stories), Prefs(frozenset(topics), frozenset(sources), cursor), limit=1000
    )
    expected = sorted(
        (s for s in stories if s.stored_at > cursor and ((not topics and not sources) or s.topic_ids & topics
                                                         or s.source_id in sources)),
        key=lambda s: (s.stored_at, s.id), reverse=True,
    )  # fmt: skip
    assert list(digest.stories) == expected


def test_next_digest_keeps_the_rhythm_or_restarts() -> None:
    due = T0
    assert next_digest_at(due, due + timedelta(minutes=4), "daily") == due + timedelta(days=1)
    assert next_digest_at(due, due + timedelta(days=3), "daily") == due + timedelta(days=4)  # missed runs
    assert next_digest_at(due + timedelta(hours=5), due, "weekly") == due + timedelta(days=7)  # early (--now)
    assert next_digest_at(None, due, "weekly") == due + timedelta(days=7)
