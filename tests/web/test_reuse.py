"""What is reused between requests (rendered cards, remembered figures, the newsletter box, the page cache)
never shows a story out of date for longer than the page cache's seconds, and never carries one reader's
parts to another.

The pages are asked for through the whole WSGI application with the page cache in front
(newsdesk/core/pagecache.py), the way the server calls it, after every page has been seen once, so that
cards, figures and pages are all held when the change happens.
"""

from __future__ import annotations

import io
import re
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.utils import timezone

from newsdesk.articles import actions
from newsdesk.articles.models import Article
from newsdesk.consent.actions import do_save_snippet
from newsdesk.core import links
from newsdesk.core.pagecache import PageCache
from newsdesk.topics.models import Topic
from newsdesk.types import ArticleDraft
from newsdesk.web.cards import store
from tests.support.newsroom import make_source

# Actions announce changes on commit, so these tests commit. The default topics are made for each test
# (a transactional test empties every table when it ends, the topics the migrations made included).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def default_topics() -> None:
    from newsdesk.topics.actions import do_sync_topics
    from newsdesk.topics.classify import default_tables

    do_sync_topics([(r.slug, r.name, r.description) for r in default_tables().rules])


SECONDS = 1  # the page cache's lifetime here, and how long figures are remembered


def get(app: Callable[..., Any], path: str, headers: dict[str, str] | None = None) -> tuple[str, str]:
    path, _, query = path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver", "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
        "wsgi.multiprocess": False, "wsgi.run_once": False,
    }  # fmt: skip
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    status: list[str] = []
    body = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    return status[0], body.decode()


@pytest.fixture
def site(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "FIGURES_SECONDS": SECONDS}
    return PageCache(
        get_wsgi_application(), ttl=SECONDS, max_entries=100, stamp_path=tmp_path / ".content-changed"
    )


def draft(source_id: int, n: int, **fields: Any) -> ArticleDraft:
    values: dict[str, Any] = {
        "source_id": source_id, "url": f"http://reuse.test/story/{n}", "title": f"Harbour story {n}",
        "published": timezone.now(), "excerpt": "The club won the match.",
        "text": "The football club won the league match; the striker scored twice and the coach praised it.",
        "link": f"http://reuse.test/story/{n}", "guid": f"reuse-{n}",
        "fingerprint": f"{n:064x}", "content_hash": f"{n:064x}",
    }  # fmt: skip
    values.update(fields)
    return ArticleDraft(**values)


@pytest.fixture
def newsroom() -> dict[str, Any]:
    """Six stories from one source, stored through the actions (as ingestion does): they get a topic."""
    source = make_source("The Reuse Gazette")
    ids = []
    for n in range(6):
        _, pk = actions.do_store_article(draft(source.pk, n))
        assert pk is not None
        ids.append(pk)
    shared = set.intersection(
        *(set(Article.objects.get(pk=pk).topics.values_list("pk", flat=True)) for pk in ids)
    )
    assert shared, "the stories were given no common topic"
    return {"source": source, "topic": Topic.objects.get(pk=min(shared)), "ids": ids}


def pages(newsroom: dict[str, Any], pk: int) -> list[str]:
    """Every page that shows the story `pk` (its own page, and a neighbour's "More like this")."""
    source, topic, ids = newsroom["source"], newsroom["topic"], newsroom["ids"]
    neighbour = next(other for other in ids if other != pk)
    title = Article.objects.get(pk=neighbour).title
    return [
        "/",
        links.topic_path(topic.slug),
        links.source_path(source.pk, source.name),
        links.article_path(neighbour, title),
        "/feeds/latest.rss",
    ]


def seen_everywhere(site: Any, paths: list[str], text: str) -> list[str]:
    return [path for path in paths if text in get(site, path)[1]]


def warm(site: Any, paths: list[str]) -> None:
    for path in paths:
        assert get(site, path)[0].startswith("200"), path
        assert get(site, path)[0].startswith("200"), path  # the second is a page-cache hit
    assert len(store) > 0, "cards were not kept: this test would prove nothing"


def test_an_edit_shows_on_every_page_that_shows_the_story(site, newsroom):
    pk = newsroom["ids"][2]
    paths = pages(newsroom, pk)
    warm(site, paths)
    assert seen_everywhere(site, paths, "Harbour story 2") == paths
    actions.do_update_article(pk, draft(newsroom["source"].pk, 2, title="Harbour story two, corrected"))
    time.sleep(SECONDS + 0.1)
    assert seen_everywhere(site, paths, "Harbour story two, corrected") == paths
    assert seen_everywhere(site, paths, "Harbour story 2<") == []


def test_a_quarantine_takes_the_story_off_every_page(site, newsroom):
    pk = newsroom["ids"][3]
    paths = pages(newsroom, pk)
    own = links.article_path(pk, "Harbour story 3")
    warm(site, [*paths, own, "/topics/", "/sources/"])
    counted = topic_count(site, newsroom["topic"])
    from_source = source_count(site, newsroom["source"])
    actions.do_update_article(pk, draft(newsroom["source"].pk, 3, status=Article.Status.QUARANTINED))
    time.sleep(SECONDS + 0.1)
    assert seen_everywhere(site, paths, "Harbour story 3") == []
    assert get(site, own)[0].startswith("404")
    assert topic_count(site, newsroom["topic"]) == counted - 1
    assert source_count(site, newsroom["source"]) == from_source - 1


def source_count(site: Any, source: Any) -> int:
    html = get(site, "/sources/")[1]
    path = links.source_path(source.pk, source.name)
    match = re.search(rf'href="{path}".*?directory__meta">\s*(\d+) stor', html, re.S)
    assert match, "the source is not on /sources/"
    return int(match.group(1))


def topic_count(site: Any, topic: Topic) -> int:
    html = get(site, "/topics/")[1]
    match = re.search(rf'href="{links.topic_path(topic.slug)}".*?directory__meta">\s*(\d+) stor', html, re.S)
    assert match, "the topic is not on /topics/"
    return int(match.group(1))


def test_an_approval_puts_the_story_on_every_page(site, newsroom):
    pk = newsroom["ids"][4]
    Article.objects.filter(pk=pk).update(status=Article.Status.QUARANTINED)
    paths = pages(newsroom, pk)
    warm(site, paths)
    assert seen_everywhere(site, paths, "Harbour story 4") == []
    actions.do_approve_article(pk, reviewer="editor")
    time.sleep(SECONDS + 0.1)
    assert seen_everywhere(site, paths, "Harbour story 4") == paths


def test_a_deletion_takes_the_story_off_every_page(site, newsroom):
    pk = newsroom["ids"][1]
    paths = pages(newsroom, pk)
    warm(site, paths)
    Article.objects.filter(pk=pk).delete()  # no action announces it: the lifetimes alone must do
    time.sleep(SECONDS + 0.1)
    assert seen_everywhere(site, paths, "Harbour story 1<") == []


def test_a_renamed_source_shows_on_the_cards(site, newsroom):
    """On the cards, the Live News items, the source's mark and its row on /sources/."""
    paths = [*pages(newsroom, newsroom["ids"][0])[:2], "/sources/"]
    warm(site, paths)
    source = newsroom["source"]
    source.name = "The Renamed Gazette"
    source.save()
    time.sleep(SECONDS + 0.1)
    for path in paths:
        html = get(site, path)[1]
        assert "The Renamed Gazette" in html, path
        assert "The Reuse Gazette" not in html, path


def test_consent_parts_are_never_shared_between_readers(site, newsroom, settings):
    """A reader who accepted analytics gets its snippet; an anonymous reader the banner; one sending GPC the
    banner's GPC words. Asked in turn, twice: nothing one reader got may reach another."""
    do_save_snippet(
        None,
        {
            "name": "Reuse Stats", "category": "analytics", "provider": "Reuse Stats (stats.example.org)",
            "html": '<script data-reuse-stats src="https://stats.example.org/s.js"></script>',
            "purpose": "Counts page views.", "csp_sources": "https://stats.example.org",
        },
    )  # fmt: skip
    path = links.article_path(newsroom["ids"][0], "Harbour story 0")
    client = Client()
    answer = client.post(
        "/privacy/consent/", {"action": "accept_all"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    name = settings.NEWSDESK_CONSENT["COOKIE_NAME"]
    cookie = f"{name}={answer.cookies[name].value}"
    readers = [
        ({}, ["data-consent-banner"], ["data-reuse-stats", "Global Privacy Control"]),
        ({"Cookie": cookie}, ["data-reuse-stats"], ["data-consent-banner"]),
        ({"Sec-GPC": "1"}, ["Global Privacy Control"], ["data-reuse-stats"]),
    ]
    for _ in range(2):
        for headers, present, absent in readers:
            status, html = get(site, path, headers)
            assert status.startswith("200")
            assert "Harbour story 0" in html
            assert [text for text in present if text not in html] == [], headers
            assert [text for text in absent if text in html] == [], headers


def test_the_newsletter_box_ticks_each_pages_own_choices(site, newsroom):
    """The box is rendered once per shape: each article page still ticks its own topic and source, and
    sends the reader back to its own address."""
    other = make_source("The Other Courier")
    _, pk = actions.do_store_article(draft(other.pk, 99, url="http://reuse.test/other"))
    assert pk is not None
    first = links.article_path(newsroom["ids"][0], "Harbour story 0")
    second = links.article_path(pk, "Harbour story 99")
    for path, ticked, unticked in (
        (first, newsroom["source"].pk, other.pk),
        (second, other.pk, newsroom["source"].pk),
    ):
        html = get(site, path)[1]
        assert f'name="sources" value="{ticked}" checked>' in html, path
        assert f'name="sources" value="{unticked}">' in html, path
        assert f'name="next" value="{path}"' in html, path


def test_the_newsletter_box_follows_its_choices(site, newsroom):
    """The box is kept per reading of its choices: a source added or stopped shows in it (or leaves it)
    within the figures' seconds, on a page whose box (of the same shape) was already kept."""
    path = links.article_path(newsroom["ids"][0], "Harbour story 0")
    warm(site, [path])
    own = newsroom["source"]
    assert f'name="sources" value="{own.pk}" checked>' in get(site, path)[1]
    late = make_source("The Late Ledger")
    time.sleep(SECONDS + 0.1)
    html = get(site, path)[1]
    assert f'name="sources" value="{late.pk}">' in html
    assert f'name="sources" value="{own.pk}" checked>' in html
    late.is_active = False
    late.save()
    time.sleep(SECONDS + 0.1)
    html = get(site, path)[1]
    assert f'name="sources" value="{late.pk}"' not in html
    assert f'name="sources" value="{own.pk}" checked>' in html
