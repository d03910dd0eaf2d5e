"""Live News in Chromium: a story is announced once, later coverage updates its count in place."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import timezone

from newsdesk.articles.actions import do_store_article
from newsdesk.types import ArticleDraft
from tests.live.helpers import WebServer, make_source
from tests.stories.test_end_to_end import COVERAGE

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ITEMS = "section.live-news .live-news__list > li"


@pytest.fixture
def server() -> Iterator[WebServer]:
    with WebServer(NEWSDESK_LIVE_POLL_MS="100") as web:
        yield web


def _store(key: str) -> int:
    name, title, paragraphs = COVERAGE[key]
    source = make_source(name)
    _, article_id = do_store_article(
        ArticleDraft(
            source_id=source.pk,
            url=f"http://127.0.0.1:9/{key}/ferry",
            link="",
            guid=key,
            fingerprint=key,
            content_hash=key,
            title=title,
            published=timezone.now(),
            excerpt=paragraphs[0],
            text="\n\n".join(paragraphs),
            language="en",
        )
    )
    assert article_id is not None
    return article_id


def test_one_headline_then_the_count_updates_in_place(browser, server) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        with page.expect_response(lambda r: "/live/stream" in r.url, timeout=10000):
            page.goto(server.url("/"), wait_until="load")
        first = _store("gullhaven")
        item = page.locator(f'{ITEMS}[data-article-id="{first}"]')
        item.wait_for(timeout=5000)
        story = item.get_attribute("data-story-id")
        assert story
        others = [_store("northlight"), _store("saltmarsh")]
        page.wait_for_function(
            'id => { const n = document.querySelector(`[data-story-id="${id}"] .live-news__sources`);'
            " return n && n.textContent === '3 sources'; }",
            arg=story,
            timeout=5000,
        )
        assert page.locator(f'{ITEMS}[data-story-id="{story}"]').count() == 1  # no second headline
        for other in others:
            assert page.locator(f'{ITEMS}[data-article-id="{other}"]').count() == 0
        assert item.locator(".live-news__sources").get_attribute("href") == f"/story/{story}/"
        assert errors == []
    finally:
        context.close()
