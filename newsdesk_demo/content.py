"""The demo's outlets and stories, loaded from the JSON files in data/.

The stories are prose, so they live as data a writer can edit without touching Python.
A syndicated copy names its original with `copy_of` and borrows its text, so the two
can never drift apart (which is the whole point of a duplicate).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from newsdesk.core.errors import NewsdeskError

DATA = Path(__file__).parent / "data"
OUTLET_ORDER = ("courier", "coastline", "gazette", "bulletin")
FEED_FORMATS = ("rss", "atom", "json")


class DemoDataError(NewsdeskError):
    """A demo data file is missing a field or names a story that does not exist."""


@dataclass(frozen=True)
class Comment:
    author: str
    minutes_after: int  # after the story was published
    text: str


@dataclass(frozen=True)
class Story:
    outlet: str
    slug: str
    number: int  # a post id, as a CMS would give it; used in GUIDs
    headline: str
    standfirst: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    paragraphs: tuple[str, ...]
    motif: str  # which illustration images.py draws
    image_alt: str
    hours_ago: float | None  # None: held back until the drip releases it
    updated_hours_ago: float | None = None
    comments: tuple[Comment, ...] = ()
    copy_of: str | None = None  # "outlet/slug" of the original, for a syndicated copy
    tracking: str = ""  # a query string (utm_*) the outlet adds to this story's links
    injected_spam: bool = False  # the page carries a hidden block of gambling links
    spam: bool = False  # the whole item is a gambling post slipped into the feed

    @property
    def held(self) -> bool:
        return self.hours_ago is None

    @property
    def key(self) -> str:
        return f"{self.outlet}/{self.slug}"

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    tagline: str
    feed: str  # one of FEED_FORMATS
    language: str
    about: str
    colours: tuple[str, str, str]  # ink, accent, paper
    stories: tuple[Story, ...]
    spam: Story | None = None

    @property
    def feed_path(self) -> str:
        name = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}[self.feed]
        return f"/{self.slug}/{name}"

    @property
    def feed_type(self) -> str:
        return {
            "rss": "application/rss+xml",
            "atom": "application/atom+xml",
            "json": "application/feed+json",
        }[self.feed]

    def all_stories(self) -> tuple[Story, ...]:
        return self.stories + ((self.spam,) if self.spam else ())


@cache
def load_outlets() -> tuple[Outlet, ...]:
    """All outlets, in display order, with syndicated copies filled in from their originals."""
    outlets = tuple(_load_outlet(DATA / f"{slug}.json") for slug in OUTLET_ORDER)
    originals = {s.key: s for o in outlets for s in o.stories if not s.copy_of}
    return tuple(replace(o, stories=tuple(_fill_copy(s, originals) for s in o.stories)) for o in outlets)


def _fill_copy(story: Story, originals: dict[str, Story]) -> Story:
    if not story.copy_of:
        return story
    original = originals.get(story.copy_of)
    if original is None:
        raise DemoDataError(f"Story {story.key} is a copy of {story.copy_of}, which does not exist.")
    return replace(
        story,
        headline=original.headline,
        standfirst=original.standfirst,
        authors=original.authors,
        categories=original.categories,
        paragraphs=original.paragraphs,
        motif=original.motif,
        image_alt=original.image_alt,
    )


def _load_outlet(path: Path) -> Outlet:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DemoDataError(f"Cannot read demo data file {path.name}: {exc}.") from exc
    slug = _field(raw, "slug", path.name)
    if raw.get("feed") not in FEED_FORMATS:
        raise DemoDataError(f"Outlet {slug} has feed {raw.get('feed')!r}; expected one of {FEED_FORMATS}.")
    stories = tuple(_story(slug, item) for item in _field(raw, "stories", slug))
    spam = _story(slug, raw["spam"]) if raw.get("spam") else None
    return Outlet(
        slug=slug,
        name=_field(raw, "name", slug),
        tagline=_field(raw, "tagline", slug),
        feed=raw["feed"],
        language=_field(raw, "language", slug),
        about=_field(raw, "about", slug),
        colours=_colours(_field(raw, "colours", slug), slug),
        stories=stories,
        spam=spam,
    )


def _story(outlet: str, raw: dict[str, Any]) -> Story:
    where = f"{outlet}/{raw.get('slug', '?')}"
    copy = bool(raw.get("copy_of"))
    return Story(
        outlet=outlet,
        slug=_field(raw, "slug", where),
        number=int(_field(raw, "number", where)),
        headline="" if copy else _field(raw, "headline", where),
        standfirst="" if copy else _field(raw, "standfirst", where),
        authors=() if copy else tuple(_field(raw, "authors", where)),
        categories=() if copy else tuple(_field(raw, "categories", where)),
        paragraphs=() if copy else tuple(_field(raw, "paragraphs", where)),
        motif="" if copy else _field(raw, "motif", where),
        image_alt="" if copy else _field(raw, "image_alt", where),
        hours_ago=raw.get("hours_ago"),
        updated_hours_ago=raw.get("updated_hours_ago"),
        comments=tuple(Comment(**c) for c in raw.get("comments", ())),
        copy_of=raw.get("copy_of"),
        tracking=raw.get("tracking", ""),
        injected_spam=bool(raw.get("injected_spam")),
        spam=bool(raw.get("spam")),
    )


def _colours(raw: Any, where: str) -> tuple[str, str, str]:
    if not (isinstance(raw, list) and len(raw) == 3):
        raise DemoDataError(f"Outlet {where} needs three colours (ink, accent, paper).")
    return (str(raw[0]), str(raw[1]), str(raw[2]))


def _field(raw: dict[str, Any], name: str, where: str) -> Any:
    if name not in raw or raw[name] in ("", None, []):
        raise DemoDataError(f"Demo data for {where} is missing the field {name!r}.")
    return raw[name]
