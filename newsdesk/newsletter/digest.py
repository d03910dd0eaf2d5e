"""Building digests: pure functions on plain data. No Django, no I/O.

`StoryIndex` holds the run's candidate stories once (they do not grow with the number of subscribers);
`select` picks one subscriber's stories from it through the per-topic and per-source lists, so a
subscriber costs the size of their own matches, not the size of the whole window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

FREQUENCY_INTERVALS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


@dataclass(frozen=True)
class Story:
    id: int
    title: str
    excerpt: str
    url: str
    source_id: int
    source_name: str
    stored_at: datetime  # when we first stored it: "new since the last digest" means this
    topic_ids: frozenset[int] = frozenset()
    cluster: int | None = None  # the story (one event, every outlet's coverage) it belongs to
    also: tuple[str, ...] = ()  # the other outlets that reported it, set by `select`


@dataclass(frozen=True)
class Prefs:
    """What one subscriber asked for. Empty topics and sources mean everything."""

    topic_ids: frozenset[int]
    source_ids: frozenset[int]
    since: datetime  # the digest cursor: stories stored after this are new to them


@dataclass(frozen=True)
class Digest:
    stories: tuple[Story, ...]
    more: int = 0  # matching stories left out to keep the mail short

    @property
    def empty(self) -> bool:
        return not self.stories


@dataclass
class StoryIndex:
    """The run's stories, newest first, with lists per topic and per source."""

    stories: list[Story]
    by_topic: dict[int, list[Story]] = field(default_factory=dict)
    by_source: dict[int, list[Story]] = field(default_factory=dict)

    @classmethod
    def build(cls, stories: Iterable[Story]) -> StoryIndex:
        ordered = sorted(stories, key=lambda s: (s.stored_at, s.id), reverse=True)
        by_topic: dict[int, list[Story]] = defaultdict(list)
        by_source: dict[int, list[Story]] = defaultdict(list)
        for story in ordered:
            by_source[story.source_id].append(story)
            for topic_id in story.topic_ids:
                by_topic[topic_id].append(story)
        return cls(ordered, dict(by_topic), dict(by_source))


def _newer(stories: list[Story], since: datetime) -> list[Story]:
    """The head of a newest-first list that is newer than `since`."""
    for i, story in enumerate(stories):
        if story.stored_at <= since:
            return stories[:i]
    return stories


def select(index: StoryIndex, prefs: Prefs, *, limit: int) -> Digest:
    """The stories new to this subscriber that match their topics or sources, newest first."""
    if not prefs.topic_ids and not prefs.source_ids:
        matches = _newer(index.stories, prefs.since)
    else:
        found: dict[int, Story] = {}
        for topic_id in prefs.topic_ids:
            for story in _newer(index.by_topic.get(topic_id, []), prefs.since):
                found[story.id] = story
        for source_id in prefs.source_ids:
            for story in _newer(index.by_source.get(source_id, []), prefs.since):
                found[story.id] = story
        matches = sorted(found.values(), key=lambda s: (s.stored_at, s.id), reverse=True)
    matches = _one_per_story(matches)
    return Digest(tuple(matches[:limit]), max(0, len(matches) - limit))


def _one_per_story(matches: list[Story]) -> list[Story]:
    """One item per story: the newest matching version, "also reported by" the other outlets."""
    kept: dict[int, int] = {}
    out: list[Story] = []
    also: dict[int, list[str]] = defaultdict(list)
    for story in matches:
        if story.cluster is None:
            out.append(story)
        elif story.cluster not in kept:
            kept[story.cluster] = len(out)
            out.append(story)
        elif story.source_name != out[kept[story.cluster]].source_name:
            names = also[story.cluster]
            if story.source_name not in names:
                names.append(story.source_name)
    for cluster, index in kept.items():
        if also[cluster]:
            out[index] = replace(out[index], also=tuple(also[cluster]))
    return out


def next_digest_at(previous: datetime | None, cutoff: datetime, frequency: str) -> datetime:
    """When the following digest falls due.

    A digest sent on time keeps the subscriber's rhythm (due at 08:00 stays 08:00, however late in the
    tick it went out); one sent early (--now) or after missed runs restarts the interval from this run.
    """
    interval = FREQUENCY_INTERVALS[frequency]
    if previous is not None and previous <= cutoff < previous + interval:
        return previous + interval
    return cutoff + interval
