"""The site in a real browser: Chromium driven by Playwright, against a live server on loopback.

Each page type is checked with axe-core (zero violations), photographed at phone and desktop widths,
and watched for requests to any host but ours.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from newsdesk.core import links

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
    return [
        url
        for url in page.requested
        if urlsplit(url).netloc not in {ours, ""} and not url.startswith("data:")
    ]


def _open(context, base: str, path: str, width: int):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.goto(base + path, wait_until="networkidle")
    # Scroll through once so that lazy images load before a full-page screenshot.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
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


def _article_link_for(page, article) -> Any:
    return page.locator(f'a[href="{links.article_path(article.pk, article.title)}"]').first


def test_home_to_article_to_read_more(site, context) -> None:
    base, room = site
    page = _open(context, base, "/", 1280)
    story = room.articles[0]
    with page.expect_navigation():
        _article_link_for(page, story).click()
    assert page.url == base + links.article_path(story.pk, story.title)
    assert page.locator("h1").inner_text() == story.title
    read_more = page.get_by_role("link", name=f"Read More: {story.title}")
    assert read_more.get_attribute("href") == story.url
    excerpt = page.locator(".article__excerpt").inner_text().strip()
    assert excerpt.endswith("…")


def test_search_from_the_header_with_the_keyboard(site, context) -> None:
    base, _ = site
    page = _open(context, base, "/", 1280)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "masthead-search":
            break
    assert page.evaluate("document.activeElement.id") == "masthead-search"
    page.keyboard.type("turbines")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search?q=turbines" in page.url
    assert page.locator(".result mark").count() >= 1
    assert "Dunholm Heath wind farm" in page.locator(".results").inner_text()


def test_the_skip_link_moves_focus_to_the_content(site, context) -> None:
    base, _ = site
    page = _open(context, base, "/", 1280)
    page.keyboard.press("Tab")
    box = page.locator(".skip-link").bounding_box()
    assert box, "the skip link is not shown when focused"
    assert box["y"] >= 0, "the skip link is not shown when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_site_works_without_javascript(site, browser) -> None:
    base, _room = site
    ctx = browser.new_context(java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(base + "/")
        assert page.locator(".live-news__item").count() > 0
        page.fill("#masthead-search", "harbour")
        with page.expect_navigation():
            page.press("#masthead-search", "Enter")
        assert page.locator(".result").count() > 0
    finally:
        ctx.close()


def test_dark_mode_passes_axe_too(site, browser, screenshot_dir: Path) -> None:
    base, room = site
    ctx = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    try:
        problems = []
        for name in ("home", "article", "search", "not-found"):
            page = ctx.new_page()
            page.goto(base + _pages(base, room)[name], wait_until="networkidle")
            assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(20, 20, 20)"
            page.screenshot(path=str(screenshot_dir / f"{name}-dark-desktop.png"), full_page=True)
            results = Axe().run(page)
            if results.violations_count:
                problems.append(f"{name} (dark):\n{results.generate_report()}")
            page.close()
        assert not problems, "\n\n".join(problems)
    finally:
        ctx.close()


def test_nothing_overflows_a_320px_screen(site, context) -> None:
    base, room = site
    for name, path in _pages(base, room).items():
        page = _open(context, base, path, 320)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{name} is {width}px wide at 320px"
        page.close()
