"""Fixtures for the consent tests.

- `analytics_snippet`, `marketing_snippet`: operator snippets as an operator would enter them.
- `browser`: Debian's Chromium through Playwright.
- `third_party`: a loopback server on 127.0.0.2 serving an analytics script that, if it ever ran, would
  set a cookie, write localStorage and call home. It records every request, so "never loaded" is checked
  on the server side too; `tracker_snippets` configures it as an analytics and a marketing snippet.
- `demo_articles`: articles built from the demo outlets' own stories, with lead images and icons on the
  running demo server (another host): what the site shows must still cause no request there.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from newsdesk.consent.current import snippet_cache
from newsdesk.consent.models import Snippet, StorageItem
from tests.support.loopback import LoopbackServer, reply

from .browser import TRACKER_JS, origin


@pytest.fixture(autouse=True)
def fresh_snippet_cache() -> Iterator[None]:
    """Each test starts from the database, and leaves no cached snippets to the tests after it."""
    snippet_cache.forget()
    yield
    snippet_cache.forget()


ANALYTICS_HTML = (
    '<script src="https://stats.example.org/count.js" data-site="news"></script>\n'
    "<script>window.statsQueue = window.statsQueue || []; statsQueue.push('pageview');</script>"
)
MARKETING_HTML = '<img src="https://ads.example.net/pixel.gif" alt="" width="1" height="1">'


@pytest.fixture
def analytics_snippet(db) -> Snippet:
    snippet = Snippet.objects.create(
        name="Example Stats",
        category="analytics",
        html=ANALYTICS_HTML,
        provider="Example Stats Ltd (stats.example.org)",
        purpose="Counts page views.",
        csp_sources="https://stats.example.org",
    )
    StorageItem.objects.create(
        snippet=snippet,
        name="_es_id",
        kind="cookie",
        purpose="Tells repeat visits apart.",
        duration="13 months",
    )
    return snippet


@pytest.fixture
def marketing_snippet(db) -> Snippet:
    return Snippet.objects.create(
        name="Example Ads",
        category="marketing",
        html=MARKETING_HTML,
        provider="Example Ads plc",
        purpose="Measures campaigns.",
        csp_sources="https://ads.example.net",
    )


@pytest.fixture
def third_party() -> Iterator[LoopbackServer]:
    with LoopbackServer(host="127.0.0.2") as server:
        script = TRACKER_JS.replace("HIT_URL", server.url("/hit"))
        server.route("/count.js", reply(script, "text/javascript; charset=utf-8"))
        server.route("/hit", reply(b"", "text/plain"))
        server.route("/pixel.gif", reply(b"GIF89a", "image/gif"))
        yield server


@pytest.fixture
def tracker_snippets(transactional_db, third_party: LoopbackServer) -> dict[str, Snippet]:
    """An analytics and a marketing snippet, as an operator would configure them, on the third party."""
    stats = Snippet.objects.create(
        name="Example Stats",
        category="analytics",
        html=(
            f'<script src="{third_party.url("/count.js")}" defer></script>\n'
            "<script>window.statsQueue = (window.statsQueue || []).concat(['pageview']);</script>"
        ),
        provider="Example Stats Ltd",
        purpose="Counts page views.",
        csp_sources=origin(third_party.url()),
    )
    StorageItem.objects.create(
        snippet=stats, name="_es_id", purpose="Tells repeat visits apart.", duration="1 year"
    )
    StorageItem.objects.create(
        snippet=stats, name="_es_seen", kind="localStorage", purpose="First visit marker.", duration="Forever"
    )
    ads = Snippet.objects.create(
        name="Example Ads",
        category="marketing",
        html=f'<img src="{third_party.url("/pixel.gif")}" alt="" width="1" height="1" class="ad-pixel">',
        provider="Example Ads plc",
        purpose="Measures campaigns.",
        csp_sources=origin(third_party.url()),
    )
    return {"analytics": stats, "marketing": ads}


@pytest.fixture
def demo_articles(transactional_db) -> Iterator[list[Any]]:
    """Published articles made from the demo outlets' stories, images and icons on the demo server."""
    from newsdesk.articles.models import Article
    from newsdesk.sources.models import Source
    from newsdesk_demo.content import load_outlets
    from newsdesk_demo.server import DemoServer

    now = timezone.now()
    made = []
    with DemoServer(host="127.0.0.1") as demo:
        base = demo.base_url.rstrip("/")
        for outlet in load_outlets():
            source = Source.objects.create(
                url=f"{base}{outlet.feed_path}", name=outlet.name, site_url=f"{base}/{outlet.slug}/",
                icon_url=f"{base}/{outlet.slug}/images/logo.svg", language=outlet.language,
            )  # fmt: skip
            for story in outlet.stories:
                if story.held or story.copy_of:
                    continue
                words = " ".join(story.paragraphs).split()
                made.append(
                    Article.objects.create(
                        source=source,
                        url=f"{base}/{outlet.slug}/{now.year}/{story.slug}/",
                        title=story.headline,
                        authors=list(story.authors),
                        published=now - timedelta(hours=story.hours_ago or 0),
                        excerpt=" ".join(words[:50]) + "…",
                        text="\n\n".join(story.paragraphs),
                        lead_image=f"{base}/{outlet.slug}/images/{story.slug}.svg",
                        categories=list(story.categories),
                        language=outlet.language,
                    )
                )
        yield made
