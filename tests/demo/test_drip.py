"""Held-back stories are released one at a time, so Live News has something to show."""

from __future__ import annotations

import time
from datetime import timedelta

import feedparser
import httpx

from newsdesk.core.clock import FrozenClock
from newsdesk_demo.content import load_outlets
from newsdesk_demo.server import DemoServer
from tests.demo.conftest import START

OUTLETS = load_outlets()


def links(http: httpx.Client, path: str) -> list[str]:
    return [e.link for e in feedparser.parse(http.get(path).content).entries]


def test_drip_releases_one_story_per_interval(
    frozen: tuple[DemoServer, httpx.Client], clock: FrozenClock
) -> None:
    _server, http = frozen
    before = links(http, "/courier/feed.xml")
    first_held = next(s for s in OUTLETS[0].stories if s.held)
    assert not any(first_held.slug in link for link in before)
    old = http.get("/courier/feed.xml")

    clock.advance(seconds=59)
    assert links(http, "/courier/feed.xml") == before

    clock.advance(seconds=1)
    after = links(http, "/courier/feed.xml")
    assert len(after) == len(before) + 1
    assert first_held.slug in after[0]  # newest first
    article = http.get(after[0])
    assert article.status_code == 200
    assert first_held.headline in article.text

    revalidate = http.get("/courier/feed.xml", headers={"If-None-Match": old.headers["etag"]})
    assert revalidate.status_code == 200
    assert http.get("/courier/feed.xml").headers["last-modified"] == "Fri, 14 Mar 2025 09:31:00 GMT"


def test_drip_takes_turns_across_outlets(frozen: tuple[DemoServer, httpx.Client], clock: FrozenClock) -> None:
    _server, http = frozen
    feeds = {o.slug: o.feed_path for o in OUTLETS if o.feed != "json"}
    sizes = {slug: len(links(http, path)) for slug, path in feeds.items()}
    clock.advance(minutes=2)  # two releases: the courier's first, then coastline's
    grown = {slug: len(links(http, path)) - sizes[slug] for slug, path in feeds.items()}
    assert grown == {"courier": 1, "coastline": 1, "bulletin": 0}


def test_released_story_shows_in_live_news_sidebar(
    frozen: tuple[DemoServer, httpx.Client], clock: FrozenClock
) -> None:
    _server, http = frozen
    held = next(s for s in OUTLETS[0].stories if s.held)
    assert held.headline not in http.get("/courier/").text
    clock.advance(minutes=1)
    live = http.get("/courier/").text.split("Live News", 1)[1]
    assert held.headline in live


def test_drip_stops_when_every_held_story_is_out(
    frozen: tuple[DemoServer, httpx.Client], clock: FrozenClock
) -> None:
    _server, http = frozen
    clock.advance(days=2)
    held = sum(1 for o in OUTLETS for s in o.stories if s.held)
    visible = sum(1 for o in OUTLETS for s in o.all_stories() if not s.held)
    released = sum(len(links(http, o.feed_path)) for o in OUTLETS if o.feed != "json")
    gazette = http.get("/gazette/feed.json").json()["items"]
    assert released + len(gazette) == visible + held


def test_without_drip_nothing_is_released() -> None:
    clock = FrozenClock(START)
    with DemoServer(clock=clock) as server, httpx.Client(base_url=server.base_url) as http:
        before = links(http, "/courier/feed.xml")
        clock.advance(days=1)
        assert links(http, "/courier/feed.xml") == before


def test_drip_on_the_real_clock() -> None:
    with DemoServer(drip_seconds=0.2) as server, httpx.Client(base_url=server.base_url) as http:
        before = len(links(http, "/courier/feed.xml"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(links(http, "/courier/feed.xml")) == before:
            time.sleep(0.05)
        assert len(links(http, "/courier/feed.xml")) == before + 1


def test_released_story_is_published_at_its_release_time(
    frozen: tuple[DemoServer, httpx.Client], clock: FrozenClock
) -> None:
    _server, http = frozen
    clock.advance(minutes=1, seconds=30)
    newest = feedparser.parse(http.get("/courier/feed.xml").content).entries[0]
    published = newest.published_parsed
    assert published[:6] == (START + timedelta(minutes=1)).timetuple()[:6]
