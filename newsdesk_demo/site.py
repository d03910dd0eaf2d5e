"""The demo site at one moment: outlets, the timeline and the URLs that tie them together.

Every absolute URL is built here from `base_url`, so feeds and pages agree on links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsdesk_demo.content import Outlet, Story
from newsdesk_demo.timeline import Placed, Timeline


@dataclass(frozen=True)
class Site:
    outlets: tuple[Outlet, ...]
    timeline: Timeline
    base_url: str  # scheme://host:port, no trailing slash

    def outlet(self, slug: str) -> Outlet | None:
        return next((o for o in self.outlets if o.slug == slug), None)

    def outlet_of(self, story: Story) -> Outlet:
        return self.outlet_of_slug(story.outlet)

    def outlet_of_slug(self, slug: str) -> Outlet:
        outlet = self.outlet(slug)
        assert outlet is not None, slug
        return outlet

    def absolute(self, path: str) -> str:
        return self.base_url + path

    @property
    def hub_url(self) -> str:
        """The demo's WebSub hub (newsdesk_demo/hub.py), served by the demo server at /hub/."""
        return self.base_url + "/hub/"

    def story_path(self, placed: Placed) -> str:
        return f"/{placed.story.outlet}/{placed.published.year}/{placed.story.slug}/"

    def story_link(self, placed: Placed) -> str:
        """The link the outlet hands out: its own path plus any tracking query."""
        path = self.story_path(placed)
        return path + (f"?{placed.story.tracking}" if placed.story.tracking else "")

    def canonical_url(self, placed: Placed, now: datetime) -> str:
        """The story's own URL, or the original's for a syndicated copy."""
        if placed.story.copy_of:
            outlet, slug = placed.story.copy_of.split("/", 1)
            original = self.timeline.find(outlet, slug, now)
            if original is not None:
                return self.absolute(self.story_path(original))
        return self.absolute(self.story_path(placed))

    def image_path(self, story: Story) -> str:
        return f"/{story.outlet}/images/{story.slug}.svg"

    def logo_path(self, outlet: Outlet) -> str:
        return f"/{outlet.slug}/images/logo.svg"

    def listed(self, outlet: str, now: datetime) -> list[Placed]:
        """What the home page and Live News show: published stories, the hidden spam post left out."""
        return [p for p in self.timeline.visible(outlet, now) if not p.story.spam]
