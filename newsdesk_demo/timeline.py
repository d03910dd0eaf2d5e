"""When each demo story is published, as a pure function of the start time and the clock.

Times are relative to the moment the server starts, so the site always looks fresh.
Held-back stories are released one at a time, every `drip_seconds`, taking turns across
outlets; the k-th release is published at start + k × drip. Because the state is computed
from the clock rather than kept by a timer thread, a test can hold the clock still or move it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import zip_longest

from newsdesk_demo.content import Outlet, Story


@dataclass(frozen=True)
class Placed:
    """A story with its published and updated times fixed."""

    story: Story
    published: datetime
    updated: datetime


class Timeline:
    def __init__(self, outlets: tuple[Outlet, ...], start: datetime, drip_seconds: float | None) -> None:
        self.start = start.replace(microsecond=0)
        self.drip_seconds = drip_seconds
        self._fixed = {s.key: self._place(s) for o in outlets for s in o.all_stories() if not s.held}
        columns = [[s for s in o.stories if s.held] for o in outlets]
        self.held: tuple[Story, ...] = tuple(s for row in zip_longest(*columns) for s in row if s is not None)

    def _place(self, story: Story) -> Placed:
        assert story.hours_ago is not None
        published = self.start - timedelta(hours=story.hours_ago)
        updated = published
        if story.updated_hours_ago is not None:
            updated = self.start - timedelta(hours=story.updated_hours_ago)
        return Placed(story, _whole(published), _whole(updated))

    def fixed(self, key: str) -> Placed | None:
        """A story that is not held back, whatever the time (an original, the spam post)."""
        return self._fixed.get(key)

    def released(self, now: datetime) -> int:
        """How many held-back stories the drip has released by `now`."""
        if not self.drip_seconds or now < self.start:
            return 0
        elapsed = (now - self.start).total_seconds()
        return min(len(self.held), int(elapsed // self.drip_seconds))

    def visible(self, outlet: str, now: datetime) -> list[Placed]:
        """The outlet's published stories (spam included), newest first."""
        placed = [p for p in self._fixed.values() if p.story.outlet == outlet]
        for k, story in enumerate(self.held[: self.released(now)], start=1):
            if story.outlet == outlet:
                at = _whole(self.start + timedelta(seconds=k * (self.drip_seconds or 0)))
                placed.append(Placed(story, at, at))
        return sorted(placed, key=lambda p: p.published, reverse=True)

    def find(self, outlet: str, slug: str, now: datetime) -> Placed | None:
        return next((p for p in self.visible(outlet, now) if p.story.slug == slug), None)

    def last_change(self, outlet: str, now: datetime) -> datetime:
        """The latest publish or update in the outlet: the Last-Modified of its pages and feed."""
        times = [p.updated for p in self.visible(outlet, now)] + [self.start]
        return max(times)


def _whole(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)
