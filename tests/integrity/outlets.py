"""Outlets on a loopback server whose feeds and pages carry items of the labelled set."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from html import escape

from bench.integrity.corpus import Case, feed_item_html, load, page
from tests.support.loopback import LoopbackServer, reply

CASES = {case.id: case for case in load("tune") + load("heldout")}


@dataclass
class Outlet:
    """One outlet: an RSS feed at /<slug>/feed.xml and a page per item (or a 404 for `broken` ones)."""

    server: LoopbackServer
    slug: str
    language: str
    items: list[str] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.server.route(
            f"/{self.slug}/feed.xml", lambda _request: reply(self.feed(), "application/rss+xml")
        )

    @property
    def feed_url(self) -> str:
        return self.server.url(f"/{self.slug}/feed.xml")

    def url_of(self, case_id: str) -> str:
        return self.server.url(f"/{self.slug}/{case_id}/")

    def case(self, case_id: str) -> Case:
        return replace(CASES[case_id], source_lang=self.language)

    def add(self, *case_ids: str, broken: bool = False) -> None:
        for case_id in case_ids:
            self.items.append(case_id)
            path = f"/{self.slug}/{case_id}/"
            if broken:
                self.broken.add(case_id)
                self.server.route(path, reply("<h1>Gone</h1>", "text/html", status=404))
            else:
                html = page(self.case(case_id)).replace(self.case(case_id).url, self.url_of(case_id))
                self.server.route(path, reply(html, "text/html; charset=utf-8"))

    def feed(self) -> str:
        items = []
        for number, case_id in enumerate(self.items):
            case = self.case(case_id)
            items.append(
                f"<item><title>{escape(case.title)}</title><link>{self.url_of(case_id)}</link>"
                f"<guid>{self.slug}-{case_id}</guid>"
                f"<pubDate>Mon, 04 May 2026 {8 + number:02d}:00:00 +0000</pubDate>"
                f"<content:encoded>{escape(feed_item_html(case))}</content:encoded></item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>{self.slug.title()}</title><link>{self.server.url(f'/{self.slug}/')}</link>"
            f"<language>{self.language}</language>{''.join(items)}</channel></rss>"
        )
