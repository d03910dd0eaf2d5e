# ruff: noqa: E501  (fixture prose reads better unwrapped)
"""A fictional outlet on a loopback server whose feed grows while a test runs (our own words).

Its stories are dated "now", so they are live news (NEWSDESK_LIVE["MAX_AGE_HOURS"]); each has a page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from tests.support.loopback import LoopbackServer, Reply, SeenRequest, reply

STORIES = [
    (
        "Lantern Bay reopens its tidal swimming pool",
        "The tidal pool below the lighthouse reopened on Saturday after a winter of repairs to its sea wall, and the first swimmers were in the water before seven.",
    ),
    (
        "Night buses return to the upper town",
        "The upper town's night buses run again from Friday, every thirty minutes until three, after drivers and the council agreed a new rota.",
    ),
    (
        "Fishing cooperative buys a shared ice machine",
        "Eleven boats of the Lantern Bay cooperative now share one ice machine on the quay, which saves each crew the drive to the cold store.",
    ),
    (
        "Library lends tools as well as books",
        "Drills, ladders and a sewing machine can now be borrowed with a library card, after residents donated most of them in a single weekend.",
    ),
    (
        "Harbour school plants a sea-grass meadow",
        "Pupils of the harbour school planted sea grass in the shallow bay, where divers will count the fish that come back to it next spring.",
    ),
]


class GrowingOutlet:
    """/feed.xml lists the stories released so far, newest first; /story/N is story N's page."""

    def __init__(self, server: LoopbackServer) -> None:
        self.server = server
        self.base = server.url("").rstrip("/")
        self.released: list[tuple[int, datetime]] = []
        server.route("/feed.xml", self._feed)
        server.route("/robots.txt", reply("User-agent: *\nAllow: /\n"))
        for number, (title, text) in enumerate(STORIES):
            server.route(f"/story/{number}", reply(self._page(title, text), "text/html; charset=utf-8"))

    @property
    def feed_url(self) -> str:
        return f"{self.base}/feed.xml"

    def release(self, *numbers: int) -> list[str]:
        """Put these stories in the feed; returns their titles."""
        now = datetime.now(UTC).replace(microsecond=0)
        self.released.extend((n, now) for n in numbers)
        return [STORIES[n][0] for n in numbers]

    def _feed(self, request: SeenRequest) -> Reply:
        return reply(self.feed_body(), "application/rss+xml; charset=utf-8")

    def feed_body(self, channel_extra: str = "") -> bytes:
        """The feed as it stands; `channel_extra` is markup added to the channel (e.g. WebSub links)."""
        items = "".join(
            f"<item><title>{escape(STORIES[n][0])}</title><link>{self.base}/story/{n}</link><guid>lantern-{n}</guid>"
            f"<pubDate>{format_datetime(when)}</pubDate><description>{escape(STORIES[n][1])}</description></item>"
            for n, when in reversed(self.released)
        )
        body = f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Lantern Bay Post</title>
<link>{self.base}/</link><description>News from Lantern Bay</description>{channel_extra}{items}</channel></rss>"""
        return body.encode("utf-8")

    def _page(self, title: str, text: str) -> str:
        paragraphs = "".join(f"<p>{escape(text)} {escape(more)}</p>" for more in (
            "Residents said they had waited a long time for the news.",
            "The council will report on how it went at the end of the season.",
            "Anyone with questions can ask at the harbour office on weekday mornings.",
        ))  # fmt: skip
        return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>
<body><main><article><h1>{escape(title)}</h1><p class="byline">By Mira Holt</p>{paragraphs}</article></main></body></html>"""
