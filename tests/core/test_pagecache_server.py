"""The page cache in the real server: `newsdesk run` (granian, WSGI) on loopback."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from newsdesk.articles.actions import do_store_article
from newsdesk.types import ArticleDraft
from tests.support.cli import serving
from tests.support.newsroom import NOW, make_source


def get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def server():
    with serving("run", "/api/topics", NEWSDESK_PAGE_CACHE_SECONDS="30") as (_process, base):
        yield base


@pytest.mark.django_db(transaction=True)
def test_cache_hits_for_anonymous_readers_and_forgets_on_new_articles(server):
    status, headers, first = get(f"{server}/api/articles")
    assert status == 200
    status, headers, second = get(f"{server}/api/articles")
    assert headers["X-Page-Cache"] == "HIT"
    assert first == second
    etag = headers["ETag"]
    status, headers, body = get(f"{server}/api/articles", **{"If-None-Match": etag})
    assert status == 304
    assert body == b""

    _, headers, _ = get(f"{server}/api/articles", Cookie="newsdesk_consent=all")
    assert "X-Page-Cache" not in headers

    source = make_source()
    draft = ArticleDraft(
        source_id=source.pk, url="http://outlet.test/new", link="", guid="", fingerprint="",
        content_hash="h", title="A brand new story", published=NOW,
    )  # fmt: skip
    do_store_article(draft)  # committed at once (transactional test): article_stored touches the stamp
    status, headers, third = get(f"{server}/api/articles")
    assert headers["X-Page-Cache"] == "MISS"
    assert b"A brand new story" in third
