"""Browser-test support for the consent tests: Chromium, a "third party", and demo-like articles.

- `third_party`: a loopback server on 127.0.0.2 serving an analytics script that, if it ever ran, would
  set a cookie, write localStorage and call home. It records every request, so "never loaded" is checked
  on the server side too.
- `demo_articles`: articles built from the demo outlets' own stories, with lead images and icons on the
  running demo server (another host): what the site shows must still cause no request there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from newsdesk.consent.models import Snippet, StorageItem
from tests.support.loopback import LoopbackServer, reply

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests are still
# plain synchronous calls between page visits.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-features=Translate,MediaRouter",
]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"

TRACKER_JS = """
document.cookie = "_es_id=tracked; path=/; max-age=31536000";
try { localStorage.setItem("_es_seen", "1"); } catch (e) {}
fetch("/hit?from=" + encodeURIComponent(location.pathname), {mode: "no-cors"});
window.exampleStatsLoaded = true;
"""


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def third_party() -> Iterator[LoopbackServer]:
    with LoopbackServer(host="127.0.0.2") as server:
        server.route("/count.js", reply(TRACKER_JS, "text/javascript; charset=utf-8"))
        server.route("/hit", reply(b"", "text/plain"))
        server.route("/pixel.gif", reply(b"GIF89a", "image/gif"))
        yield server


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


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
def demo_articles(transactional_db) -> Iterator[list[object]]:
    """Published articles made from the demo outlets' stories, images and icons on the demo server."""
    from newsdesk.articles.models import Article
    from newsdesk.demo.content import load_outlets
    from newsdesk.demo.server import DemoServer
    from newsdesk.sources.models import Source

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
                    )  # fmt: skip
                )
        yield made


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
