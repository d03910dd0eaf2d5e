# ruff: noqa: E501  (JavaScript snippets and headlines read better unwrapped)
"""Live News in a real browser: Chromium on the home, topic and /live pages of the real web server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.topics.models import Topic

from .helpers import WebServer, make_source, store

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NEW = "section.live-news .live-news__list > li"


@pytest.fixture
def server() -> Iterator[WebServer]:
    source = make_source("Harbour Gazette")
    now = timezone.now()
    for n in range(14):
        store(source, f"Earlier harbour story number {n}", published=now - timedelta(minutes=30 + n * 7))
    with WebServer(NEWSDESK_LIVE_POLL_MS="100") as web:
        yield web


def _open(browser, url: str, width: int, height: int = 900, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    # The stream is open once the server has answered its request (headers received).
    with page.expect_response(lambda response: "/live/stream" in response.url, timeout=10000) as stream:
        page.goto(url, wait_until="load")
    assert stream.value.status == 200
    return context, page


def test_a_new_headline_appears_in_the_live_column_without_reload(chromium, server, shots: Path) -> None:
    context, page = _open(chromium, server.url("/"), 1280)
    try:
        page.evaluate("window.__stillTheSamePage = true")
        before = page.locator(NEW).count()
        article = store(Article.objects.first().source, "Lighthouse keeper’s cottage becomes a museum")
        item = page.locator(f'{NEW}[data-article-id="{article.pk}"]')
        item.wait_for(timeout=3000)
        assert page.locator(NEW).first.get_attribute("data-article-id") == str(article.pk)
        assert "live-news__item--new" in (item.get_attribute("class") or "")
        link = item.locator("a.live-news__link")
        assert link.inner_text() == "Lighthouse keeper’s cottage becomes a museum"
        assert (
            link.get_attribute("href")
            == f"/article/{article.pk}-lighthouse-keepers-cottage-becomes-a-museum/"
        )
        assert item.locator("time").get_attribute("datetime")
        assert page.locator(NEW).count() == before  # the column keeps its length
        assert page.evaluate("window.__stillTheSamePage") is True  # no reload happened
        assert page.locator("section.live-news ol[aria-live='polite']").count() == 1
        page.screenshot(path=str(shots / "live-home-new-item-desktop.png"))
        assert page.errors == []
    finally:
        context.close()


# Headless Chromium keeps every tab "visible" (another tab in front, a minimised window: still
# visible), so the Page Visibility API is stood in for: document.hidden answers a flag the test sets,
# and the test fires the real visibilitychange event. The script under test is unchanged.
VISIBILITY = """
window.__hidden = false;
Object.defineProperty(Document.prototype, "hidden", { configurable: true, get() { return window.__hidden; } });
Object.defineProperty(Document.prototype, "visibilityState",
  { configurable: true, get() { return window.__hidden ? "hidden" : "visible"; } });
window.__setHidden = (value) => { window.__hidden = value; document.dispatchEvent(new Event("visibilitychange")); };
"""


def test_the_tab_title_counts_new_headlines_while_hidden(chromium, server) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(VISIBILITY)
    page = context.new_page()
    try:
        with page.expect_response(lambda response: "/live/stream" in response.url, timeout=10000):
            page.goto(server.url("/"), wait_until="load")
        title = page.title()
        page.evaluate("window.__setHidden(true)")  # the reader switches to another tab
        source = Article.objects.first().source
        first = store(source, "Tram line extension approved")
        page.locator(f'{NEW}[data-article-id="{first.pk}"]').wait_for(timeout=3000, state="attached")
        second = store(source, "New bakery opens on Quay Street")
        page.locator(f'{NEW}[data-article-id="{second.pk}"]').wait_for(timeout=3000, state="attached")
        assert page.title() == f"(2) {title}"
        page.evaluate("window.__setHidden(false)")  # and comes back
        assert page.title() == title
        third = store(source, "Ferry timetable for the holidays")
        page.locator(f'{NEW}[data-article-id="{third.pk}"]').wait_for(timeout=3000, state="attached")
        assert page.title() == title  # a visible tab's title is left alone
    finally:
        context.close()


def test_the_page_does_not_jump_when_a_headline_arrives_above_the_reader(chromium, server) -> None:
    # At phone width the column sits in the page's single column; the reader has scrolled past it.
    context, page = _open(chromium, server.url("/"), 375, height=700)
    try:
        page.evaluate("document.querySelector('.live-news__list').lastElementChild.scrollIntoView()")
        page.evaluate("window.scrollBy(0, 300)")
        page.wait_for_timeout(200)
        probe = "(() => { const h = document.querySelector('.site-footer'); return h.getBoundingClientRect().top; })()"
        marker = page.evaluate(probe)
        list_top = page.evaluate("document.querySelector('.live-news__list').getBoundingClientRect().top")
        assert list_top < 0, "the list should be above the viewport for this test"
        article = store(Article.objects.first().source, "A much longer headline about the harbour board's spring plans "
                        "for moorings, dredging and the ferry pier, in several lines")  # fmt: skip
        page.locator(f'{NEW}[data-article-id="{article.pk}"]').wait_for(timeout=3000, state="attached")
        page.wait_for_timeout(100)
        assert abs(page.evaluate(probe) - marker) <= 1
    finally:
        context.close()


def test_topic_pages_stream_only_their_topic(chromium, server) -> None:
    science, _ = Topic.objects.get_or_create(slug="science", defaults={"name": "Science"})
    context, page = _open(chromium, server.url("/topic/science/"), 1280)
    try:
        source = Article.objects.first().source
        other = store(source, "Football club signs a goalkeeper")
        from django.db import transaction

        from newsdesk.articles.actions import do_store_article

        from .helpers import draft

        with transaction.atomic():  # stored and classified in one go, as the topics receiver does
            _, science_id = do_store_article(draft(source, "Marine biologists count the seals"))
            Article.objects.get(pk=science_id).topics.add(science)
        page.locator(f'{NEW}[data-article-id="{science_id}"]').wait_for(timeout=3000)
        assert page.locator(f'{NEW}[data-article-id="{other.pk}"]').count() == 0
    finally:
        context.close()


def test_the_live_page_works_without_javascript_and_passes_axe(chromium, server, shots: Path) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        page = context.new_page()
        response = page.goto(server.url("/live/"), wait_until="load")
        assert response.status == 200
        assert page.locator(NEW).count() == 14
        assert "Earlier harbour story number 0" in page.locator(NEW).first.inner_text()
        assert page.locator("h1").inner_text()
        page.screenshot(path=str(shots / "live-page-nojs-desktop.png"), full_page=True)
    finally:
        context.close()
    for width in (375, 1280):
        context, page = _open(chromium, server.url("/live/"), width)
        try:
            results = Axe().run(page)
            assert results.violations_count == 0, results.generate_report()
            page.screenshot(path=str(shots / f"live-page-{width}.png"), full_page=True)
        finally:
            context.close()
