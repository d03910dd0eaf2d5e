"""The site in a real browser: Chromium driven by Playwright, against a live server on loopback.

Each page type is checked with axe-core (zero violations), photographed at phone and desktop widths,
and watched for requests to any host but ours.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from newsdesk.web import links

from .seed import Newsroom

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": 375, "desktop": 1280}


@pytest.fixture
def site(live_server, newsroom: Newsroom) -> tuple[str, Newsroom]:
    return live_server.url, newsroom


@pytest.fixture
def context(browser) -> Iterator[object]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def _pages(base: str, room: Newsroom) -> dict[str, str]:
    article = room.articles[0]
    return {
        "home": "/",
        "article": links.article_path(article.pk, article.title),
        "article-rtl": links.article_path(room.rtl.pk, room.rtl.title),
        "article-long-title": links.article_path(room.long_title.pk, room.long_title.title),
        "article-no-date-no-image": links.article_path(room.no_date.pk, room.no_date.title),
        "sources": "/sources/",
        "source": links.source_path(room.sources[0].pk, room.sources[0].name),
        "topics": "/topics/",
        "topic": links.topic_path("transport"),
        "search": "/search?q=harbour",
        "search-empty": "/search?q=",
        "search-invalid": "/search?q=harbour&since=not-a-date",
        "not-found": "/article/999999/",
    }


def _foreign_requests(page, base: str) -> list[str]:
    ours = urlsplit(base).netloc
    return [url for url in page.requested if urlsplit(url).netloc not in {ours, ""} and not url.startswith("data:")]


def _open(context, base: str, path: str, width: int):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.goto(base + path, wait_until="networkidle")
    return page


def test_every_page_type_passes_axe_and_is_photographed(site, context, screenshot_dir: Path) -> None:
    base, room = site
    axe = Axe()
    problems = []
    for name, path in _pages(base, room).items():
        for label, width in WIDTHS.items():
            page = _open(context, base, path, width)
            page.screenshot(path=str(screenshot_dir / f"{name}-{label}.png"), full_page=True)
            results = axe.run(page)
            if results.violations_count:
                problems.append(f"{name} at {width}px:\n{results.generate_report()}")
            foreign = _foreign_requests(page, base)
            if foreign:
                problems.append(f"{name} asked other hosts: {foreign}")
            page.close()
    assert not problems, "\n\n".join(problems)
