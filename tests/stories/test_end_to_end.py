# ruff: noqa: E501  (fixture prose reads better unwrapped)
"""End to end: three loopback outlets publish the same event in their own words. After a fetch there
is one story with three members, its page shows three "Read More" links, and Live News announced one
headline and then sent story updates (our own words throughout)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

import pytest
from django.test import Client

from newsdesk.core import links
from newsdesk.ingest.pipeline import Pipeline
from newsdesk.ingest.policy import fetch_policy
from newsdesk.ingest.stages.fetch import Fetcher
from newsdesk.live.models import LiveEvent
from newsdesk.live.queries import read_after
from newsdesk.live.transports import get_transport
from newsdesk.sources.actions import do_add_source
from newsdesk.sources.models import Source
from newsdesk.stories.models import Story
from tests.support.loopback import LoopbackServer, reply

pytestmark = pytest.mark.django_db(transaction=True)

COVERAGE = {
    "gullhaven": (
        "Gullhaven Gazette",
        "Tern Island ferry runs aground on the Skerry sandbank",
        [
            "The Tern Island ferry Marram Rose ran aground on the Skerry sandbank early on Thursday with 64 passengers aboard, and lifeboat crews spent three hours taking them off in calm water.",
            "The harbour authority said the ferry had left the Skerry channel in thick fog. Nobody was hurt, and the Marram Rose will be towed off the sandbank at the next high tide.",
        ],
    ),
    "northlight": (
        "Northlight Record",
        "Passengers rescued after Marram Rose grounding off Tern Island",
        [
            "Lifeboat volunteers brought 64 passengers ashore after the Marram Rose ferry grounded on the Skerry sandbank off Tern Island in fog on Thursday morning.",
            "Islanders said the Skerry sandbank has shifted since the winter storms. The harbour authority will inspect the channel buoys before the Tern Island ferry sails again.",
        ],
    ),
    "saltmarsh": (
        "Saltmarsh Courier",
        "Fog blamed as Tern Island ferry grounds with 64 aboard",
        [
            "Thick fog is being blamed after the Tern Island ferry Marram Rose grounded on the Skerry sandbank on Thursday, forcing lifeboat crews to take 64 passengers off.",
            "A harbour authority spokesperson said the ferry would be refloated at high tide and that the Skerry channel buoys would be checked before services resumed.",
        ],
    ),
}


def _feed(base: str, key: str, when: datetime) -> bytes:
    name, title, paragraphs = COVERAGE[key]
    item = (
        f"<item><title>{escape(title)}</title><link>{base}/{key}/ferry</link><guid>{key}-ferry</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate><description>{escape(paragraphs[0])}</description></item>"
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{name}</title>'
        f"<link>{base}/{key}/</link><description>News</description>{item}</channel></rss>"
    ).encode()


def _page(key: str) -> str:
    name, title, paragraphs = COVERAGE[key]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"<!doctype html><html><head><title>{escape(title)}</title></head><body><header>{name}</header><article><h1>{escape(title)}</h1>{body}</article></body></html>"


@pytest.fixture
def outlets(settings) -> Iterator[list[Source]]:
    settings.NEWSDESK_LIVE = {**settings.NEWSDESK_LIVE, "TRANSPORT": "memory"}
    get_transport()
    now = datetime.now(UTC).replace(microsecond=0)
    with LoopbackServer() as server:
        base = server.url("").rstrip("/")
        server.route("/robots.txt", reply("User-agent: *\nAllow: /\n"))
        sources = []
        for n, key in enumerate(COVERAGE):
            when = now - timedelta(minutes=30 - 10 * n)
            server.route(
                f"/{key}/feed.xml", reply(_feed(base, key, when), "application/rss+xml; charset=utf-8")
            )
            server.route(f"/{key}/ferry", reply(_page(key), "text/html; charset=utf-8"))
            sources.append(do_add_source(f"{base}/{key}/feed.xml", name=COVERAGE[key][0]))
        yield sources


def test_three_outlets_one_story_one_headline_then_updates(outlets: list[Source]) -> None:
    with Fetcher(fetch_policy()) as fetcher:
        pipeline = Pipeline(fetcher)
        for source in outlets:  # one after the other, as their feeds are polled
            report = pipeline.refresh_source(source.pk)
            assert report.ok, report.error
            assert report.new == 1

    story = Story.objects.get()
    assert story.article_count == 3
    assert story.source_count == 3
    assert story.title == COVERAGE["gullhaven"][1]  # the first to publish leads

    html = Client().get(links.story_path(story.pk)).content.decode()
    read_more = re.findall(r'class="read-more__link" href="([^"]+)"', html)
    assert [url.rsplit("/", 2)[-2] for url in read_more] == ["gullhaven", "northlight", "saltmarsh"]
    assert "Full coverage: 3 outlets" in html
    assert COVERAGE["saltmarsh"][2][1] not in html  # excerpts only, never the full text

    events = list(LiveEvent.objects.order_by("id"))
    assert [e.kind for e in events] == ["", "story", "story"]
    headline = json.loads(events[0].data)
    assert headline["title"] == COVERAGE["gullhaven"][1]
    assert headline["story"] == story.pk
    updates = [json.loads(e.data) for e in events[1:]]
    assert [(u["story"], u["sources"]) for u in updates] == [(story.pk, 2), (story.pk, 3)]
    assert all("title" not in u for u in updates)  # no second headline
    wire, _, _ = read_after(0, 10)
    assert wire[0].wire().startswith(f"id: {events[0].pk}\ndata: ".encode())
    assert wire[1].wire().startswith(f"id: {events[1].pk}\nevent: story\ndata: ".encode())
